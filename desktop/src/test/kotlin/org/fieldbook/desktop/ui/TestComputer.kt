package org.fieldbook.desktop.ui

import kotlinx.coroutines.runBlocking
import org.fieldbook.desktop.DesktopApp
import org.fieldbook.desktop.DesktopFolders
import org.fieldbook.ffi.Language
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.hours

/**
 * One person's device in a UI test: the real desktop app (its store, its
 * key file, its sync and report writer) in a folder of its own. Nothing
 * below the screens is replaced.
 */
class TestComputer(
    language: Language = Language.VIETNAMESE,
    /** The tests sync on demand: by default no schedule fires during one. */
    syncEvery: Duration = 24.hours,
) : AutoCloseable {
    val root: File = Files.createTempDirectory("fieldbook-ui").toFile()
    val exports = File(root, "exports").apply { mkdirs() }
    val app = DesktopApp(
        DesktopFolders(store = File(root, "store"), config = File(root, "config"), keys = File(root, "keys"), exports = exports),
        language,
        forceKeyFile = true,
        syncEvery = syncEvery,
    )

    init {
        runBlocking { app.session.open() }
    }

    val session get() = app.session

    /** A device set up outside the screens under test (the supervisor who hands out codes). */
    fun enroll(code: String, hubUrl: String, label: String) = apply {
        runBlocking { app.session.enroll(PIN, code, hubUrl, null, label) }
    }

    /**
     * Moves this device's last contact with its hub [days] back, as the
     * core would have recorded it that long ago: the offline time is kept in
     * clear in the store's file (the core reads it before any PIN), so
     * sqlite3 can write it, then the session reads the status again.
     */
    fun lastReachedHub(daysAgo: Int) {
        val at = System.currentTimeMillis() - daysAgo * 24L * 60 * 60 * 1000
        val sql = "UPDATE meta SET value = $at WHERE key = 'last_hub_contact_ms'"
        val tool = ProcessBuilder("sqlite3", File(root, "store/fieldbook.db").path, sql).redirectErrorStream(true).start()
        val output = tool.inputStream.bufferedReader().readText()
        check(tool.waitFor(30, TimeUnit.SECONDS) && tool.exitValue() == 0) { "sqlite3 failed: $output" }
        runBlocking { app.session.refreshOfflineStatus() }
    }

    override fun close() {
        app.close()
        root.deleteRecursively()
    }

    companion object {
        const val PIN = "580314"
        const val WRONG_PIN = "907162"
    }
}
