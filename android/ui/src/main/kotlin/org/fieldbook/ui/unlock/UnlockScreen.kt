package org.fieldbook.ui.unlock

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
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
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import androidx.compose.ui.platform.testTag
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.UnlockStateHolder
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.navigation.rememberHolderScope
import org.fieldbook.ui.setup.PinField
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.strings.trPlural

@Composable
fun UnlockScreen(session: StoreSession) {
    val scope = rememberHolderScope()
    val holder = remember { UnlockStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    // Never saved: the PIN lives only while typed.
    var pin by remember { mutableStateOf("") }
    val submit = {
        holder.unlock(pin)
        pin = ""
    }

    // Centred on the screen: on a laptop's window as on a phone, the one thing to do here.
    Box(Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp), contentAlignment = Alignment.Center) {
        Column(Modifier.widthIn(max = 420.dp).fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Icon(Icons.Filled.Lock, contentDescription = null, tint = MaterialTheme.colorScheme.primary, modifier = Modifier.size(48.dp))
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
}
