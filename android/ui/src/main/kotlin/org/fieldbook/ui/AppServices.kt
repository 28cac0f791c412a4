package org.fieldbook.ui

import kotlinx.coroutines.flow.StateFlow
import org.fieldbook.android.state.ReportWriter
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.SyncStateHolder
import java.io.File

/**
 * What the app around the screens provides: the one store, its sync, and
 * what only some platforms offer. The screens know nothing else of the
 * platform they run on.
 */
class AppServices(
    val session: StoreSession,
    /** One per process: the screen shows a sync whoever started it (a schedule, "sync now"). */
    val sync: SyncStateHolder,
    /** "Sync now": Android queues work that waits for a network; the desktop syncs at once. */
    val syncNow: () -> Unit,
    /** True while a "sync now" waits for a network; `null` where there is no such wait. */
    val waitingForNetwork: StateFlow<Boolean>? = null,
    /** Writes the monthly workbook and CSV; `null` where the platform has no export (the team tab hides it). */
    val reports: ReportWriter? = null,
    /** Where exports go unless the person types another folder. */
    val exportFolder: File? = null,
    /** Offers a folder picker beside the export folder; `null` where there is none. */
    val chooseFolder: ((current: File?) -> File?)? = null,
    /** Offers a file picker for a form's workbook (XLSX); `null` where there is none. */
    val chooseFile: ((current: File?) -> File?)? = null,
    /** Lets the person switch between Vietnamese and English from the screens (the desktop; Android follows the system). */
    val languageSwitch: Boolean = false,
    /** How often a schedule syncs while the app is open, for the sync screen to say; `null` if none. */
    val syncEveryMinutes: Int? = null,
)
