package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Role
import java.io.File
import java.nio.file.Files

/**
 * One phone for a test: a real store in a temp dir with a file-backed key
 * store. The unconfined dispatcher runs every launched coroutine to its end
 * before the call returns, so a test reads the state right after an event.
 */
class TestDevice(language: Language = Language.ENGLISH) : AutoCloseable {
    val root: File = Files.createTempDirectory("fieldbook-android").toFile()
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Unconfined)
    val session = StoreSession(File(root, "store"), FileKeyStore(File(root, "keystore")), language, Dispatchers.Unconfined)

    fun create(role: Role = Role.SUPERVISOR): TestDevice = apply {
        runBlocking { session.create(PIN, role) }
    }

    override fun close() {
        scope.cancel()
        root.deleteRecursively()
    }

    companion object {
        const val PIN = "482916"
    }
}
