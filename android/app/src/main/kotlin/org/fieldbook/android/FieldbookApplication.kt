package org.fieldbook.android

import android.app.Application
import androidx.lifecycle.ProcessLifecycleOwner
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.launch
import org.fieldbook.android.sync.SyncScheduler
import org.fieldbook.ui.AppServices

/**
 * Needs Google's Maven (androidx.lifecycle-process, WorkManager): built on a
 * machine with the Android SDK only. Kept to the wiring.
 */
class FieldbookApplication : Application() {
    lateinit var container: AppContainer
        private set

    /** What the shared screens (android/ui) draw from. */
    lateinit var services: AppServices
        private set

    /** Work that outlives any screen: opening the store, locking it. */
    private val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)

    override fun onCreate() {
        super.onCreate()
        container = AppContainer(this)
        val scheduler = SyncScheduler(this)
        services = AppServices(
            session = container.session,
            sync = container.sync,
            syncNow = scheduler::syncNow,
            waitingForNetwork = scheduler.waitingForNetwork().stateIn(appScope, SharingStarted.Eagerly, false),
        )
        ProcessLifecycleOwner.get().lifecycle.addObserver(
            LockOnBackground(container.session, container.sync, appScope),
        )
        appScope.launch { container.session.open() }
        scheduler.schedulePeriodic()
    }
}
