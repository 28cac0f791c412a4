package org.fieldbook.ui.sync

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.flow.MutableStateFlow
import org.fieldbook.android.state.SyncProgress
import org.fieldbook.android.state.SyncResult
import org.fieldbook.ffi.SyncPhase
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.strings.LocalStrings
import org.fieldbook.ui.strings.tr
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.time.format.FormatStyle
import java.util.Locale

/**
 * Sync status: the running sync's progress (whoever started it: a schedule
 * or "sync now") and the last result, told honestly; below, this device's
 * own safeguards (the duress PIN).
 */
@Composable
fun SyncScreen(services: AppServices, onDuressPin: () -> Unit, onTeamPolicy: () -> Unit, onStoreCheck: () -> Unit) {
    val state by services.sync.state.collectAsState()
    val waitingFlow = remember(services) { services.waitingForNetwork ?: MutableStateFlow(false) }
    val waiting by waitingFlow.collectAsState()

    ReadableColumn {
        if (state.running) {
            Text(tr("sync_running"), style = MaterialTheme.typography.titleMedium)
            ProgressLine(state.progress)
            OutlinedButton(onClick = services.sync::cancel) { Text(tr("sync_cancel")) }
        } else {
            Button(onClick = services.syncNow, modifier = Modifier.fillMaxWidth().testTag("sync-now")) {
                Text(tr("sync_now"))
            }
            if (waiting) Text(tr("sync_waiting_network"))
        }
        services.syncEveryMinutes?.let { Text(tr("sync_schedule", it), style = MaterialTheme.typography.bodySmall) }
        LastResult(state.last)
        Text(tr("sync_this_device"), style = MaterialTheme.typography.titleMedium)
        OutlinedButton(onClick = onDuressPin, modifier = Modifier.fillMaxWidth().testTag("open-duress-pin")) { Text(tr("duress_title")) }
        OutlinedButton(onClick = onTeamPolicy, modifier = Modifier.fillMaxWidth().testTag("open-policy")) { Text(tr("policy_title")) }
        OutlinedButton(onClick = onStoreCheck, modifier = Modifier.fillMaxWidth().testTag("open-store-check")) { Text(tr("check_title")) }
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
        val phase = when (progress.phase) {
            SyncPhase.PUSH -> tr("sync_phase_push")
            SyncPhase.KEYS -> tr("sync_phase_keys")
            SyncPhase.PULL -> tr("sync_phase_pull")
        }
        Text(
            if (total != null) tr("sync_progress_of", phase, progress.done.toInt(), total.toInt()) else tr("sync_progress", phase, progress.done.toInt()),
            modifier = Modifier.testTag("sync-progress"),
        )
    }
}

@Composable
private fun LastResult(last: SyncResult?) {
    if (last == null) {
        Text(tr("sync_never"), modifier = Modifier.testTag("sync-result"))
        return
    }
    val locale = if (LocalStrings.current.language == org.fieldbook.ffi.Language.ENGLISH) Locale.ENGLISH else Locale.forLanguageTag("vi")
    val at = DateTimeFormatter.ofLocalizedDateTime(FormatStyle.MEDIUM).withLocale(locale).format(last.at.atZone(ZoneId.systemDefault()))
    val error = MaterialTheme.colorScheme.error
    Card(Modifier.fillMaxWidth().testTag("sync-result")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(tr("sync_last_at", at), style = MaterialTheme.typography.titleSmall)
            when (last) {
                is SyncResult.Locked -> Text(tr("sync_locked"))
                is SyncResult.Failed -> ErrorMessage(last.error, padding = 0.dp)
                is SyncResult.Finished -> {
                    val s = last.summary
                    val verdict = when {
                        s.cancelled -> tr("sync_cancelled")
                        s.ok -> tr("sync_ok")
                        else -> tr("sync_failed")
                    }
                    Text(verdict, color = if (s.ok) MaterialTheme.colorScheme.primary else error, style = MaterialTheme.typography.titleMedium)
                    Text(tr("sync_counts", s.pushed.toInt(), s.pulled.toInt(), s.merged.toInt(), s.conflicts.toInt()))
                    if (s.held > 0u) Text(tr("sync_held", s.held.toInt()))
                    if (s.rejected > 0u) Text(tr("sync_rejected", s.rejected.toInt()), color = error)
                    if (s.keysRefused > 0u) Text(tr("sync_keys_refused", s.keysRefused.toInt()), color = error)
                    if (s.wiped) Text(tr("sync_wiped"), color = error)
                    s.errors.forEach { Text(it, color = error, style = MaterialTheme.typography.bodySmall) }
                    if (s.warnings.isNotEmpty()) {
                        Column(Modifier.testTag("sync-warnings"), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Text(tr("sync_warnings"), style = MaterialTheme.typography.titleSmall)
                            s.warnings.forEach { Text(it, style = MaterialTheme.typography.bodySmall) }
                        }
                    }
                }
            }
        }
    }
}
