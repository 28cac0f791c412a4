package org.fieldbook.ui.navigation

import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.List
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.AccountBox
import androidx.compose.material.icons.filled.CheckCircle
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.Phone
import androidx.compose.material.icons.filled.Refresh
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Share
import androidx.compose.material.icons.filled.Warning
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.ui.graphics.vector.ImageVector
import org.fieldbook.ffi.Role
import org.fieldbook.ui.strings.tr

/** The top-level destinations a role has: every daily task, and the supervisor's team work. */
fun destinationsFor(role: Role, canExport: Boolean): List<Route> = buildList {
    add(Route.Today)
    add(Route.Clients)
    add(Route.Referrals)
    add(Route.Meetings)
    add(Route.Sync)
    if (role == Role.SUPERVISOR) {
        add(Route.Team)
        add(Route.Indicators())
        add(Route.Overdue)
        add(Route.Devices)
        add(Route.TeamPolicy)
        if (canExport) add(Route.TeamForms)
        if (canExport) add(Route.Export)
    }
}

/** A phone's bottom bar holds five at most: sync sits in the top bar, team work behind "Team". */
val PHONE_BAR = setOf(Route.Today, Route.Clients, Route.Referrals, Route.Meetings, Route.Team)

/** A laptop's rail shows every destination; "Team" is the phone's way to the same places. */
fun railOf(destinations: List<Route>) = destinations.filter { it != Route.Team }

fun iconOf(route: Route): ImageVector = when (route) {
    Route.Today -> Icons.Filled.Home
    Route.Clients -> Icons.Filled.Person
    Route.Referrals -> Icons.AutoMirrored.Filled.Send
    Route.Meetings -> Icons.AutoMirrored.Filled.List
    Route.Sync -> Icons.Filled.Refresh
    Route.Team -> Icons.Filled.AccountBox
    is Route.Indicators -> Icons.Filled.DateRange
    Route.Overdue -> Icons.Filled.Warning
    Route.Devices -> Icons.Filled.Phone
    Route.TeamPolicy -> Icons.Filled.Settings
    Route.TeamForms -> Icons.Filled.Edit
    Route.Export -> Icons.Filled.Share
    Route.DuressPin -> Icons.Filled.Lock
    Route.StoreCheck -> Icons.Filled.CheckCircle
    is Route.Timeline, is Route.Form -> Icons.Filled.Person
}

/** A destination's short name, for the bar and the rail. */
@Composable
@ReadOnlyComposable
fun navLabel(route: Route): String = when (route) {
    Route.Today -> tr("nav_today")
    Route.Clients -> tr("nav_clients")
    Route.Referrals -> tr("nav_referrals")
    Route.Meetings -> tr("nav_meetings")
    Route.Sync -> tr("nav_sync")
    Route.Team -> tr("nav_team")
    is Route.Indicators -> tr("nav_indicators")
    Route.Overdue -> tr("nav_overdue")
    Route.Devices -> tr("nav_devices")
    Route.TeamPolicy -> tr("nav_policy")
    Route.TeamForms -> tr("nav_forms")
    Route.Export -> tr("nav_export")
    Route.DuressPin, Route.StoreCheck, is Route.Timeline, is Route.Form -> titleOf(route)
}

/** A screen's title in its top bar. */
@Composable
@ReadOnlyComposable
fun titleOf(route: Route): String = when (route) {
    Route.Today -> tr("title_today")
    Route.Clients -> tr("nav_clients")
    Route.Referrals -> tr("title_referrals")
    Route.Meetings -> tr("title_meetings")
    Route.Sync -> tr("title_sync")
    Route.Team -> tr("nav_team")
    is Route.Indicators -> tr("title_indicators")
    Route.Overdue -> tr("title_overdue")
    Route.Devices -> tr("title_devices")
    Route.TeamPolicy -> tr("policy_title")
    Route.TeamForms -> tr("forms_title")
    Route.Export -> tr("title_export")
    Route.DuressPin -> tr("duress_title")
    Route.StoreCheck -> tr("check_title")
    is Route.Timeline -> tr("title_timeline")
    is Route.Form -> if (route.recordId == null) tr("title_form_new") else tr("title_form_edit")
}
