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

/**
 * A team on this hub: [supervisor] (an office laptop) founds it and invites
 * [outreach] (a phone). Beside [TestDevice], not in [LocalHub]: the desktop
 * build compiles LocalHub alone.
 */
fun LocalHub.enrollTeam(supervisor: TestDevice, outreach: TestDevice) {
    runBlocking { supervisor.session.enroll(TestDevice.PIN, createTeam("Hải Phòng"), url, null, "office laptop") }
    val code = runBlocking { supervisor.session.call { it.invite(Role.OUTREACH, 7u) }.code }
    runBlocking { outreach.session.enroll(TestDevice.PIN, code, url, null, "outreach phone") }
}
