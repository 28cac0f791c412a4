package org.fieldbook.android.ui

import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import org.fieldbook.android.R
import org.fieldbook.ffi.Role

@Composable
fun roleLabel(role: Role): String = stringResource(
    when (role) {
        Role.OUTREACH -> R.string.role_outreach
        Role.CASE_MANAGER -> R.string.role_case_manager
        Role.PEER_LEADER -> R.string.role_peer_leader
        Role.SUPERVISOR -> R.string.role_supervisor
    },
)

/** The hub lists roles by their wire names (`case-manager`). */
@Composable
fun roleLabel(wireName: String): String = when (wireName) {
    "outreach" -> roleLabel(Role.OUTREACH)
    "case-manager" -> roleLabel(Role.CASE_MANAGER)
    "peer-leader" -> roleLabel(Role.PEER_LEADER)
    "supervisor" -> roleLabel(Role.SUPERVISOR)
    else -> wireName
}

/** Device ids are long; their first characters tell them apart on screen. */
fun shortId(id: String): String = id.take(8)
