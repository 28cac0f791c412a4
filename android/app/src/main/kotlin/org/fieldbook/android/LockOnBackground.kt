package org.fieldbook.android

import androidx.lifecycle.DefaultLifecycleObserver
import androidx.lifecycle.LifecycleOwner
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.launch
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder

/**
 * Locks the store the moment the app leaves the foreground (the process's
 * last activity stopped): a phone taken from someone's hand holds no keys.
 * A running sync is asked to stop first, because the lock waits for it;
 * the next scheduled run syncs the locked store.
 */
class LockOnBackground(
    private val session: StoreSession,
    private val sync: SyncStateHolder,
    private val scope: CoroutineScope,
) : DefaultLifecycleObserver {
    override fun onStop(owner: LifecycleOwner) {
        sync.cancel()
        scope.launch { session.lock() }
    }
}
