package org.fieldbook.android.sync

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import androidx.work.workDataOf
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.launch
import org.fieldbook.android.FieldbookApplication
import org.fieldbook.android.state.SyncResult

/**
 * One sync with the hub, periodic or "sync now". Progress goes to
 * WorkManager (`setProgress`) as well as to the in-process sync state the
 * screen draws. If WorkManager stops the work, the coroutine's cancellation
 * cancels the sync at its next request; what it saved stays saved.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val container = (applicationContext as FieldbookApplication).container
        // In a process started just for this work, the store may not be open yet.
        container.session.open()
        val sync = container.sync
        val result = coroutineScope {
            val reporter = launch {
                sync.state.map { it.progress }.filterNotNull().collect { p ->
                    setProgress(workDataOf(KEY_PHASE to p.phase.name, KEY_DONE to p.done, KEY_TOTAL to (p.total ?: -1L)))
                }
            }
            sync.sync().also { reporter.cancel() }
        }
        return when (result) {
            is SyncResult.Finished -> when {
                result.summary.ok || result.summary.wiped -> Result.success(workDataOf(KEY_OK to result.summary.ok))
                result.summary.cancelled -> Result.failure(workDataOf(KEY_OK to false))
                // The hub was out of reach or refused for now: WorkManager backs off and tries again.
                else -> Result.retry()
            }
            // The core refused a locked store: nothing to retry until the PIN is typed; the next period tries again.
            is SyncResult.Locked -> Result.success(workDataOf(KEY_OK to false))
            is SyncResult.Failed -> Result.failure(workDataOf(KEY_OK to false))
        }
    }

    companion object {
        const val KEY_PHASE = "phase"
        const val KEY_DONE = "done"
        const val KEY_TOTAL = "total"
        const val KEY_OK = "ok"
    }
}
