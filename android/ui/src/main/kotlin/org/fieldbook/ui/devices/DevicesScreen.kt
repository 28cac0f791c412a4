package org.fieldbook.ui.devices

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.text.selection.SelectionContainer
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.layout.wrapContentWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Icon
import androidx.compose.material3.FilterChip
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.DevicesStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.roleLabel
import org.fieldbook.ui.localTime
import org.fieldbook.ui.shortId
import org.fieldbook.ui.strings.tr
import org.fieldbook.ffi.DeviceStatus
import org.fieldbook.ffi.Invitation
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.TeamDevice

/** The supervisor's device list: invite a new device (its code shown once), revoke one. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun DevicesScreen(session: StoreSession) {
    val holder = rememberHolder { scope -> DevicesStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    var inviteRole by remember { mutableStateOf(Role.OUTREACH) }
    RefreshOnReturn(holder::refresh)

    // A laptop's window is wide: the list keeps a readable width.
    LazyColumn(Modifier.fillMaxSize().wrapContentWidth().widthIn(max = 840.dp)) {
        item {
            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(tr("devices_invite_role"), style = MaterialTheme.typography.labelLarge)
                FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    Role.entries.forEach { role ->
                        FilterChip(selected = role == inviteRole, onClick = { inviteRole = role }, label = { Text(roleLabel(role)) })
                    }
                }
                Button(onClick = { holder.invite(inviteRole) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                    Text(tr("devices_invite"))
                }
                state.revokedEpoch?.let { Text(tr("devices_revoked_epoch", it)) }
            }
        }
        if (!state.loading) item { TeamFingerprint(state.teamFingerprint) }
        if (state.loading || state.busy) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        if (!state.loading && state.devices.isEmpty() && state.error == null) item { EmptyText(tr("devices_none")) }
        items(state.devices, key = { it.deviceId }) { device ->
            DeviceRow(device, isThis = device.deviceId == state.thisDevice, onRevoke = { holder.askRevoke(device) })
        }
    }
    state.invitation?.let { InvitationDialog(it, holder::dismissInvitation) }
    state.confirmRevoke?.let { device ->
        AlertDialog(
            onDismissRequest = holder::cancelRevoke,
            title = { Text(tr("devices_revoke_title")) },
            text = { Text(listOfNotNull(device.label, shortId(device.deviceId)).joinToString(" · ") + "\n\n" + tr("devices_revoke_body")) },
            confirmButton = { Button(onClick = holder::confirmRevoke, modifier = Modifier.testTag("revoke-confirm")) { Text(tr("devices_revoke")) } },
            dismissButton = { TextButton(onClick = holder::cancelRevoke) { Text(tr("cancel")) } },
        )
    }
}

/** What supervisors compare in person: the same team shows the same fingerprint on every device. */
@Composable
private fun TeamFingerprint(fingerprint: String?) {
    Card(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 8.dp).testTag("team-fingerprint")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(tr("devices_fingerprint_title"), style = MaterialTheme.typography.titleSmall)
            if (fingerprint == null) {
                Text(tr("devices_fingerprint_none"))
            } else {
                SelectionContainer {
                    Text(fingerprint, style = MaterialTheme.typography.titleMedium, fontFamily = FontFamily.Monospace)
                }
                Text(tr("devices_fingerprint_body"), style = MaterialTheme.typography.bodySmall)
            }
        }
    }
}

/** A device the hub lists but no supervisor signed is marked so, in the error colour, with a sign beside it. */
@Composable
private fun DeviceRow(device: TeamDevice, isThis: Boolean, onRevoke: () -> Unit) {
    val active = device.status == DeviceStatus.ACTIVE
    val error = MaterialTheme.colorScheme.error
    ListItem(
        leadingContent = if (device.verified) null else ({ Icon(Icons.Filled.Warning, contentDescription = null, tint = error) }),
        overlineContent = { Text(roleLabel(device.role)) },
        headlineContent = {
            Text(listOfNotNull(device.label, shortId(device.deviceId), tr("devices_this").takeIf { isThis }).joinToString(" · "))
        },
        supportingContent = {
            Column {
                if (!device.verified) {
                    Text(tr("devices_unverified"), color = error, modifier = Modifier.testTag("unverified-" + device.deviceId))
                }
                Text(
                    listOfNotNull(
                        if (active) tr("devices_active") else tr("devices_revoked"),
                        device.lastSeenAt?.let { tr("devices_last_seen", localTime(it)) },
                    ).joinToString(" · "),
                )
            }
        },
        trailingContent = {
            if (active && !isThis) TextButton(onClick = onRevoke, modifier = Modifier.testTag("revoke-" + device.deviceId)) { Text(tr("devices_revoke")) }
        },
    )
}

/** The code is a secret until used: shown here once, never stored or logged. */
@Composable
private fun InvitationDialog(invitation: Invitation, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(tr("devices_code_title")) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                SelectionContainer {
                    Text(invitation.code, style = MaterialTheme.typography.titleLarge, fontFamily = FontFamily.Monospace, modifier = Modifier.testTag("invitation-code"))
                }
                Text(roleLabel(invitation.role))
                Text(tr("devices_code_body", localTime(invitation.expiresAt)))
                Text(tr("devices_hub", invitation.hubUrl))
                invitation.hubCertificateSha256?.let { Text(tr("devices_hub_pin", it), fontFamily = FontFamily.Monospace) }
            }
        },
        confirmButton = { Button(onClick = onDismiss) { Text(tr("close")) } },
    )
}
