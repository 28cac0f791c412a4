package org.fieldbook.android.ui.setup

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.SetupProblem
import org.fieldbook.android.state.SetupStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.android.ui.roleLabel
import org.fieldbook.ffi.Role

/** First run: join the team with a supervisor's code, or use the app on its own. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun SetupScreen(session: StoreSession) {
    val holder = rememberStateHolder { scope -> SetupStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    // Secrets stay in plain `remember`: never written to the saved-state bundle.
    var code by remember { mutableStateOf("") }
    var pin by remember { mutableStateOf("") }
    var pinAgain by remember { mutableStateOf("") }
    var hub by rememberSaveable { mutableStateOf("") }
    var hubPin by rememberSaveable { mutableStateOf("") }
    var label by rememberSaveable { mutableStateOf("") }
    var standaloneRole by rememberSaveable { mutableStateOf(Role.OUTREACH) }

    Column(
        Modifier.verticalScroll(rememberScrollState()).padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        Text(stringResource(R.string.setup_title), style = MaterialTheme.typography.headlineSmall)
        Text(stringResource(R.string.setup_intro))
        OutlinedTextField(code, { code = it }, label = { Text(stringResource(R.string.setup_code)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(
            hub, { hub = it }, label = { Text(stringResource(R.string.setup_hub)) }, singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Uri), modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(hubPin, { hubPin = it }, label = { Text(stringResource(R.string.setup_hub_pin)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(label, { label = it }, label = { Text(stringResource(R.string.setup_label)) }, singleLine = true, modifier = Modifier.fillMaxWidth())
        PinField(pin, { pin = it }, stringResource(R.string.setup_pin))
        PinField(pinAgain, { pinAgain = it }, stringResource(R.string.setup_pin_again))
        state.problems.forEach { problem ->
            Text(problemText(problem), color = MaterialTheme.colorScheme.error)
        }
        state.error?.let { ErrorMessage(it) }
        Button(
            onClick = { holder.enroll(pin, pinAgain, code, hub, hubPin, label) },
            enabled = !state.busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.setup_enroll)) }

        HorizontalDivider(Modifier.padding(vertical = 8.dp))
        Text(stringResource(R.string.setup_standalone), style = MaterialTheme.typography.titleMedium)
        Text(stringResource(R.string.setup_role))
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Role.entries.forEach { role ->
                FilterChip(selected = role == standaloneRole, onClick = { standaloneRole = role }, label = { Text(roleLabel(role)) })
            }
        }
        OutlinedButton(
            onClick = { holder.createStandalone(pin, pinAgain, standaloneRole) },
            enabled = !state.busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.setup_standalone_start)) }
    }
}

@Composable
fun PinField(value: String, onChange: (String) -> Unit, label: String) {
    OutlinedTextField(
        value = value,
        onValueChange = onChange,
        label = { Text(label) },
        singleLine = true,
        visualTransformation = PasswordVisualTransformation(),
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
        modifier = Modifier.fillMaxWidth(),
    )
}

@Composable
private fun problemText(problem: SetupProblem) = stringResource(
    when (problem) {
        SetupProblem.PIN_TOO_SHORT -> R.string.setup_pin_too_short
        SetupProblem.PINS_DIFFER -> R.string.setup_pins_differ
        SetupProblem.CODE_MISSING -> R.string.setup_code_missing
        SetupProblem.HUB_MISSING -> R.string.setup_hub_missing
    },
)
