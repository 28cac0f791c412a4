package org.fieldbook.android.ui.unlock

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.UnlockStateHolder
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.android.ui.setup.PinField

@Composable
fun UnlockScreen(session: StoreSession) {
    val holder = rememberStateHolder { scope -> UnlockStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    // Never saved: the PIN lives only while typed.
    var pin by remember { mutableStateOf("") }

    Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text(stringResource(R.string.unlock_title), style = MaterialTheme.typography.headlineSmall)
        PinField(pin, { pin = it }, stringResource(R.string.setup_pin))
        state.attemptsLeft?.let { left ->
            Text(pluralStringResource(R.plurals.unlock_attempts_left, left, left), color = MaterialTheme.colorScheme.error)
        }
        if (state.secondsToWait > 0) {
            Text(stringResource(R.string.unlock_wait, state.secondsToWait.toInt()), color = MaterialTheme.colorScheme.error)
        }
        // Other failures (the key store, a damaged store) in the core's words.
        if (state.attemptsLeft == null && state.secondsToWait <= 0) state.error?.let { ErrorMessage(it) }
        Button(
            onClick = {
                holder.unlock(pin)
                pin = ""
            },
            enabled = state.canTry && pin.isNotEmpty(),
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.unlock_button)) }
    }
}
