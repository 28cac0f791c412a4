package org.fieldbook.android

import android.app.Application
import androidx.lifecycle.ProcessLifecycleOwner
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch

class FieldbookApplication : Application() {
    lateinit var container: AppContainer
        private set

    /** Work that outlives any screen: opening the store, locking it. */
    private val appScope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)

    override fun onCreate() {
        super.onCreate()
        container = AppContainer(this)
        ProcessLifecycleOwner.get().lifecycle.addObserver(
            LockOnBackground(container.session, container.sync, appScope),
        )
        appScope.launch { container.session.open() }
        container.syncScheduler.schedulePeriodic()
    }
}
