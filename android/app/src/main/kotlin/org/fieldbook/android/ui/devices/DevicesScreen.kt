package org.fieldbook.android.ui.devices

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.DevicesStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.android.ui.roleLabel
import org.fieldbook.android.ui.shortId
import org.fieldbook.ffi.Invitation
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.TeamDevice

/** The supervisor's device list: invite a new device (its code shown once), revoke one. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun DevicesScreen(session: StoreSession) {
    val holder = rememberStateHolder { scope -> DevicesStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    var inviteRole by rememberSaveable { mutableStateOf(Role.OUTREACH) }
    LaunchedEffect(Unit) { holder.refresh() }

    LazyColumn {
        item {
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.devices_invite_role), style = MaterialTheme.typography.labelLarge)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Role.entries.forEach { role ->
                        FilterChip(selected = role == inviteRole, onClick = { inviteRole = role }, label = { Text(roleLabel(role)) })
                    }
                }
                Button(onClick = { holder.invite(inviteRole) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                    Text(stringResource(R.string.devices_invite))
                }
                state.revokedEpoch?.let { Text(stringResource(R.string.devices_revoked_epoch, it)) }
            }
        }
        if (state.loading || state.busy) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        items(state.devices, key = { it.deviceId }) { device ->
            DeviceRow(device, isThis = device.deviceId == state.thisDevice, onRevoke = { holder.askRevoke(device) })
        }
    }
    state.invitation?.let { InvitationDialog(it, holder::dismissInvitation) }
    state.confirmRevoke?.let { device ->
        AlertDialog(
            onDismissRequest = holder::cancelRevoke,
            title = { Text(stringResource(R.string.devices_revoke_title)) },
            text = { Text(listOfNotNull(device.label, shortId(device.deviceId)).joinToString(" · ") + "\n\n" + stringResource(R.string.devices_revoke_body)) },
            confirmButton = { Button(onClick = holder::confirmRevoke) { Text(stringResource(R.string.devices_revoke)) } },
            dismissButton = { TextButton(onClick = holder::cancelRevoke) { Text(stringResource(R.string.cancel)) } },
        )
    }
}

@Composable
private fun DeviceRow(device: TeamDevice, isThis: Boolean, onRevoke: () -> Unit) {
    val active = device.status == "active"
    ListItem(
        overlineContent = { Text(roleLabel(device.role)) },
        headlineContent = {
            Text(listOfNotNull(device.label, shortId(device.deviceId), stringResource(R.string.devices_this).takeIf { isThis }).joinToString(" · "))
        },
        supportingContent = {
            Text(
                listOfNotNull(
                    stringResource(if (active) R.string.devices_active else R.string.devices_revoked),
                    device.lastSeenAt?.let { stringResource(R.string.devices_last_seen, it) },
                ).joinToString(" · "),
            )
        },
        trailingContent = {
            if (active && !isThis) TextButton(onClick = onRevoke) { Text(stringResource(R.string.devices_revoke)) }
        },
    )
}

/** The code is a secret until used: shown here once, never stored or logged. */
@Composable
private fun InvitationDialog(invitation: Invitation, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.devices_code_title)) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(invitation.code, style = MaterialTheme.typography.headlineSmall, fontFamily = FontFamily.Monospace)
                Text(roleLabel(invitation.role))
                Text(stringResource(R.string.devices_code_body, invitation.expiresAt))
                Text(stringResource(R.string.devices_hub, invitation.hubUrl))
                invitation.hubCertificateSha256?.let { Text(stringResource(R.string.devices_hub_pin, it), fontFamily = FontFamily.Monospace) }
            }
        },
        confirmButton = { Button(onClick = onDismiss) { Text(stringResource(R.string.close)) } },
    )
}
