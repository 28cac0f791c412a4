package org.fieldbook.ui.forms

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.Dispatchers
import org.fieldbook.android.state.FormImportStatus
import org.fieldbook.android.state.TeamFormsState
import org.fieldbook.android.state.TeamFormsStateHolder
import org.fieldbook.ffi.FormVersionInfo
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.localTime
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.shortId
import org.fieldbook.ui.strings.tr
import java.io.File

/**
 * The team's forms, for a supervisor at the office: each kind's versions
 * and who signed them; a form taken out as an XLSForm workbook for a
 * program officer to edit in Excel; a workbook read, signed and published
 * to the team, or refused with every mistake at its sheet, row and column.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun TeamFormsScreen(services: AppServices) {
    val holder = rememberHolder { scope -> TeamFormsStateHolder(services.session, scope, Dispatchers.IO) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::load)
    var workbook by remember { mutableStateOf("") }
    var folder by remember { mutableStateOf(services.exportFolder?.path.orEmpty()) }

    ReadableColumn {
        Text(tr("forms_explain"), style = MaterialTheme.typography.bodyLarge)
        if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.error?.let { ErrorMessage(it, holder::load, padding = 0.dp) }
        state.versions.forEach { version -> VersionLine(version, state) }
        state.refused.forEach { refused ->
            Text(
                tr("forms_refused", refused.kind.name.lowercase(), refused.version.toInt(), refused.reason),
                color = MaterialTheme.colorScheme.error,
                style = MaterialTheme.typography.bodyMedium,
            )
        }

        Text(tr("forms_import_title"), style = MaterialTheme.typography.titleMedium)
        Text(tr("forms_import_explain"), style = MaterialTheme.typography.bodySmall)
        OutlinedTextField(
            workbook, { workbook = it }, label = { Text(tr("forms_workbook")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("forms-workbook"),
        )
        services.chooseFile?.let { choose ->
            OutlinedButton(onClick = { choose(workbook.takeIf { it.isNotBlank() }?.let(::File))?.let { workbook = it.path } }) {
                Text(tr("forms_choose_workbook"))
            }
        }
        Button(
            onClick = { holder.import(workbook) },
            enabled = workbook.isNotBlank() && state.import != FormImportStatus.Working,
            modifier = Modifier.fillMaxWidth().testTag("forms-import"),
        ) { Text(tr("forms_import")) }
        ImportResult(state.import)

        Text(tr("forms_export_title"), style = MaterialTheme.typography.titleMedium)
        OutlinedTextField(
            folder, { folder = it }, label = { Text(tr("export_folder")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("forms-folder"),
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            state.versions.filter { it.inUse }.forEach { version ->
                OutlinedButton(
                    onClick = { holder.export(version.kind, folder) },
                    enabled = folder.isNotBlank(),
                    modifier = Modifier.testTag("forms-export-" + version.kind.name.lowercase()),
                ) { Text(tr("forms_version", version.title, version.version.toInt())) }
            }
        }
        state.exported?.let { Text(tr("export_written", it.path), color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("forms-exported")) }
        state.exportFailed?.let { Text(tr("export_write_failed", it), color = MaterialTheme.colorScheme.error) }
    }
}

@Composable
private fun VersionLine(version: FormVersionInfo, state: TeamFormsState) {
    val who = when {
        version.builtIn -> tr("forms_built_in")
        version.signedBy == state.thisDevice -> tr("forms_signed_here", version.signedAt?.let(::localTime).orEmpty())
        else -> tr("forms_signed_by", shortId(version.signedBy.orEmpty()), version.signedAt?.let(::localTime).orEmpty())
    }
    Column(Modifier.fillMaxWidth().testTag("forms-version-" + version.kind.name.lowercase() + "-" + version.version)) {
        Text(
            tr("forms_version", version.title, version.version.toInt()) + if (version.inUse) " · " + tr("forms_in_use") else "",
            style = MaterialTheme.typography.titleSmall,
            color = if (version.inUse) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.onSurface,
        )
        Text(who, style = MaterialTheme.typography.bodySmall)
    }
}

@Composable
private fun ImportResult(status: FormImportStatus) {
    when (status) {
        FormImportStatus.Idle -> Unit
        FormImportStatus.Working -> LinearProgressIndicator(Modifier.fillMaxWidth())
        is FormImportStatus.Published -> Text(
            tr("forms_published", status.title, status.version.toInt()),
            color = MaterialTheme.colorScheme.primary,
            modifier = Modifier.testTag("forms-status"),
        )
        is FormImportStatus.Refused -> Column(Modifier.testTag("forms-status")) {
            Text(tr("forms_refused_workbook"), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.titleSmall)
            status.problems.forEach { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
        }
        is FormImportStatus.Unreadable -> Text(tr("forms_unreadable", status.path), color = MaterialTheme.colorScheme.error, modifier = Modifier.testTag("forms-status"))
        is FormImportStatus.Failed -> ErrorMessage(status.error, padding = 0.dp)
    }
}
