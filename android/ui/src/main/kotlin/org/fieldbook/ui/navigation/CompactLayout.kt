package org.fieldbook.ui.navigation

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.text.BasicText
import androidx.compose.foundation.text.TextAutoSize
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.automirrored.filled.ExitToApp
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material.icons.filled.Refresh
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.LocalContentColor
import androidx.compose.material3.LocalTextStyle
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.sp
import kotlinx.coroutines.launch
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.offline.OfflineBanner
import org.fieldbook.ui.strings.tr

/**
 * A phone: one screen at a time, a top bar with back, sync, quick-hide and
 * lock, the daily tasks at the bottom.
 */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun CompactLayout(services: AppServices, nav: Navigator) {
    val scope = rememberCoroutineScope()
    val entry = nav.current
    val bar = nav.destinations.filter { it in PHONE_BAR }
    val offline by services.session.offline.collectAsState()
    Scaffold(
        topBar = {
            Column {
                TopAppBar(
                    title = { BarTitle(titleOf(entry.route)) },
                    navigationIcon = {
                        if (nav.stack.size > 1) {
                            IconButton(onClick = { nav.back() }, modifier = Modifier.testTag("nav-back")) {
                                Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = tr("back"))
                            }
                        }
                    },
                    actions = {
                        if (entry.route != Route.Sync) {
                            IconButton(onClick = { nav.open(Route.Sync) }, modifier = Modifier.testTag("nav-sync")) {
                                Icon(Icons.Filled.Refresh, contentDescription = tr("nav_sync"))
                            }
                        }
                        IconButton(onClick = { scope.launch { services.session.quickHide() } }, modifier = Modifier.testTag("hide-now")) {
                            Icon(Icons.AutoMirrored.Filled.ExitToApp, contentDescription = tr("hide_now_description"))
                        }
                        IconButton(onClick = { scope.launch { services.session.lock() } }, modifier = Modifier.testTag("lock")) {
                            Icon(Icons.Filled.Lock, contentDescription = tr("lock_now"))
                        }
                    },
                )
                // Below the bar, which already keeps clear of the status bar.
                OfflineBanner(offline)
            }
        },
        bottomBar = {
            NavigationBar {
                bar.forEach { destination ->
                    NavigationBarItem(
                        selected = nav.top == destination,
                        onClick = { nav.select(destination) },
                        icon = { Icon(iconOf(destination), contentDescription = null) },
                        label = { Text(navLabel(destination), maxLines = 1, overflow = TextOverflow.Ellipsis, style = MaterialTheme.typography.labelSmall) },
                        modifier = Modifier.testTag("nav-" + navTag(destination)),
                    )
                }
            }
        },
    ) { padding ->
        Box(Modifier.padding(padding).fillMaxSize()) {
            // One composition per entry: going back to a screen finds its holder as it was left.
            key(entry) { RouteContent(entry, services, nav) }
        }
    }
}

/**
 * A screen's title beside up to four buttons: a long one ("Đồng bộ với văn
 * phòng") shrinks to fit, down to 14 sp.
 */
@Composable
private fun BarTitle(text: String) {
    val style = LocalTextStyle.current
    BasicText(
        text,
        style = style.copy(color = LocalContentColor.current),
        maxLines = 1,
        // On one line and clipped, so a title too wide overflows (and shrinks) rather than wraps or ends in an ellipsis.
        softWrap = false,
        overflow = TextOverflow.Clip,
        autoSize = TextAutoSize.StepBased(minFontSize = 14.sp, maxFontSize = style.fontSize, stepSize = 1.sp),
    )
}

/** A stable name for a destination in tests and accessibility tooling. */
fun navTag(route: Route): String = when (route) {
    Route.Today -> "today"
    Route.Clients -> "clients"
    Route.Referrals -> "referrals"
    Route.Meetings -> "meetings"
    Route.Sync -> "sync"
    Route.Team -> "team"
    is Route.Indicators -> "indicators"
    Route.Overdue -> "overdue"
    Route.Devices -> "devices"
    Route.TeamPolicy -> "policy"
    Route.TeamForms -> "forms"
    Route.Export -> "export"
    Route.DuressPin -> "duress-pin"
    Route.StoreCheck -> "store-check"
    is Route.Timeline -> "timeline"
    is Route.Form -> "form"
}
