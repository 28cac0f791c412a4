package org.fieldbook.android.ui.sync

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.AppContainer
import org.fieldbook.android.R
import org.fieldbook.android.state.SyncProgress
import org.fieldbook.android.state.SyncResult
import org.fieldbook.ffi.SyncPhase
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle

/**
 * Sync status: the running sync's progress (whoever started it: the
 * periodic worker or "sync now") and the last result, told honestly.
 */
@Composable
fun SyncScreen(container: AppContainer) {
    val state by container.sync.state.collectAsStateWithLifecycle()
    val waiting by remember { container.syncScheduler.waitingForNetwork() }.collectAsStateWithLifecycle(initialValue = false)

    Column(Modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        if (state.running) {
            Text(stringResource(R.string.sync_running), style = MaterialTheme.typography.titleMedium)
            ProgressLine(state.progress)
            OutlinedButton(onClick = container.sync::cancel) { Text(stringResource(R.string.sync_cancel)) }
        } else {
            Button(onClick = container.syncScheduler::syncNow, modifier = Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.sync_now))
            }
            if (waiting) Text(stringResource(R.string.sync_waiting_network))
        }
        LastResult(state.last)
    }
}

@Composable
private fun ProgressLine(progress: SyncProgress?) {
    val total = progress?.total
    if (progress != null && total != null && total > 0) {
        LinearProgressIndicator(progress = { (progress.done.toFloat() / total).coerceIn(0f, 1f) }, modifier = Modifier.fillMaxWidth())
    } else {
        LinearProgressIndicator(Modifier.fillMaxWidth())
    }
    if (progress != null) {
        val phase = stringResource(
            when (progress.phase) {
                SyncPhase.PUSH -> R.string.sync_phase_push
                SyncPhase.KEYS -> R.string.sync_phase_keys
                SyncPhase.PULL -> R.string.sync_phase_pull
            },
        )
        Text(
            if (total != null) {
                stringResource(R.string.sync_progress_of, phase, progress.done.toInt(), total.toInt())
            } else {
                stringResource(R.string.sync_progress, phase, progress.done.toInt())
            },
        )
    }
}

@Composable
private fun LastResult(last: SyncResult?) {
    if (last == null) {
        Text(stringResource(R.string.sync_never))
        return
    }
    val at = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).format(last.at.atZone(ZoneId.systemDefault()))
    Text(stringResource(R.string.sync_last_at, at), style = MaterialTheme.typography.titleSmall)
    val error = MaterialTheme.colorScheme.error
    when (last) {
        is SyncResult.Locked -> Text(stringResource(R.string.sync_locked))
        is SyncResult.Failed -> Text(last.error.detail ?: stringResource(R.string.error_generic), color = error)
        is SyncResult.Finished -> {
            val s = last.summary
            val verdict = when {
                s.cancelled -> R.string.sync_cancelled
                s.ok -> R.string.sync_ok
                else -> R.string.sync_failed
            }
            Text(stringResource(verdict), color = if (s.ok) MaterialTheme.colorScheme.primary else error)
            Text(stringResource(R.string.sync_counts, s.pushed.toInt(), s.pulled.toInt(), s.merged.toInt(), s.conflicts.toInt()))
            if (s.held > 0u) Text(stringResource(R.string.sync_held, s.held.toInt()))
            if (s.rejected > 0u) Text(stringResource(R.string.sync_rejected, s.rejected.toInt()), color = error)
            if (s.wiped) Text(stringResource(R.string.sync_wiped), color = error)
            s.errors.forEach { Text(it, color = error, style = MaterialTheme.typography.bodySmall) }
        }
    }
}
