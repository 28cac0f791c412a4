package org.fieldbook.android.ui

import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.filled.Groups
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.People
import androidx.compose.material.icons.automirrored.filled.Send
import androidx.compose.material.icons.filled.Sync
import androidx.compose.material.icons.filled.Today
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import androidx.navigation.NavGraph.Companion.findStartDestination
import androidx.navigation.NavHostController
import androidx.navigation.NavType
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.currentBackStackEntryAsState
import androidx.navigation.compose.rememberNavController
import androidx.navigation.navArgument
import kotlinx.coroutines.launch
import org.fieldbook.android.AppContainer
import org.fieldbook.android.R
import org.fieldbook.android.ui.clients.ClientsScreen
import org.fieldbook.android.ui.devices.DevicesScreen
import org.fieldbook.android.ui.form.FormScreen
import org.fieldbook.android.ui.indicators.IndicatorsScreen
import org.fieldbook.android.ui.overdue.OverdueScreen
import org.fieldbook.android.ui.referrals.ReferralsScreen
import org.fieldbook.android.ui.sync.SyncScreen
import org.fieldbook.android.ui.team.TeamScreen
import org.fieldbook.android.ui.timeline.TimelineScreen
import org.fieldbook.android.ui.today.TodayScreen
import org.fieldbook.ffi.DeviceIdentity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role

private data class Tab(val route: String, val label: Int, val icon: ImageVector)

/** The unlocked app: a tab per daily task, and the supervisor's team tab. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun MainNavigation(container: AppContainer, identity: DeviceIdentity) {
    val nav = rememberNavController()
    val scope = rememberCoroutineScope()
    val supervisor = identity.role == Role.SUPERVISOR
    val tabs = buildList {
        add(Tab(Routes.TODAY, R.string.nav_today, Icons.Filled.Today))
        add(Tab(Routes.CLIENTS, R.string.nav_clients, Icons.Filled.People))
        add(Tab(Routes.REFERRALS, R.string.nav_referrals, Icons.AutoMirrored.Filled.Send))
        add(Tab(Routes.SYNC, R.string.nav_sync, Icons.Filled.Sync))
        if (supervisor) add(Tab(Routes.TEAM, R.string.nav_team, Icons.Filled.Groups))
    }
    val entry by nav.currentBackStackEntryAsState()
    val route = entry?.destination?.route
    val topLevel = tabs.any { it.route == route }

    Scaffold(
        topBar = {
            TopAppBar(
                title = { Text(stringResource(titleOf(route))) },
                navigationIcon = {
                    if (!topLevel && route != null) {
                        IconButton(onClick = { nav.popBackStack() }) {
                            Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = stringResource(R.string.back))
                        }
                    }
                },
                actions = {
                    IconButton(onClick = { scope.launch { container.session.lock() } }) {
                        Icon(Icons.Filled.Lock, contentDescription = stringResource(R.string.lock_now))
                    }
                },
            )
        },
        bottomBar = {
            NavigationBar {
                tabs.forEach { tab ->
                    NavigationBarItem(
                        selected = route == tab.route,
                        onClick = { nav.switchTab(tab.route) },
                        icon = { Icon(tab.icon, contentDescription = null) },
                        label = { Text(stringResource(tab.label)) },
                    )
                }
            }
        },
    ) { padding ->
        val session = container.session
        NavHost(nav, startDestination = Routes.TODAY, modifier = Modifier.padding(padding)) {
            composable(Routes.TODAY) {
                TodayScreen(session, onOpen = { clientId -> nav.navigate(Routes.timeline(clientId)) })
            }
            composable(Routes.CLIENTS) {
                ClientsScreen(
                    session,
                    onOpen = { nav.navigate(Routes.timeline(it)) },
                    onAdd = { nav.navigate(Routes.form(RecordKind.CLIENT)) },
                )
            }
            composable(Routes.TIMELINE, listOf(navArgument("id") { type = NavType.StringType })) { back ->
                val clientId = back.arguments?.getString("id").orEmpty()
                TimelineScreen(
                    session,
                    clientId,
                    onAdd = { kind -> nav.navigate(Routes.form(kind, clientId = clientId)) },
                    onEdit = { kind, id -> nav.navigate(Routes.form(kind, recordId = id)) },
                )
            }
            composable(
                Routes.FORM,
                listOf(
                    navArgument("kind") { type = NavType.StringType },
                    navArgument("id") { type = NavType.StringType; defaultValue = "" },
                    navArgument("client") { type = NavType.StringType; defaultValue = "" },
                ),
            ) { back ->
                val args = back.arguments
                FormScreen(
                    session,
                    kind = RecordKind.valueOf(args?.getString("kind").orEmpty()),
                    recordId = args?.getString("id")?.ifEmpty { null },
                    clientId = args?.getString("client")?.ifEmpty { null },
                    onSaved = { nav.popBackStack() },
                    onOpenClient = { id ->
                        nav.popBackStack()
                        nav.navigate(Routes.timeline(id))
                    },
                )
            }
            composable(Routes.REFERRALS) {
                ReferralsScreen(session, onOpen = { id -> nav.navigate(Routes.form(RecordKind.REFERRAL, recordId = id)) })
            }
            composable(Routes.SYNC) { SyncScreen(container) }
            if (supervisor) {
                composable(Routes.TEAM) {
                    TeamScreen(
                        onIndicators = { nav.navigate(Routes.indicators()) },
                        onOverdue = { nav.navigate(Routes.OVERDUE) },
                        onDevices = { nav.navigate(Routes.DEVICES) },
                    )
                }
                composable(Routes.DEVICES) { DevicesScreen(session) }
                composable(Routes.OVERDUE) {
                    OverdueScreen(
                        session,
                        onOpenClient = { nav.navigate(Routes.timeline(it)) },
                        onIndicators = { worker -> nav.navigate(Routes.indicators(worker)) },
                    )
                }
                composable(
                    Routes.INDICATORS,
                    listOf(navArgument("worker") { type = NavType.StringType; defaultValue = "" }),
                ) { back ->
                    IndicatorsScreen(session, worker = back.arguments?.getString("worker")?.ifEmpty { null })
                }
            }
        }
    }
}

/** Tabs keep one copy of each screen and come back to where they were. */
private fun NavHostController.switchTab(route: String) = navigate(route) {
    popUpTo(graph.findStartDestination().id) { saveState = true }
    launchSingleTop = true
    restoreState = true
}

private fun titleOf(route: String?): Int = when (route) {
    Routes.CLIENTS -> R.string.nav_clients
    Routes.REFERRALS -> R.string.nav_referrals
    Routes.SYNC -> R.string.nav_sync
    Routes.TEAM -> R.string.nav_team
    Routes.DEVICES -> R.string.title_devices
    Routes.OVERDUE -> R.string.title_overdue
    Routes.INDICATORS -> R.string.title_indicators
    Routes.TIMELINE -> R.string.title_timeline
    Routes.FORM -> R.string.title_form_new
    else -> R.string.nav_today
}
