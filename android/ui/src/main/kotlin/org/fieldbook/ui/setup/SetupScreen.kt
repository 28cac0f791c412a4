package org.fieldbook.ui.setup

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.text.KeyboardActions
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
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
import androidx.compose.ui.text.input.ImeAction
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.SetupProblem
import org.fieldbook.android.state.SetupStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ffi.Role
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.navigation.rememberHolderScope
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.roleLabel
import org.fieldbook.ui.strings.tr

/** First run: join the team with a supervisor's code, or use the app on its own. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SetupScreen(session: StoreSession) {
    val scope = rememberHolderScope()
    val holder = remember { SetupStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    // Secrets live only in this composition: never saved, never logged.
    var code by remember { mutableStateOf("") }
    var pin by remember { mutableStateOf("") }
    var pinAgain by remember { mutableStateOf("") }
    var hub by remember { mutableStateOf("") }
    var hubPin by remember { mutableStateOf("") }
    var label by remember { mutableStateOf("") }
    var standaloneRole by remember { mutableStateOf(Role.OUTREACH) }

    ReadableColumn {
        Text(tr("setup_title"), style = MaterialTheme.typography.headlineSmall)
        Text(tr("setup_intro"))
        OutlinedTextField(
            code, { code = it }, label = { Text(tr("setup_code")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("setup-code"),
        )
        OutlinedTextField(
            hub, { hub = it }, label = { Text(tr("setup_hub")) }, singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri),
            modifier = Modifier.fillMaxWidth().testTag("setup-hub"),
        )
        OutlinedTextField(
            hubPin, { hubPin = it }, label = { Text(tr("setup_hub_pin")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("setup-hub-pin"),
        )
        OutlinedTextField(
            label, { label = it }, label = { Text(tr("setup_label")) }, singleLine = true,
            modifier = Modifier.fillMaxWidth().testTag("setup-label"),
        )
        PinField(pin, { pin = it }, tr("setup_pin"), Modifier.testTag("setup-pin"), hint = tr("setup_pin_hint", SetupStateHolder.MIN_PIN_LENGTH))
        PinField(pinAgain, { pinAgain = it }, tr("setup_pin_again"), Modifier.testTag("setup-pin-again"))
        state.problems.forEach { problem ->
            Text(problemText(problem), color = MaterialTheme.colorScheme.error)
        }
        state.error?.let { ErrorMessage(it) }
        Button(
            onClick = { holder.enroll(pin, pinAgain, code, hub, hubPin, label) },
            enabled = !state.busy,
            modifier = Modifier.fillMaxWidth().testTag("setup-enroll"),
        ) { Text(if (state.busy) tr("setup_joining") else tr("setup_enroll")) }

        HorizontalDivider(Modifier.padding(vertical = 8.dp))
        Text(tr("setup_standalone"), style = MaterialTheme.typography.titleMedium)
        Text(tr("setup_role"))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Role.entries.forEach { role ->
                FilterChip(selected = role == standaloneRole, onClick = { standaloneRole = role }, label = { Text(roleLabel(role)) })
            }
        }
        OutlinedButton(
            onClick = { holder.createStandalone(pin, pinAgain, standaloneRole) },
            enabled = !state.busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(tr("setup_standalone_start")) }
    }
}

@Composable
fun PinField(value: String, onChange: (String) -> Unit, label: String, modifier: Modifier = Modifier, hint: String? = null, onDone: (() -> Unit)? = null) {
    OutlinedTextField(
        value = value,
        supportingText = hint?.let { { Text(it) } },
        // Digits only: the PIN pad on a phone, and no stray letters on a keyboard.
        onValueChange = { typed -> onChange(typed.filter(Char::isDigit)) },
        label = { Text(label) },
        singleLine = true,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword, imeAction = if (onDone != null) ImeAction.Done else ImeAction.Default),
        keyboardActions = KeyboardActions(onDone = { onDone?.invoke() }),
        modifier = modifier.fillMaxWidth(),
    )
}

@Composable
private fun problemText(problem: SetupProblem) = when (problem) {
    SetupProblem.PIN_TOO_SHORT -> tr("setup_pin_too_short", SetupStateHolder.MIN_PIN_LENGTH)
    SetupProblem.PINS_DIFFER -> tr("setup_pins_differ")
    SetupProblem.CODE_MISSING -> tr("setup_code_missing")
    SetupProblem.HUB_MISSING -> tr("setup_hub_missing")
}
