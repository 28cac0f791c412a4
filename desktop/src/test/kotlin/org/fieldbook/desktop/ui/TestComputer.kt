package org.fieldbook.desktop.ui

import kotlinx.coroutines.runBlocking
import org.fieldbook.desktop.DesktopApp
import org.fieldbook.desktop.DesktopFolders
import org.fieldbook.ffi.Language
import java.io.File
import java.nio.file.Files
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

    override fun close() {
        app.close()
        root.deleteRecursively()
    }

    companion object {
        const val PIN = "580314"
        const val WRONG_PIN = "907162"
    }
}
