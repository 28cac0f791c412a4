package org.fieldbook.desktop.sync

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import org.fieldbook.android.state.SessionState
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder
import kotlin.time.Duration

/**
 * Syncs every [every] while the app is open, locked or not (a locked store
 * pushes, and holds what it pulls until the PIN), and at once on "sync
 * now". One sync at a time: the holder waits for a running one.
 */
class SyncSchedule(
    private val session: StoreSession,
    private val sync: SyncStateHolder,
    private val scope: CoroutineScope,
    val every: Duration,
) {
    private var loop: Job? = null

    fun start() {
        if (loop != null) return
        loop = scope.launch {
            while (isActive) {
                delay(every)
                if (hasStore()) sync.sync()
            }
        }
    }

    fun syncNow() {
        scope.launch { if (hasStore()) sync.sync() }
    }

    fun stop() {
        loop?.cancel()
        loop = null
        sync.cancel()
    }

    private fun hasStore() = when (session.state.value) {
        is SessionState.Unlocked, SessionState.Locked -> true
        else -> false
    }
}
