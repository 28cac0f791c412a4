package org.fieldbook.ui.navigation

import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateMapOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.runtime.setValue
import androidx.compose.runtime.staticCompositionLocalOf
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import org.fieldbook.ui.strings.LocalStrings

/**
 * One screen on a back stack, with the state holders its screen created
 * and the scope they work in: popping the entry cancels that work and
 * drops their state, like a view model leaving the back stack.
 */
class BackStackEntry internal constructor(val route: Route, parent: CoroutineScope) {
    val scope: CoroutineScope = CoroutineScope(parent.coroutineContext + SupervisorJob(parent.coroutineContext[Job]))

    private val holders = HashMap<String, Any>()

    @Suppress("UNCHECKED_CAST")
    fun <H : Any> holder(key: String, create: (CoroutineScope) -> H): H = holders.getOrPut(key) { create(scope) } as H

    internal fun close() = scope.cancel()
}

/**
 * The unlocked app's places: a back stack per top-level destination, so a
 * tab comes back where it was left. It lives only while the store is
 * unlocked: when the store locks, the app drops the navigator, and with it
 * every screen's holder and everything decrypted they showed.
 */
class Navigator internal constructor(val destinations: List<Route>, private val scope: CoroutineScope) {
    private val stacks = mutableStateMapOf<Route, List<BackStackEntry>>()

    var top: Route by mutableStateOf(destinations.first())
        private set

    /** Counts screens closed: lists shown beside a detail refresh when it closes (a record was saved). */
    var closed: Int by mutableStateOf(0)
        private set

    /** The current destination's stack, its root first. */
    val stack: List<BackStackEntry> get() = stackOf(top)

    val current: BackStackEntry get() = stack.last()

    fun stackOf(destination: Route): List<BackStackEntry> =
        stacks.getOrPut(destination) { listOf(BackStackEntry(destination, scope)) }

    /** A top-level destination; choosing the one shown again goes back to its root. */
    fun select(destination: Route) {
        require(destination in destinations) { "$destination is not a top-level destination" }
        if (destination == top) popToRoot() else top = destination
    }

    /** Opens [route] above the current screen. */
    fun open(route: Route) {
        stacks[top] = stack + BackStackEntry(route, scope)
    }

    /** Opens [route] as the detail of the current list: whatever detail was open closes. */
    fun openDetail(route: Route) {
        val root = stack.first()
        stack.drop(1).forEach(BackStackEntry::close)
        stacks[top] = listOf(root, BackStackEntry(route, scope))
    }

    /** Back one screen; false at a destination's root. */
    fun back(): Boolean {
        val current = stack
        if (current.size <= 1) return false
        current.last().close()
        stacks[top] = current.dropLast(1)
        closed++
        return true
    }

    private fun popToRoot() {
        while (stack.size > 1) back()
    }

    internal fun closeAll() {
        stacks.values.flatten().forEach(BackStackEntry::close)
        stacks.clear()
    }
}

/** A navigator for the composition's lifetime; leaving the composition (the lock) closes every entry. */
@Composable
fun rememberNavigator(destinations: List<Route>): Navigator {
    val scope = rememberHolderScope()
    val navigator = remember(destinations) { Navigator(destinations, scope) }
    DisposableEffect(navigator) { onDispose { navigator.closeAll() } }
    return navigator
}

/**
 * The scope state holders work in: the UI thread, like a view model's
 * (`Dispatchers.Main.immediate`), whatever drives the composition's own
 * effects; it ends when the composition that remembered it leaves.
 */
@Composable
fun rememberHolderScope(): CoroutineScope = rememberCoroutineScope { Dispatchers.Main.immediate }

/** Changes whenever a screen closed; screens reload their data on it (see [RefreshOnReturn]). */
val LocalClosedScreens = staticCompositionLocalOf { 0 }

/**
 * Loads a screen's data when it is shown, again whenever a screen above or
 * beside it closed, and when the language changes (labels come from the core).
 */
@Composable
fun RefreshOnReturn(refresh: () -> Unit) {
    LaunchedEffect(LocalClosedScreens.current, LocalStrings.current.language) { refresh() }
}

/** The entry whose screen is being drawn. */
val LocalBackStackEntry = staticCompositionLocalOf<BackStackEntry> { error("no back stack entry") }

/** The screen's state holder, created once per back-stack entry, holder type and [key]. */
@Composable
inline fun <reified H : Any> rememberHolder(key: String = "", noinline create: (CoroutineScope) -> H): H {
    val entry = LocalBackStackEntry.current
    val name = H::class.java.name + "/" + key
    return remember(entry, name) { entry.holder(name, create) }
}
