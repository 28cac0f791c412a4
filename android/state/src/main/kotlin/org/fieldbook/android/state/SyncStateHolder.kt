package org.fieldbook.android.state

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.SyncCancellation
import org.fieldbook.ffi.SyncPhase
import org.fieldbook.ffi.SyncProgressListener
import org.fieldbook.ffi.SyncSummary
import java.time.Clock
import java.time.Instant

data class SyncProgress(val phase: SyncPhase, val done: Long, val total: Long?)

/** How the last sync ended, honestly: [summary] says what failed when `ok` is false. */
sealed interface SyncResult {
    val at: Instant

    data class Finished(override val at: Instant, val summary: SyncSummary) : SyncResult

    /** The core would not sync the store while locked (nothing was sent); the next unlocked run will. */
    data class Locked(override val at: Instant) : SyncResult

    /** The store itself failed (damaged, erased). */
    data class Failed(override val at: Instant, val error: ErrorInfo) : SyncResult
}

data class SyncState(
    val running: Boolean = false,
    val progress: SyncProgress? = null,
    val last: SyncResult? = null,
)

/** Where the last result is kept between runs of the app (counts and messages, never contents). */
interface LastSyncStore {
    fun load(): SyncResult?
    fun save(result: SyncResult)

    /** Forgets the result: it belonged to a store that is gone. */
    fun clear()
}

/**
 * Sync with the hub, one at a time, for the periodic worker, "sync now" and
 * the sync screen alike: one instance per process, so the screen shows the
 * progress of a sync the worker started.
 */
class SyncStateHolder(
    private val session: StoreSession,
    private val io: CoroutineDispatcher,
    private val lastSync: LastSyncStore? = null,
    private val clock: Clock = Clock.systemUTC(),
) {
    private val _state = MutableStateFlow(SyncState(last = lastSync?.load()))
    val state: StateFlow<SyncState> = _state.asStateFlow()
    private val running = Mutex()

    init {
        // Another store in this one's place (a new setup, the duress PIN): its last sync is not this store's.
        session.onStoreReplaced {
            lastSync?.clear()
            _state.update { it.copy(last = null) }
        }
    }

    @Volatile
    private var cancellation: SyncCancellation? = null

    /**
     * Runs one sync and returns how it ended. A sync already running is
     * waited for rather than doubled. Cancelling the calling coroutine (the
     * worker stopped) cancels the sync at its next request; what it saved stays.
     */
    suspend fun sync(onProgress: (SyncProgress) -> Unit = {}): SyncResult = running.withLock {
        val cancel = SyncCancellation()
        cancellation = cancel
        _state.update { it.copy(running = true, progress = null) }
        val listener = object : SyncProgressListener {
            override fun onProgress(phase: SyncPhase, done: ULong, total: ULong?) {
                val progress = SyncProgress(phase, done.toLong(), total?.toLong())
                _state.update { it.copy(progress = progress) }
                onProgress(progress)
            }
        }
        val result = try {
            SyncResult.Finished(clock.instant(), blockingSync(listener, cancel))
        } catch (e: FieldbookException.Locked) {
            SyncResult.Locked(clock.instant())
        } catch (e: FieldbookException) {
            SyncResult.Failed(clock.instant(), ErrorInfo.of(e))
        } finally {
            cancellation = null
            _state.update { it.copy(running = false, progress = null) }
        }
        if (result is SyncResult.Finished && result.summary.wiped) session.markErased()
        // Reaching the hub restarts the offline time: the banner goes.
        if (result is SyncResult.Finished) {
            session.refreshOfflineStatus()
            session.formsChanged()
        }
        // A periodic run that found the store locked did nothing: the last real result stays on screen.
        if (result !is SyncResult.Locked) {
            lastSync?.save(result)
            _state.update { it.copy(last = result) }
        }
        result
    }

    /** The person's "stop": the sync ends at its next request and says it was cancelled. */
    fun cancel() {
        cancellation?.cancel()
    }

    private suspend fun blockingSync(listener: SyncProgressListener, cancel: SyncCancellation): SyncSummary =
        coroutineScope {
            val call = async(io) { session.call { it.sync(listener, cancel) } }
            try {
                call.await()
            } catch (e: CancellationException) {
                // The core call blocks its thread: ask it to stop, then let it finish.
                cancel.cancel()
                throw e
            }
        }
}
