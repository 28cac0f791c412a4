package org.fieldbook.ui.export

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
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
import org.fieldbook.android.state.ExportFormat
import org.fieldbook.android.state.ExportProblem
import org.fieldbook.android.state.ExportStateHolder
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr
import java.io.File

/** The supervisor's monthly report as a workbook (XLSX) or CSV, written to a folder they choose. */
@Composable
fun ExportScreen(services: AppServices) {
    val writer = services.reports ?: return
    val holder = rememberHolder { scope -> ExportStateHolder(services.session, scope, writer, Dispatchers.IO) }
    val state by holder.state.collectAsState()
    var from by remember { mutableStateOf(state.from) }
    var to by remember { mutableStateOf(state.to) }
    var folder by remember { mutableStateOf(services.exportFolder?.path.orEmpty()) }
    val export = { format: ExportFormat ->
        holder.setPeriod(from, to)
        holder.export(format, folder.trim().takeIf { it.isNotEmpty() }?.let(::File))
    }

    ReadableColumn {
        Text(tr("export_intro"), style = MaterialTheme.typography.bodyMedium)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(from, { from = it }, label = { Text(tr("period_from")) }, singleLine = true, modifier = Modifier.weight(1f).testTag("export-from"))
            OutlinedTextField(to, { to = it }, label = { Text(tr("period_to")) }, singleLine = true, modifier = Modifier.weight(1f).testTag("export-to"))
        }
        OutlinedTextField(
            folder, { folder = it }, label = { Text(tr("export_folder")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("export-folder"),
        )
        services.chooseFolder?.let { choose ->
            OutlinedButton(onClick = { choose(folder.takeIf { it.isNotBlank() }?.let(::File))?.let { folder = it.path } }) {
                Text(tr("export_choose_folder"))
            }
        }
        Button(onClick = { export(ExportFormat.XLSX) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth().testTag("export-xlsx")) {
            Text(tr("export_xlsx"))
        }
        OutlinedButton(onClick = { export(ExportFormat.CSV) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth().testTag("export-csv")) {
            Text(tr("export_csv"))
        }
        if (state.busy) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.problem?.let { problem ->
            Text(
                when (problem) {
                    ExportProblem.NO_FOLDER -> tr("export_no_folder")
                    ExportProblem.INSIDE_STORE -> tr("export_inside_store")
                },
                color = MaterialTheme.colorScheme.error,
            )
        }
        state.writeFailed?.let { Text(tr("export_write_failed", it), color = MaterialTheme.colorScheme.error) }
        state.error?.let { ErrorMessage(it) }
        state.written?.let {
            Text(tr("export_written", it.path), color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("export-written"))
            Text(tr("export_plain_warning"), style = MaterialTheme.typography.bodySmall)
        }
    }
}
