package org.fieldbook.android.sync

import android.content.Context
import androidx.work.BackoffPolicy
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.ExistingWorkPolicy
import androidx.work.NetworkType
import androidx.work.OneTimeWorkRequestBuilder
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkInfo
import androidx.work.WorkManager
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.map
import java.util.concurrent.TimeUnit

/** Schedules [SyncWorker]: every hour when a network is up, and now when asked. */
class SyncScheduler(context: Context) {
    private val workManager = WorkManager.getInstance(context)

    private val network = Constraints.Builder()
        .setRequiredNetworkType(NetworkType.CONNECTED)
        .build()

    fun schedulePeriodic() {
        val request = PeriodicWorkRequestBuilder<SyncWorker>(1, TimeUnit.HOURS)
            .setConstraints(network)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        // KEEP: a new launch of the app does not push the next run further away.
        workManager.enqueueUniquePeriodicWork(PERIODIC, ExistingPeriodicWorkPolicy.KEEP, request)
    }

    fun syncNow() {
        val request = OneTimeWorkRequestBuilder<SyncWorker>()
            .setConstraints(network)
            .setBackoffCriteria(BackoffPolicy.EXPONENTIAL, 30, TimeUnit.SECONDS)
            .build()
        // KEEP: tapping twice does not queue two syncs.
        workManager.enqueueUniqueWork(NOW, ExistingWorkPolicy.KEEP, request)
    }

    /** "Sync now" was asked and waits for a network. */
    fun waitingForNetwork(): Flow<Boolean> =
        workManager.getWorkInfosForUniqueWorkFlow(NOW).map { infos -> infos.any { it.state == WorkInfo.State.ENQUEUED } }

    private companion object {
        const val PERIODIC = "fieldbook-sync-periodic"
        const val NOW = "fieldbook-sync-now"
    }
}
