package org.fieldbook.ui.navigation

import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.ExperimentalComposeUiApi
import androidx.compose.ui.backhandler.BackHandler
import androidx.compose.ui.unit.dp
import org.fieldbook.ffi.DeviceIdentity
import org.fieldbook.ui.AppServices

/** Windows at least this wide get the laptop layout: a rail, and lists with their detail beside them. */
val EXPANDED_WIDTH = 840.dp

/**
 * The unlocked app. One navigator serves both layouts, so a window resized
 * across the breakpoint keeps its place; the phone's system back (and Esc
 * on the desktop) steps back. Both layouts put the offline warning above
 * every screen (below the phone's top bar, beside the laptop's rail).
 */
@OptIn(ExperimentalComposeUiApi::class)
@Composable
fun MainScreen(services: AppServices, identity: DeviceIdentity) {
    val destinations = remember(identity.role) { destinationsFor(identity.role, services.reports != null) }
    val nav = rememberNavigator(destinations)
    BackHandler(enabled = nav.stack.size > 1) { nav.back() }
    BoxWithConstraints {
        if (maxWidth >= EXPANDED_WIDTH) ExpandedLayout(services, identity, nav) else CompactLayout(services, nav)
    }
}
