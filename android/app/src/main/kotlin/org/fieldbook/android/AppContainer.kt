package org.fieldbook.android

import android.content.Context
import kotlinx.coroutines.Dispatchers
import org.fieldbook.android.security.AndroidKeystoreKeyStore
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder
import org.fieldbook.android.sync.PreferencesLastSyncStore
import org.fieldbook.android.sync.SyncScheduler
import org.fieldbook.ffi.Language
import java.io.File

/** The process-wide objects: the one store session, its sync, and the sync schedule. */
class AppContainer(context: Context) {
    /** In noBackupFilesDir: never part of a backup or a device transfer. */
    private val storeDir = File(context.noBackupFilesDir, "store")

    val session = StoreSession(storeDir, AndroidKeystoreKeyStore(), Language.VIETNAMESE, Dispatchers.IO)

    val sync = SyncStateHolder(session, Dispatchers.IO, PreferencesLastSyncStore(context))

    val syncScheduler = SyncScheduler(context)
}
