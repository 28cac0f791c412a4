package org.fieldbook.ui.unlock

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.UnlockStateHolder
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.setup.PinField
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.strings.trPlural

@Composable
fun UnlockScreen(session: StoreSession) {
    val scope = rememberCoroutineScope()
    val holder = remember { UnlockStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    // Never saved: the PIN lives only while typed.
    var pin by remember { mutableStateOf("") }
    val submit = {
        holder.unlock(pin)
        pin = ""
    }

    ReadableColumn(spacing = 16) {
        Icon(Icons.Filled.Lock, contentDescription = null, tint = MaterialTheme.colorScheme.primary)
        Text(tr("unlock_title"), style = MaterialTheme.typography.headlineSmall)
        Text(tr("unlock_intro"), style = MaterialTheme.typography.bodyMedium)
        PinField(pin, { pin = it }, tr("setup_pin"), Modifier.testTag("unlock-pin"), onDone = { if (state.canTry && pin.isNotEmpty()) submit() })
        state.attemptsLeft?.let { left ->
            Text(trPlural("unlock_attempts_left", left, left), color = MaterialTheme.colorScheme.error, modifier = Modifier.testTag("unlock-attempts"))
        }
        if (state.secondsToWait > 0) {
            Text(tr("unlock_wait", state.secondsToWait.toInt()), color = MaterialTheme.colorScheme.error)
        }
        // Other failures (the key store, a damaged store) in the core's words.
        if (state.attemptsLeft == null && state.secondsToWait <= 0) state.error?.let { ErrorMessage(it) }
        Button(
            onClick = submit,
            enabled = state.canTry && pin.isNotEmpty(),
            modifier = Modifier.fillMaxWidth().testTag("unlock-button"),
        ) { Text(tr("unlock_button")) }
    }
}
