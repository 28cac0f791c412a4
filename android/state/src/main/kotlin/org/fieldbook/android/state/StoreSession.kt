package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FieldbookStore
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.OfflineStatus
import org.fieldbook.ffi.PlatformKeyStore
import org.fieldbook.ffi.Role
import java.io.File
import java.util.concurrent.CopyOnWriteArrayList

/**
 * The app's one encrypted store and its lock state. Every screen reaches the
 * store through [call], which runs off the main thread and notices when the
 * core locked itself (idle) or erased itself, so navigation can follow.
 */
class StoreSession(
    private val dataDir: File,
    private val keyStore: PlatformKeyStore,
    language: Language,
    private val io: CoroutineDispatcher,
) {
    private val _state = MutableStateFlow<SessionState>(SessionState.Starting)
    val state: StateFlow<SessionState> = _state.asStateFlow()

    private val _language = MutableStateFlow(language)
    val language: StateFlow<Language> = _language.asStateFlow()

    /**
     * Quick-hide: the store is locked and a neutral screen is drawn until
     * the person taps it, so a phone can be handed over at once.
     */
    private val _hidden = MutableStateFlow(false)
    val hidden: StateFlow<Boolean> = _hidden.asStateFlow()

    /**
     * How long this device has been away from its hub (`null`: never linked
     * to one). The core erases the store at the limit; from a week before,
     * `warn` asks the screens to say so.
     */
    private val _offline = MutableStateFlow<OfflineStatus?>(null)
    val offline: StateFlow<OfflineStatus?> = _offline.asStateFlow()

    @Volatile
    private var store: FieldbookStore? = null

    /** Told when another store takes the place of the one before (see [onStoreReplaced]). */
    private val replacedListeners = CopyOnWriteArrayList<() -> Unit>()

    /** The app's start and a sync worker in a fresh process may both open the store: once. */
    private val opening = Mutex()

    /** The forms of the open store in the current language, until they may have changed. */
    @Volatile
    private var catalog: FormCatalog? = null

    /**
     * The forms this store uses, in the current language: each kind's
     * built-in form, or a newer one the team's supervisors published and a
     * sync brought. The built-in ones while the store is locked.
     */
    fun forms(): FormCatalog {
        val language = _language.value
        catalog?.takeIf { it.language == language }?.let { return it }
        val opened = store ?: return FormCatalog.of(language)
        return try {
            FormCatalog(language, opened.forms(language)).also { catalog = it }
        } catch (e: FieldbookException) {
            FormCatalog.of(language)
        }
    }

    /** A sync may have brought a published form: the next [forms] reads them again. */
    fun formsChanged() {
        catalog = null
    }

    /** Opens the store on disk, locked; or says there is none. Opening an open store changes nothing. */
    suspend fun open() = opening.withLock {
        withContext(io) {
            try {
                if (store != null) return@withContext
                val opened = FieldbookStore.open(dataDir.path, keyStore, _language.value)
                store = opened
                readOfflineStatus(opened)
                _state.value = if (opened.isLocked()) SessionState.Locked else unlocked(opened)
            } catch (e: FieldbookException.NoStore) {
                _state.value = SessionState.NoStore
            } catch (e: FieldbookException.Erased) {
                _state.value = SessionState.Erased
            } catch (e: FieldbookException) {
                _state.value = SessionState.Failed(ErrorInfo.of(e))
            }
        }
    }

    /**
     * Throws the core's refusal (`WrongPin`, `TryLater`, `Erased`) for the
     * unlock screen. The duress PIN unlocks too: the core has then erased
     * the real store and opened an empty one of the same role in its place,
     * and nothing here tells the two apart.
     */
    suspend fun unlock(pin: String) {
        withContext(io) {
            val opened = store ?: error("open() first")
            val before = deviceIdOf(opened)
            try {
                opened.unlock(pin)
                readOfflineStatus(opened)
                val now = unlocked(opened)
                if (before != null && before != now.identity.deviceId) storeReplaced()
                _state.value = now
            } catch (e: FieldbookException.Erased) {
                _state.value = SessionState.Erased
                throw e
            }
        }
    }

    /** Joins a team on a hub with a supervisor's one-time code; the new store is unlocked. */
    suspend fun enroll(pin: String, code: String, hubUrl: String, hubCertificateSha256: String?, label: String?) {
        withContext(io) {
            dataDir.mkdirs()
            val created = FieldbookStore.enroll(
                dataDir.path, pin, code, hubUrl, hubCertificateSha256, label, keyStore, _language.value,
            )
            replace(created)
        }
    }

    /** A store for a team of its own, without a hub (a trial, a single worker). */
    suspend fun create(pin: String, role: Role) {
        withContext(io) {
            dataDir.mkdirs()
            replace(FieldbookStore.create(dataDir.path, pin, role, keyStore, _language.value))
        }
    }

    /**
     * Forgets every key now: the app went to the background, or the person
     * asked. Off the main thread, because the core's lock waits for a
     * running call (a sync) to finish.
     */
    suspend fun lock() {
        val opened = store ?: return
        // Never cancelled half-way: the screen that asked may leave the
        // composition as the lock begins (quick-hide covers it at once, and
        // that cancels the screen's coroutines), and a lock dropped there
        // would leave the keys in memory behind a cover one tap lifts.
        withContext(NonCancellable) {
            withContext(io) { opened.lock() }
            catalog = null
            if (_state.value is SessionState.Unlocked) _state.value = SessionState.Locked
        }
    }

    /**
     * Locks now and shows a neutral screen: one tap at a checkpoint. The
     * screen is hidden, and the app counts as locked, before the core's
     * lock, which may wait for a running call: a tap on the cover brings
     * back the unlock screen, never the records.
     */
    suspend fun quickHide() {
        _hidden.value = true
        if (_state.value is SessionState.Unlocked) _state.value = SessionState.Locked
        lock()
    }

    /** The person tapped the neutral screen: the unlock screen comes back. */
    fun reveal() {
        _hidden.value = false
    }

    /** Reads the offline time again (after a sync); works while locked. */
    suspend fun refreshOfflineStatus() {
        val opened = store ?: return
        withContext(io) { readOfflineStatus(opened) }
    }

    /**
     * After an erase, removes what is left (ciphertext nobody can open any
     * more) so the device can enroll again.
     */
    suspend fun startOver() {
        withContext(io) {
            store?.close()
            store = null
            _offline.value = null
            dataDir.deleteRecursively()
            _state.value = SessionState.NoStore
        }
    }

    /** Whether [file] lies inside the store's folder (where nothing may be written in clear). */
    fun holds(file: File): Boolean {
        val store = dataDir.canonicalFile.toPath()
        return file.canonicalFile.toPath().startsWith(store)
    }

    fun setLanguage(language: Language) {
        _language.value = language
        store?.setLanguage(language)
    }

    /** Runs [block] on the unlocked store off the main thread. */
    suspend fun <T> call(block: (FieldbookStore) -> T): T = withContext(io) {
        val opened = store ?: throw FieldbookException.Locked("no store")
        try {
            block(opened)
        } catch (e: FieldbookException.Locked) {
            _state.value = SessionState.Locked
            throw e
        } catch (e: FieldbookException.Erased) {
            _state.value = SessionState.Erased
            throw e
        }
    }

    /** Called after a sync reported a wipe order: the store erased itself. */
    fun markErased() {
        _state.value = SessionState.Erased
    }

    /**
     * Runs [listener] whenever another store takes this one's place: a new
     * setup, or the duress PIN's empty store. What the app remembers of the
     * store before (the last sync's result) must go, or it would give the
     * empty store away.
     */
    fun onStoreReplaced(listener: () -> Unit) {
        replacedListeners += listener
    }

    private fun storeReplaced() = replacedListeners.forEach { it() }

    private fun deviceIdOf(opened: FieldbookStore): String? = try {
        opened.identity().deviceId
    } catch (e: FieldbookException) {
        null
    }

    private fun replace(created: FieldbookStore) {
        store?.close()
        store = created
        catalog = null
        storeReplaced()
        readOfflineStatus(created)
        _state.value = unlocked(created)
    }

    /** A failed read leaves no banner rather than a wrong one; the core still erases at the limit. */
    private fun readOfflineStatus(opened: FieldbookStore) {
        _offline.value = try {
            opened.offlineStatus()
        } catch (e: FieldbookException) {
            null
        }
    }

    private fun unlocked(opened: FieldbookStore) = SessionState.Unlocked(opened.identity())
}
