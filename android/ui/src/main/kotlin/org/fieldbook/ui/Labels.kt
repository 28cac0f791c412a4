package org.fieldbook.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import org.fieldbook.ffi.Role
import org.fieldbook.ui.strings.tr

@Composable
@ReadOnlyComposable
fun roleLabel(role: Role): String = when (role) {
    Role.OUTREACH -> tr("role_outreach")
    Role.CASE_MANAGER -> tr("role_case_manager")
    Role.PEER_LEADER -> tr("role_peer_leader")
    Role.SUPERVISOR -> tr("role_supervisor")
}

/** The hub lists roles by their wire names (`case-manager`). */
@Composable
@ReadOnlyComposable
fun roleLabel(wireName: String): String = when (wireName) {
    "outreach" -> roleLabel(Role.OUTREACH)
    "case-manager" -> roleLabel(Role.CASE_MANAGER)
    "peer-leader" -> roleLabel(Role.PEER_LEADER)
    "supervisor" -> roleLabel(Role.SUPERVISOR)
    else -> wireName
}

/** Device ids are long; their first characters tell them apart on screen. */
fun shortId(id: String): String = id.take(8)
