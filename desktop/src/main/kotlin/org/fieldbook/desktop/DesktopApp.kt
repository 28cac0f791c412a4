package org.fieldbook.desktop

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.drop
import kotlinx.coroutines.launch
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder
import org.fieldbook.desktop.export.ReportFiles
import org.fieldbook.desktop.keys.KeyBackend
import org.fieldbook.desktop.keys.PlatformKeyChoice
import org.fieldbook.desktop.sync.FileLastSyncStore
import org.fieldbook.desktop.sync.SyncSchedule
import org.fieldbook.ffi.Language
import org.fieldbook.ui.AppServices
import java.io.File
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes

/**
 * The desktop app's objects: the one store session, its sync and schedule,
 * the platform key, the report writer, and the [services] the shared
 * screens draw. The UI tests build the same object the window does.
 */
class DesktopApp(
    val folders: DesktopFolders,
    language: Language = Language.VIETNAMESE,
    /** Key files even where an OS key store answers (`--key-dir`, tests). */
    forceKeyFile: Boolean = false,
    syncEvery: Duration = 15.minutes,
    chooseFolder: ((File?) -> File?)? = null,
    chooseFile: ((File?) -> File?)? = null,
) : AutoCloseable {
    /** Work that outlives any screen: the schedule, "sync now". */
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    val keyBackend: KeyBackend
    val session: StoreSession

    init {
        val (backend, keyStore) = PlatformKeyChoice(folders.config, folders.keys).open(forceKeyFile)
        keyBackend = backend
        session = StoreSession(folders.store, keyStore, language, Dispatchers.IO)
    }

    val sync = SyncStateHolder(session, Dispatchers.IO, FileLastSyncStore(File(folders.config, "last-sync.properties")))
    val schedule = SyncSchedule(session, sync, scope, syncEvery)

    val services = AppServices(
        session = session,
        sync = sync,
        syncNow = schedule::syncNow,
        waitingForNetwork = null as StateFlow<Boolean>?,
        reports = ReportFiles(),
        exportFolder = folders.exports,
        chooseFolder = chooseFolder,
        chooseFile = chooseFile,
        languageSwitch = true,
        syncEveryMinutes = syncEvery.inWholeMinutes.toInt(),
    )

    /** The language the person last chose in the app, when no `--lang` says otherwise. */
    val preferences = Preferences(File(folders.config, "preferences.properties"))

    /** Opens the store (locked), starts the schedule, and remembers language switches. */
    suspend fun start() {
        session.open()
        schedule.start()
        scope.launch { session.language.drop(1).collect(preferences::setLanguage) }
    }

    /** Closing the window: stop syncing and forget every key. */
    override fun close() {
        schedule.stop()
        runBlocking { session.lock() }
        scope.cancel()
    }
}
