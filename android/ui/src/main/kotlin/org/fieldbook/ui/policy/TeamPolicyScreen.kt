package org.fieldbook.ui.policy

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.PolicySetting
import org.fieldbook.android.state.PolicySignStatus
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.TeamPolicyState
import org.fieldbook.android.state.TeamPolicyStateHolder
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.localTime
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.shortId
import org.fieldbook.ui.strings.tr

/**
 * The team's security policy: what a seized or lost device does (erase after
 * days away from the hub, after wrong PINs), how long PINs are, when the app
 * locks. Every device reads it and what it follows; a supervisor's device
 * edits it and signs it into the team's roster. Bounds are the core's: its
 * refusal names the setting and its range in the person's language.
 */
@Composable
fun TeamPolicyScreen(session: StoreSession) {
    val holder = rememberHolder { TeamPolicyStateHolder(session, it) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::load)

    ReadableColumn {
        Text(tr("policy_explain"), style = MaterialTheme.typography.bodyLarge)
        if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.error?.let { ErrorMessage(it, holder::load, padding = 0.dp) }
        val policy = state.policy ?: return@ReadableColumn
        Text(signedLine(state), style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("policy-signed"))
        PolicySetting.entries.forEach { setting ->
            val follows = setting.read(policy.effective)
            val stricterHere = follows != setting.read(policy.team)
            if (state.canSign) {
                OutlinedTextField(
                    state.text(setting),
                    { holder.edit(setting, it) },
                    label = { Text(labelOf(setting)) },
                    supportingText = { Text(listOfNotNull(hintOf(setting), tr("policy_this_device", follows).takeIf { stricterHere }).joinToString(" · ")) },
                    isError = (state.status as? PolicySignStatus.NotANumber)?.setting == setting,
                    singleLine = true,
                    enabled = !state.busy,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                    modifier = Modifier.fillMaxWidth().testTag("policy-" + setting.name.lowercase()),
                )
            } else {
                // Aligned with the text above it (a ListItem would indent it).
                Row(Modifier.fillMaxWidth().testTag("policy-" + setting.name.lowercase()), horizontalArrangement = Arrangement.spacedBy(16.dp)) {
                    Column(Modifier.weight(1f)) {
                        Text(labelOf(setting), style = MaterialTheme.typography.bodyLarge)
                        Text(
                            listOfNotNull(hintOf(setting), tr("policy_this_device", follows).takeIf { stricterHere }).joinToString(" · "),
                            style = MaterialTheme.typography.bodyMedium,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                    Text(setting.read(policy.team).toString(), style = MaterialTheme.typography.titleMedium)
                }
            }
        }
        if (state.canSign) {
            Text(tr("policy_sign_explain"), style = MaterialTheme.typography.bodySmall)
            Button(onClick = holder::sign, enabled = !state.busy, modifier = Modifier.fillMaxWidth().testTag("policy-sign")) { Text(tr("policy_sign")) }
            if (state.status == PolicySignStatus.Signing) LinearProgressIndicator(Modifier.fillMaxWidth())
        }
        when (val status = state.status) {
            PolicySignStatus.Idle, PolicySignStatus.Signing -> Unit
            PolicySignStatus.Signed -> Text(tr("policy_signed_now"), color = MaterialTheme.colorScheme.primary, modifier = Modifier.testTag("policy-status"))
            PolicySignStatus.NoChange -> Text(tr("policy_no_change"), modifier = Modifier.testTag("policy-status"))
            is PolicySignStatus.NotANumber -> Text(
                tr("policy_not_a_number", labelOf(status.setting)),
                color = MaterialTheme.colorScheme.error,
                modifier = Modifier.testTag("policy-status"),
            )
            is PolicySignStatus.Failed -> ErrorMessage(status.error, padding = 0.dp)
        }
    }
}

@Composable
private fun signedLine(state: TeamPolicyState): String {
    val policy = state.policy ?: return ""
    val by = policy.signedBy ?: return tr("policy_default")
    val at = policy.signedAt?.let(::localTime).orEmpty()
    return if (state.signedHere) tr("policy_signed_here", at) else tr("policy_signed_by", shortId(by), at)
}

@Composable
private fun labelOf(setting: PolicySetting): String = when (setting) {
    PolicySetting.OFFLINE_ERASE_DAYS -> tr("policy_offline_erase_days")
    PolicySetting.MIN_PIN_DIGITS -> tr("policy_min_pin_digits")
    PolicySetting.MAX_FAILED_UNLOCKS -> tr("policy_max_failed_unlocks")
    PolicySetting.FREE_ATTEMPTS -> tr("policy_free_attempts")
    PolicySetting.BACKOFF_BASE_SECS -> tr("policy_backoff_base_secs")
    PolicySetting.BACKOFF_MAX_SECS -> tr("policy_backoff_max_secs")
    PolicySetting.AUTO_LOCK_SECS -> tr("policy_auto_lock_secs")
}

/** What the setting does and its bounds (the core's, which it enforces). */
@Composable
private fun hintOf(setting: PolicySetting): String = when (setting) {
    PolicySetting.OFFLINE_ERASE_DAYS -> tr("policy_offline_erase_days_hint")
    PolicySetting.MIN_PIN_DIGITS -> tr("policy_min_pin_digits_hint")
    PolicySetting.MAX_FAILED_UNLOCKS -> tr("policy_max_failed_unlocks_hint")
    PolicySetting.FREE_ATTEMPTS -> tr("policy_free_attempts_hint")
    PolicySetting.BACKOFF_BASE_SECS -> tr("policy_backoff_base_secs_hint")
    PolicySetting.BACKOFF_MAX_SECS -> tr("policy_backoff_max_secs_hint")
    PolicySetting.AUTO_LOCK_SECS -> tr("policy_auto_lock_secs_hint")
}
