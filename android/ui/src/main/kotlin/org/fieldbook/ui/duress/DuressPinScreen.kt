package org.fieldbook.ui.duress

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.DuressPinStateHolder
import org.fieldbook.android.state.DuressPinStatus
import org.fieldbook.android.state.SetupStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.setup.PinField
import org.fieldbook.ui.strings.tr

/**
 * Where a worker sets, changes or removes the duress PIN, with what it does
 * said plainly. The core judges the PIN and words its refusal in the
 * person's language.
 */
@Composable
fun DuressPinScreen(session: StoreSession) {
    val holder = rememberHolder { DuressPinStateHolder(session, it) }
    val state by holder.state.collectAsState()
    LaunchedEffect(holder) { holder.load() }
    // Never saved: the PINs live only while typed.
    var pin by remember { mutableStateOf("") }
    var confirmation by remember { mutableStateOf("") }
    val canSave = !state.busy && pin.isNotEmpty() && confirmation.isNotEmpty()
    val save = {
        holder.save(pin, confirmation)
        pin = ""
        confirmation = ""
    }

    ReadableColumn {
        Text(tr("duress_explain"), style = MaterialTheme.typography.bodyLarge)
        if (!state.loading) {
            Text(
                if (state.isSet) tr("duress_is_set") else tr("duress_not_set"),
                style = MaterialTheme.typography.titleSmall,
                color = MaterialTheme.colorScheme.primary,
                modifier = Modifier.testTag("duress-is-set-${state.isSet}"),
            )
        }
        Text(if (state.isSet) tr("duress_change") else tr("duress_set"), style = MaterialTheme.typography.titleMedium)
        PinField(
            pin,
            { pin = it },
            tr("duress_pin"),
            Modifier.testTag("duress-pin"),
            hint = tr("duress_pin_hint", SetupStateHolder.MIN_PIN_LENGTH),
        )
        PinField(confirmation, { confirmation = it }, tr("duress_pin_again"), Modifier.testTag("duress-pin-again"), onDone = { if (canSave) save() })
        Button(onClick = save, enabled = canSave, modifier = Modifier.fillMaxWidth().testTag("duress-save")) { Text(tr("save")) }
        when (val status = state.status) {
            DuressPinStatus.Idle, DuressPinStatus.Saving -> Unit
            DuressPinStatus.Saved -> Text(tr("duress_saved"), color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("duress-status"))
            DuressPinStatus.Removed -> Text(tr("duress_removed"), color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("duress-status"))
            DuressPinStatus.Mismatch -> Text(tr("setup_pins_differ"), color = MaterialTheme.colorScheme.error, modifier = Modifier.testTag("duress-status"))
            is DuressPinStatus.Failed -> ErrorMessage(status.error, padding = 0.dp)
        }
        if (state.isSet) {
            HorizontalDivider()
            OutlinedButton(
                onClick = holder::clear,
                enabled = !state.busy,
                colors = ButtonDefaults.outlinedButtonColors(contentColor = MaterialTheme.colorScheme.error),
                modifier = Modifier.fillMaxWidth().testTag("duress-remove"),
            ) { Text(tr("duress_remove")) }
        }
    }
}
