package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.DueReason
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Test

class TodayStateHolderTest {
    private val device = TestDevice().create(Role.CASE_MANAGER)

    @After
    fun tearDown() = device.close()

    @Test
    fun overdueFollowUpsComeFirstThenTodays() {
        val (client, referral, note) = runBlocking {
            device.session.call { store ->
                val client = store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Minh")), false)
                val referral = store.add(
                    RecordKind.REFERRAL,
                    mapOf(
                        "client_id" to FieldValue.Link(client),
                        "service" to FieldValue.Choice("hiv_test"),
                        "date" to FieldValue.Date("2026-11-01"),
                        "status" to FieldValue.Choice("sent"),
                        "follow_up_due" to FieldValue.Date("2026-11-10"),
                    ),
                    false,
                )
                val note = store.add(
                    RecordKind.CASE_NOTE,
                    mapOf(
                        "client_id" to FieldValue.Link(client),
                        "date" to FieldValue.Date("2026-11-20"),
                        "next_follow_up" to FieldValue.Date("2026-11-25"),
                    ),
                    false,
                )
                Triple(client, referral, note)
            }
        }
        val today = TodayStateHolder(device.session, device.scope) { "2026-11-25" }
        today.refresh()
        val state = today.state.value
        assertEquals(false, state.loading)

        val overdue = state.overdue.single()
        assertEquals(referral, overdue.recordId)
        assertEquals(DueReason.REFERRAL_FOLLOW_UP, overdue.reason)
        assertEquals(15L, overdue.daysOverdue)
        assertEquals("Minh", overdue.clientAlias)
        assertEquals(client, overdue.clientId)
        val label = FormCatalog.of(Language.ENGLISH).choiceLabel(RecordKind.REFERRAL, "service", "hiv_test")
        assertEquals(label, overdue.service)
        assertNotEquals("the service is named, not coded", "hiv_test", overdue.service)

        assertEquals(listOf(note), state.dueToday.map { it.recordId })
        assertEquals(DueReason.CASE_NOTE_FOLLOW_UP, state.dueToday.single().reason)
    }

    @Test
    fun aLockedStoreSendsTheAppToTheUnlockScreen() {
        val today = TodayStateHolder(device.session, device.scope)
        runBlocking { device.session.lock() }
        today.refresh()
        assertEquals(SessionState.Locked, device.session.state.value)
        assertEquals(false, today.state.value.loading)
        assertNotEquals(null, today.state.value.error)
    }
}
