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

/**
 * Device ids are long, and their first characters are a time (UUIDv7):
 * devices enrolled the same day share them. The last characters are
 * random and tell devices apart.
 */
fun shortId(id: String): String = id.filter { it != '-' }.takeLast(8)

/**
 * A timestamp from the core or the hub (RFC 3339, UTC) as people read it:
 * this computer's local time to the minute. Anything else is shown as it came.
 */
fun localTime(value: String): String = try {
    java.time.OffsetDateTime.parse(value).atZoneSameInstant(java.time.ZoneId.systemDefault())
        .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"))
} catch (e: java.time.format.DateTimeParseException) {
    value
}
