package org.fieldbook.android

import android.content.Context
import kotlinx.coroutines.Dispatchers
import org.fieldbook.android.security.AndroidKeystoreKeyStore
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder
import org.fieldbook.android.sync.PreferencesLastSyncStore
import org.fieldbook.ffi.Language
import java.io.File

/**
 * The process-wide objects: the one store session and its sync. Plain
 * android.* only, so it compiles here against android-all; the schedule
 * (WorkManager) is wired in FieldbookApplication.
 */
class AppContainer(context: Context) {
    /** In noBackupFilesDir: never part of a backup or a device transfer. */
    private val storeDir = File(context.noBackupFilesDir, "store")

    val session = StoreSession(storeDir, AndroidKeystoreKeyStore(), Language.VIETNAMESE, Dispatchers.IO)

    val sync = SyncStateHolder(session, Dispatchers.IO, PreferencesLastSyncStore(context))
}
