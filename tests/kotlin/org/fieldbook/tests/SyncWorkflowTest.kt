package org.fieldbook.tests

import org.fieldbook.ffi.DeviceStatus
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FieldbookStore
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.SyncCancellation
import org.fieldbook.ffi.SyncPhase
import org.fieldbook.ffi.SyncProgressListener
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File
import java.nio.file.Files
import java.util.Collections

/** A team syncing through a real hub that the test starts, all through the bindings. */
class SyncWorkflowTest {
    private lateinit var root: File
    private lateinit var hub: HubProcess

    @Before
    fun setUp() {
        root = Files.createTempDirectory("fieldbook-kotlin-sync").toFile()
        hub = HubProcess.start()
    }

    @After
    fun tearDown() {
        hub.close()
        root.deleteRecursively()
    }

    private class Device(val store: FieldbookStore, val keys: TestKeyStore)

    private fun enroll(name: String, code: String): Device {
        val keys = TestKeyStore(File(root, "$name-keys"))
        val store = FieldbookStore.enroll(
            File(root, name).path, "531864", code, hub.url, null, name, keys, Language.ENGLISH,
        )
        return Device(store, keys)
    }

    private class Progress : SyncProgressListener {
        val events: MutableList<Pair<SyncPhase, ULong>> = Collections.synchronizedList(mutableListOf())
        override fun onProgress(phase: SyncPhase, done: ULong, total: ULong?) {
            events.add(phase to done)
        }
    }

    @Test
    fun teamEnrollsSyncsAndRevokes() {
        val supervisor = enroll("supervisor", hub.createTeam("Hải Phòng"))
        assertEquals(Role.SUPERVISOR, supervisor.store.identity().role)

        val outreachInvite = supervisor.store.invite(Role.OUTREACH, 7u)
        assertEquals(hub.url, outreachInvite.hubUrl)
        val outreach = enroll("outreach", outreachInvite.code)
        val peer = enroll("peer", supervisor.store.invite(Role.PEER_LEADER, 7u).code)
        try {
            enroll("again", outreachInvite.code)
            fail("a one-time code must not enroll twice")
        } catch (e: FieldbookException.Hub) {
        }

        val client = outreach.store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Anh Ba")), false)
        outreach.store.add(
            RecordKind.CONTACT,
            mapOf("client_id" to FieldValue.Link(client), "at" to FieldValue.Datetime("2026-11-30T08:00:00Z")),
            false,
        )
        outreach.store.add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "service" to FieldValue.Choice("methadone"),
                "date" to FieldValue.Date("2026-11-30"),
            ),
            false,
        )
        val progress = Progress()
        val pushed = outreach.store.sync(progress, SyncCancellation())
        assertTrue(pushed.errors.toString(), pushed.ok)
        assertEquals(3u, pushed.pushed)
        assertTrue("progress was reported", progress.events.any { it.first == SyncPhase.PUSH })

        val pulled = supervisor.store.sync(null, SyncCancellation())
        assertTrue(pulled.errors.toString(), pulled.ok)
        assertEquals(3u, pulled.merged)
        assertEquals(listOf("Anh Ba"), supervisor.store.clients().clients.map { it.alias })
        assertEquals(1, supervisor.store.list(RecordKind.REFERRAL).records.size)

        // The supervisor's case note never reaches the peer leader's device.
        supervisor.store.add(
            RecordKind.CASE_NOTE,
            mapOf("client_id" to FieldValue.Link(client), "date" to FieldValue.Date("2026-11-30")),
            false,
        )
        assertTrue(supervisor.store.sync(null, SyncCancellation()).ok)
        val peerSync = peer.store.sync(null, SyncCancellation())
        assertTrue(peerSync.errors.toString(), peerSync.ok)
        assertEquals(1, peer.store.clients().clients.size)
        assertFalse(peer.store.mayWrite(RecordKind.CASE_NOTE))
        try {
            peer.store.list(RecordKind.CASE_NOTE).records.let { assertTrue(it.isEmpty()) }
        } catch (e: FieldbookException) {
        }

        // A sync with nothing new is one request.
        val idle = supervisor.store.sync(null, SyncCancellation())
        assertTrue(idle.ok)
        assertEquals(1u, idle.requests)

        // A cancelled sync says so honestly.
        val cancel = SyncCancellation().also { it.cancel() }
        outreach.store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chị Tư")), false)
        val cancelled = outreach.store.sync(null, cancel)
        assertFalse(cancelled.ok)
        assertTrue(cancelled.cancelled)
        assertTrue(outreach.store.sync(null, SyncCancellation()).ok)

        // A scheduled sync of a locked device: what it pulls waits, sealed, for the PIN.
        assertTrue(peer.store.sync(null, SyncCancellation()).ok)
        supervisor.store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chú Năm")), false)
        assertTrue(supervisor.store.sync(null, SyncCancellation()).ok)
        peer.store.lock()
        val background = peer.store.sync(null, SyncCancellation())
        assertTrue(background.errors.toString(), background.ok)
        assertEquals(1u, background.held)
        assertTrue(peer.store.isLocked())
        peer.store.unlock("531864")
        assertTrue(peer.store.clients().clients.any { it.alias == "Chú Năm" })

        val devices = supervisor.store.devices()
        assertEquals(3, devices.count { it.status == DeviceStatus.ACTIVE })
        // The team keeps its one supervisor: its own device is refused, typed and said.
        try {
            supervisor.store.revokeDevice(supervisor.store.identity().deviceId)
            fail("the last supervisor revoked its own device")
        } catch (e: FieldbookException.HandOverFirst) {
            assertTrue(e.lastSupervisor)
            assertTrue(e.detail, e.detail.contains("last supervisor"))
        }
        assertEquals(3, supervisor.store.devices().count { it.status == DeviceStatus.ACTIVE })
        val outreachId = outreach.store.identity().deviceId
        val epoch = supervisor.store.revokeDevice(outreachId)
        assertTrue(epoch >= 2u)
        assertEquals(DeviceStatus.REVOKED, supervisor.store.devices().first { it.deviceId == outreachId }.status)

        val wiped = outreach.store.sync(null, SyncCancellation())
        assertFalse(wiped.ok)
        assertTrue("the revoked device was told to erase itself", wiped.wiped)
        try {
            FieldbookStore.open(File(root, "outreach").path, outreach.keys, Language.ENGLISH).unlock("531864")
            fail("a wiped store must stay erased")
        } catch (e: FieldbookException.Erased) {
        }
        val after = peer.store.sync(null, SyncCancellation())
        assertTrue(after.errors.toString(), after.ok)
        assertTrue("the remaining devices learn the new epoch", after.keysLearned >= 1u)
    }

    @Test
    fun unreachableHubIsAnHonestFailure() {
        val supervisor = enroll("supervisor", hub.createTeam("Hà Nội"))
        hub.close()
        val summary = supervisor.store.sync(null, SyncCancellation())
        assertFalse(summary.ok)
        assertTrue(summary.errors.isNotEmpty())
        hub = HubProcess.start()
    }
}
