package org.fieldbook.ui.navigation

import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.ExperimentalComposeUiApi
import androidx.compose.ui.backhandler.BackHandler
import androidx.compose.ui.unit.dp
import org.fieldbook.ffi.DeviceIdentity
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.offline.OfflineBanner

/** Windows at least this wide get the laptop layout: a rail, and lists with their detail beside them. */
val EXPANDED_WIDTH = 840.dp

/**
 * The unlocked app. One navigator serves both layouts, so a window resized
 * across the breakpoint keeps its place; the phone's system back (and Esc
 * on the desktop) steps back. Above every screen, the warning when the
 * device has been away from its hub long enough to near the offline erase.
 */
@OptIn(ExperimentalComposeUiApi::class)
@Composable
fun MainScreen(services: AppServices, identity: DeviceIdentity) {
    val destinations = remember(identity.role) { destinationsFor(identity.role, services.reports != null) }
    val nav = rememberNavigator(destinations)
    BackHandler(enabled = nav.stack.size > 1) { nav.back() }
    val offline by services.session.offline.collectAsState()
    Column {
        OfflineBanner(offline)
        BoxWithConstraints {
            if (maxWidth >= EXPANDED_WIDTH) ExpandedLayout(services, identity, nav) else CompactLayout(services, nav)
        }
    }
}
