package org.fieldbook.ui.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.clients.ClientsScreen
import org.fieldbook.ui.devices.DevicesScreen
import org.fieldbook.ui.check.StoreCheckScreen
import org.fieldbook.ui.duress.DuressPinScreen
import org.fieldbook.ui.policy.TeamPolicyScreen
import org.fieldbook.ui.export.ExportScreen
import org.fieldbook.ui.form.FormScreen
import org.fieldbook.ui.forms.TeamFormsScreen
import org.fieldbook.ui.indicators.IndicatorsScreen
import org.fieldbook.ui.meetings.MeetingsScreen
import org.fieldbook.ui.overdue.OverdueScreen
import org.fieldbook.ui.referrals.ReferralsScreen
import org.fieldbook.ui.sync.SyncScreen
import org.fieldbook.ui.team.TeamScreen
import org.fieldbook.ui.timeline.TimelineScreen
import org.fieldbook.ui.today.TodayScreen

/**
 * Draws one back-stack entry's screen and wires where its taps lead. From a
 * list, a tap opens the detail (beside the list on a laptop); from a
 * detail, the next screen opens above it.
 */
@Composable
fun RouteContent(entry: BackStackEntry, services: AppServices, nav: Navigator) {
    val session = services.session
    val fromList = nav.top.hasDetailPane && entry == nav.stack.first()
    val go: (Route) -> Unit = { route -> if (fromList) nav.openDetail(route) else nav.open(route) }
    CompositionLocalProvider(LocalBackStackEntry provides entry, LocalClosedScreens provides nav.closed) {
        when (val route = entry.route) {
            Route.Today -> TodayScreen(session, onOpen = { go(Route.Timeline(it)) })
            Route.Clients -> ClientsScreen(session, onOpen = { go(Route.Timeline(it)) }, onAdd = { go(Route.Form(RecordKind.CLIENT)) })
            Route.Referrals -> ReferralsScreen(session, onOpen = { go(Route.Form(RecordKind.REFERRAL, recordId = it)) })
            Route.Meetings -> MeetingsScreen(
                session,
                onOpen = { go(Route.Form(RecordKind.MEETING, recordId = it)) },
                onAdd = { go(Route.Form(RecordKind.MEETING)) },
            )
            Route.Sync -> SyncScreen(
                services,
                onDuressPin = { go(Route.DuressPin) },
                onTeamPolicy = { go(Route.TeamPolicy) },
                onStoreCheck = { go(Route.StoreCheck) },
            )
            Route.DuressPin -> DuressPinScreen(session)
            Route.StoreCheck -> StoreCheckScreen(session)
            Route.Team -> TeamScreen(
                onIndicators = { go(Route.Indicators()) },
                onOverdue = { go(Route.Overdue) },
                onDevices = { go(Route.Devices) },
                onPolicy = { go(Route.TeamPolicy) },
                onForms = if (services.reports != null) ({ go(Route.TeamForms) }) else null,
                onExport = if (services.reports != null) ({ go(Route.Export) }) else null,
            )
            is Route.Indicators -> IndicatorsScreen(session, route.worker, route.workerLabel)
            Route.Overdue -> OverdueScreen(
                session,
                onOpenClient = { go(Route.Timeline(it)) },
                onIndicators = { worker, label -> go(Route.Indicators(worker, label)) },
            )
            Route.Devices -> DevicesScreen(session)
            Route.TeamPolicy -> TeamPolicyScreen(session)
            Route.TeamForms -> TeamFormsScreen(services)
            Route.Export -> ExportScreen(services)
            is Route.Timeline -> TimelineScreen(
                session,
                route.clientId,
                onAdd = { kind -> go(Route.Form(kind, clientId = route.clientId)) },
                onEdit = { kind, id -> go(Route.Form(kind, recordId = id)) },
            )
            is Route.Form -> FormScreen(
                session,
                kind = route.kind,
                recordId = route.recordId,
                clientId = route.clientId,
                onSaved = { nav.back() },
                onOpenClient = { id ->
                    nav.back()
                    nav.open(Route.Timeline(id))
                },
            )
        }
    }
}
