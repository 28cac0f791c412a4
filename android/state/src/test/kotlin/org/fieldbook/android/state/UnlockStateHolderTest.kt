package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.SecuritySettings
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

class UnlockStateHolderTest {
    private val device = TestDevice().create()

    @After
    fun tearDown() = device.close()

    /** The same store as the app sees it after a restart: a new session, opened from disk. */
    private fun reopened(language: Language = Language.ENGLISH): StoreSession {
        runBlocking { device.session.lock() }
        return StoreSession(File(device.root, "store"), FileKeyStore(File(device.root, "keystore")), language, kotlinx.coroutines.Dispatchers.Unconfined)
            .also { runBlocking { it.open() } }
    }

    @Test
    fun wrongPinSaysHowManyTriesAreLeftThenTheRightOneUnlocks() {
        val session = reopened()
        assertEquals(SessionState.Locked, session.state.value)
        val unlock = UnlockStateHolder(session, device.scope)

        unlock.unlock("0000")
        val refused = unlock.state.value
        assertEquals(9, refused.attemptsLeft)
        assertTrue(refused.error?.detail, refused.error!!.detail!!.contains("wrong PIN"))
        assertFalse(refused.busy)
        assertEquals(SessionState.Locked, session.state.value)

        unlock.unlock(TestDevice.PIN)
        assertTrue(session.state.value is SessionState.Unlocked)
        assertNull("a success clears the warning", unlock.state.value.error)
        assertNull(unlock.state.value.attemptsLeft)
    }

    @Test
    fun wrongPinMessageFollowsTheLanguage() {
        val unlock = UnlockStateHolder(reopened(Language.VIETNAMESE), device.scope)
        unlock.unlock("1111")
        assertTrue(unlock.state.value.error!!.detail!!.contains("Sai mã PIN"))
    }

    @Test
    fun pastTheFreeTriesTheScreenWaitsAndRefusesToTry() {
        runBlocking {
            device.session.call { it.setSecuritySettings(it.securitySettings().copy(freeAttempts = 1u)) }
        }
        val session = reopened()
        val unlock = UnlockStateHolder(session, device.scope)
        var tries = 0
        while (unlock.state.value.retryAt == null && tries < 3) {
            unlock.unlock("9999")
            tries++
        }
        val waiting = unlock.state.value
        assertNotNull("the core asked to wait after the free try", waiting.retryAt)
        assertTrue(waiting.secondsToWait > 0)
        assertFalse(waiting.canTry)
        // Even the right PIN is not sent while the wait runs.
        unlock.unlock(TestDevice.PIN)
        assertEquals(SessionState.Locked, session.state.value)
    }

    @Test
    fun tooManyWrongPinsEraseTheStore() {
        runBlocking {
            device.session.call {
                it.setSecuritySettings(SecuritySettings(autoLockSecs = 300u, maxFailedUnlocks = 3u, freeAttempts = 3u))
            }
        }
        val session = reopened()
        val unlock = UnlockStateHolder(session, device.scope)
        repeat(3) { unlock.unlock("0000") }
        assertTrue(unlock.state.value.erased)
        assertEquals(SessionState.Erased, session.state.value)
        assertFalse(unlock.state.value.canTry)

        // Starting over leaves a device ready to enroll again.
        runBlocking { session.startOver() }
        assertEquals(SessionState.NoStore, session.state.value)
        runBlocking { session.open() }
        assertEquals(SessionState.NoStore, session.state.value)
    }
}
