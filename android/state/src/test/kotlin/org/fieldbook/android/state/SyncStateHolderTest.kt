package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.DeviceStatus
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.SyncPhase
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class SyncStateHolderTest {
    private var hub = LocalHub.start()
    private val supervisor = TestDevice()
    private val outreach = TestDevice()

    @After
    fun tearDown() {
        supervisor.close()
        outreach.close()
        hub.close()
    }

    /** What the app keeps in its preferences, here in memory. */
    private class RememberedSync : LastSyncStore {
        var saved: SyncResult? = null
        override fun load() = saved
        override fun save(result: SyncResult) {
            saved = result
        }
        override fun clear() {
            saved = null
        }
    }

    private fun enrollTeam() {
        runBlocking { supervisor.session.enroll(TestDevice.PIN, hub.createTeam("Hải Phòng"), hub.url, null, "office tablet") }
        val devices = DevicesStateHolder(supervisor.session, supervisor.scope)
        devices.invite(Role.OUTREACH)
        val invitation = devices.state.value.invitation
        assertNotNull(devices.state.value.error?.detail, invitation)
        runBlocking { outreach.session.enroll(TestDevice.PIN, invitation!!.code, invitation.hubUrl, null, "outreach phone") }
        devices.dismissInvitation()
        assertNull("the code is shown once and not kept", devices.state.value.invitation)
    }

    @Test
    fun progressAndTheLastResultAreShownAndKept() {
        enrollTeam()
        runBlocking { outreach.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Anh Ba")), false) } }
        val remembered = RememberedSync()
        val sync = SyncStateHolder(outreach.session, kotlinx.coroutines.Dispatchers.Unconfined, remembered)
        val seen = mutableListOf<SyncProgress>()
        val result = runBlocking { sync.sync { seen.add(it) } }

        assertTrue("the push reported progress", seen.any { it.phase == SyncPhase.PUSH })
        val finished = result as SyncResult.Finished
        assertTrue(finished.summary.errors.toString(), finished.summary.ok)
        assertEquals(1u, finished.summary.pushed)
        val state = sync.state.value
        assertFalse(state.running)
        assertNull(state.progress)
        assertEquals(result, state.last)
        assertEquals("the result outlives the process", result, remembered.saved)
        assertEquals(result, SyncStateHolder(outreach.session, kotlinx.coroutines.Dispatchers.Unconfined, remembered).state.value.last)

        val office = SyncStateHolder(supervisor.session, kotlinx.coroutines.Dispatchers.Unconfined)
        val pulled = runBlocking { office.sync() } as SyncResult.Finished
        assertEquals(1u, pulled.summary.merged)
        val clients = ClientsStateHolder(supervisor.session, supervisor.scope).apply { refresh() }
        assertEquals(listOf("Anh Ba"), clients.state.value.clients.map { it.headline })
    }

    @Test
    fun aLockedStoreSyncsAndMergesWhatItHeldAtUnlock() {
        enrollTeam()
        runBlocking { supervisor.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chị Tư")), false) } }
        assertTrue((runBlocking { SyncStateHolder(supervisor.session, kotlinx.coroutines.Dispatchers.Unconfined).sync() } as SyncResult.Finished).summary.ok)

        // A scheduled sync with nobody at the PIN: it pulls, and holds what it pulled.
        val sync = SyncStateHolder(outreach.session, kotlinx.coroutines.Dispatchers.Unconfined)
        runBlocking { outreach.session.lock() }
        val locked = runBlocking { sync.sync() } as SyncResult.Finished
        assertTrue(locked.summary.errors.toString(), locked.summary.ok)
        assertTrue("pulled versions wait for the PIN", locked.summary.held >= 1u)
        assertEquals(locked, sync.state.value.last)
        assertEquals(SessionState.Locked, outreach.session.state.value)

        runBlocking { outreach.session.unlock(TestDevice.PIN) }
        val clients = ClientsStateHolder(outreach.session, outreach.scope).apply { refresh() }
        assertEquals("merged at unlock", listOf("Chị Tư"), clients.state.value.clients.map { it.headline })
    }

    @Test
    fun anUnreachableHubIsAnHonestFailure() {
        enrollTeam()
        val sync = SyncStateHolder(outreach.session, kotlinx.coroutines.Dispatchers.Unconfined)
        hub.close()
        val offline = runBlocking { sync.sync() } as SyncResult.Finished
        assertFalse(offline.summary.ok)
        assertTrue(offline.summary.errors.isNotEmpty())
        assertEquals(offline, sync.state.value.last)
        hub = LocalHub.start()
    }

    @Test
    fun aRevokedDeviceIsWipedAtItsNextSync() {
        enrollTeam()
        val devices = DevicesStateHolder(supervisor.session, supervisor.scope)
        devices.refresh()
        assertEquals(2, devices.state.value.devices.count { it.status == DeviceStatus.ACTIVE })
        val phone = devices.state.value.devices.first { it.deviceId != devices.state.value.thisDevice }
        assertEquals("outreach phone", phone.label)

        devices.askRevoke(phone)
        assertEquals(phone, devices.state.value.confirmRevoke)
        devices.confirmRevoke()
        assertTrue(devices.state.value.revokedEpoch!! >= 2)
        assertEquals(DeviceStatus.REVOKED, devices.state.value.devices.first { it.deviceId == phone.deviceId }.status)

        val wiped = runBlocking { SyncStateHolder(outreach.session, kotlinx.coroutines.Dispatchers.Unconfined).sync() }
        assertTrue((wiped as SyncResult.Finished).summary.wiped)
        assertEquals(SessionState.Erased, outreach.session.state.value)
    }

    @Test
    fun whatTheSyncWantsThePersonToKnowIsKeptWithTheResult() {
        // The hub lost the founder's roster at enrollment: its first sync signs it, on first use, and says so.
        val code = hub.createTeam("Hải Phòng")
        hub.refuseRosterWrites()
        runBlocking { supervisor.session.enroll(TestDevice.PIN, code, hub.url, null, "office laptop") }
        hub.acceptRosterWrites()
        assertNull(runBlocking { supervisor.session.call { it.teamFingerprint() } })
        val remembered = RememberedSync()
        val sync = SyncStateHolder(supervisor.session, kotlinx.coroutines.Dispatchers.Unconfined, remembered)
        val result = runBlocking { sync.sync() } as SyncResult.Finished
        assertTrue(result.summary.errors.toString(), result.summary.ok)
        assertTrue(result.summary.rosterLinks >= 1u)
        val fingerprint = runBlocking { supervisor.session.call { it.teamFingerprint() } }!!
        assertTrue("a warning, not a failure, naming the fingerprint: ${result.summary}", result.summary.warnings.any { fingerprint in it })
        assertEquals(result, sync.state.value.last)
        assertEquals("the warnings outlive the process", result, SyncStateHolder(supervisor.session, kotlinx.coroutines.Dispatchers.Unconfined, remembered).state.value.last)
    }
}
