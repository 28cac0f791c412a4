package org.fieldbook.ui.check

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.StoreCheckStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ffi.CheckReport
import org.fieldbook.ffi.HubContact
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr

/**
 * Checks this device's stored data and repairs what it can, on request:
 * a phone with a bad sector or a flipped bit finds out what was hit and
 * gets back what this device or the hub holds intact.
 */
@Composable
fun StoreCheckScreen(session: StoreSession) {
    val holder = rememberHolder { StoreCheckStateHolder(session, it) }
    val state by holder.state.collectAsState()

    ReadableColumn {
        Text(tr("check_explain"), style = MaterialTheme.typography.bodyLarge)
        Button(onClick = holder::check, enabled = !state.running, modifier = Modifier.fillMaxWidth().testTag("check-run")) { Text(tr("check_run")) }
        if (state.running) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.error?.let { ErrorMessage(it, holder::check, padding = 0.dp) }
        state.report?.let { Report(it) }
    }
}

@Composable
private fun Report(report: CheckReport) {
    Card(Modifier.fillMaxWidth().testTag("check-report")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(
                if (report.damage.isEmpty()) tr("check_nothing_damaged") else tr("check_found", report.damage.size),
                style = MaterialTheme.typography.titleMedium,
                color = if (report.ok) MaterialTheme.colorScheme.primary else MaterialTheme.colorScheme.error,
                modifier = Modifier.testTag("check-ok-${report.ok}"),
            )
            Text(tr("check_counts", report.recordsChecked.toLong(), report.versionsChecked.toLong(), report.teamKeysChecked.toInt(), report.auditEntries.toLong()))
            when (val hub = report.hub) {
                HubContact.NotNeeded, HubContact.NotEnrolled -> Unit
                HubContact.Reached -> Text(tr("check_hub_reached"))
                is HubContact.Unreachable -> Text(tr("check_hub_unreachable", hub.error), color = MaterialTheme.colorScheme.error)
            }
            // The core's own words, in the person's language: the record and what became of it.
            report.damage.forEach { Text("• " + it.message) }
        }
    }
}
