package org.fieldbook.android.ui.overdue

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
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.OverdueStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.WorkerSection
import org.fieldbook.android.ui.common.EmptyText
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.UnreadableNote
import org.fieldbook.android.ui.shortId
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.android.ui.today.DueItemRow

/** The team's overdue follow-ups, by worker, most overdue first. */
@Composable
fun OverdueScreen(session: StoreSession, onOpenClient: (String) -> Unit, onIndicators: (worker: String) -> Unit) {
    val holder = rememberStateHolder { scope -> OverdueStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { holder.refresh() }

    LazyColumn {
        if (state.loading) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        state.asOf?.let { asOf ->
            item { Text(stringResource(R.string.overdue_as_of, asOf, state.total), modifier = Modifier.padding(16.dp)) }
        }
        item { UnreadableNote(state.unreadable) }
        if (!state.loading && state.total == 0 && state.error == null) item { EmptyText(stringResource(R.string.overdue_none)) }
        state.workers.forEach { section ->
            item(key = "worker-" + section.worker) { WorkerHeader(section, onIndicators) }
            items(section.items, key = { section.worker + it.recordId }) { DueItemRow(it, onOpenClient) }
        }
    }
}

@Composable
private fun WorkerHeader(section: WorkerSection, onIndicators: (String) -> Unit) {
    val worker = section.worker
    val name = when {
        worker == null -> stringResource(R.string.overdue_unknown_worker)
        section.isThisDevice -> stringResource(R.string.devices_this)
        else -> section.label ?: stringResource(R.string.overdue_device, shortId(worker))
    }
    Row(Modifier.fillMaxWidth().padding(start = 16.dp, end = 8.dp, top = 12.dp), verticalAlignment = Alignment.CenterVertically) {
        Text("$name (${section.items.size})", style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.primary, modifier = Modifier.weight(1f))
        if (worker != null) TextButton(onClick = { onIndicators(worker) }) { Text(stringResource(R.string.overdue_indicators)) }
    }
}
