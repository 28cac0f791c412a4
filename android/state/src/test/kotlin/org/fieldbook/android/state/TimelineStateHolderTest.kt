package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class TimelineStateHolderTest {
    private val device = TestDevice().create(Role.PEER_LEADER)

    @After
    fun tearDown() = device.close()

    @Test
    fun aClientsRecordsNewestFirstAndOnlyTheKindsTheRoleWrites() {
        val (client, older, newer) = runBlocking {
            device.session.call { store ->
                val client = store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chị Tư")), false)
                val older = store.add(
                    RecordKind.CONTACT,
                    mapOf("client_id" to FieldValue.Link(client), "at" to FieldValue.Datetime("2026-11-01T08:00:00Z"), "place" to FieldValue.Text("Chợ Long Biên")),
                    false,
                )
                val newer = store.add(
                    RecordKind.MEETING,
                    mapOf("group_name" to FieldValue.Text("Nhóm Long Biên"), "date" to FieldValue.Date("2026-11-15"), "attendee_ids" to FieldValue.Links(listOf(client))),
                    false,
                )
                Triple(client, older, newer)
            }
        }
        val timeline = TimelineStateHolder(device.session, device.scope, client)
        timeline.refresh()
        val state = timeline.state.value
        assertEquals("Chị Tư", state.client?.headline)
        assertEquals(listOf(newer, older), state.entries.map { it.id })
        assertEquals(listOf("Nhóm Long Biên", "Chợ Long Biên"), state.entries.map { it.headline })
        assertTrue("the client's own page does not repeat their name", state.entries.none { "Chị Tư" in it.details })
        assertEquals("a peer leader writes no case notes", false, RecordKind.CASE_NOTE in state.canAdd)
        assertEquals(true, RecordKind.MEETING in state.canAdd)
    }
}
