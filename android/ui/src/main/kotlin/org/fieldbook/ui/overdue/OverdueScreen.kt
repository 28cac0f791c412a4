package org.fieldbook.ui.overdue

import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.OverdueStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.WorkerSection
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.UnreadableNote
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.shortId
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.today.DueItemRow

/** The team's overdue follow-ups, by worker, most overdue first. */
@Composable
fun OverdueScreen(
    session: StoreSession,
    onOpenClient: (String) -> Unit,
    onIndicators: (worker: String, label: String) -> Unit,
) {
    val holder = rememberHolder { scope -> OverdueStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::refresh)

    LazyColumn {
        if (state.loading) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        state.asOf?.let { asOf ->
            item { Text(tr("overdue_as_of", asOf, state.total), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(16.dp)) }
        }
        item { UnreadableNote(state.unreadable) }
        if (!state.loading && state.total == 0 && state.error == null) item { EmptyText(tr("overdue_none")) }
        state.workers.forEach { section ->
            item(key = "worker-" + section.worker) { WorkerHeader(section, onIndicators) }
            items(section.items, key = { section.worker + it.recordId }) { DueItemRow(it, onOpenClient) }
        }
    }
}

@Composable
private fun WorkerHeader(section: WorkerSection, onIndicators: (String, String) -> Unit) {
    val worker = section.worker
    val name = when {
        worker == null -> tr("overdue_unknown_worker")
        section.isThisDevice -> tr("devices_this")
        else -> section.label ?: tr("overdue_device", shortId(worker))
    }
    Row(Modifier.fillMaxWidth().padding(start = 16.dp, end = 8.dp, top = 12.dp), verticalAlignment = Alignment.CenterVertically) {
        Text("$name (${section.items.size})", style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.primary, modifier = Modifier.weight(1f))
        if (worker != null) TextButton(onClick = { onIndicators(worker, name) }) { Text(tr("overdue_indicators")) }
    }
}
