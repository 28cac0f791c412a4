package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Test

class ReferralsStateHolderTest {
    private val device = TestDevice().create()

    @After
    fun tearDown() = device.close()

    private fun referral(client: String, service: String, status: String) = runBlocking {
        device.session.call {
            it.add(
                RecordKind.REFERRAL,
                mapOf(
                    "client_id" to FieldValue.Link(client),
                    "service" to FieldValue.Choice(service),
                    "date" to FieldValue.Date("2026-11-02"),
                    "status" to FieldValue.Choice(status),
                    "follow_up_due" to FieldValue.Date("2026-11-20"),
                ),
                false,
            )
        }
    }

    @Test
    fun referralsAreGroupedByStatusInTheCoresOrderAndFiltered() {
        val client = runBlocking { device.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Anh Ba")), false) } }
        val accepted = referral(client, "methadone", "accepted")
        val sent = referral(client, "hiv_test", "sent")
        val referrals = ReferralsStateHolder(device.session, device.scope)
        referrals.refresh()
        val state = referrals.state.value
        val catalog = FormCatalog.of(Language.ENGLISH)
        assertEquals(listOf("draft", "sent", "accepted", "completed"), state.statuses.take(4).map { it.value })
        assertEquals(catalog.choiceLabel(RecordKind.REFERRAL, "status", "sent"), state.statuses[1].label)
        assertEquals("sent before accepted", listOf("sent", "accepted"), state.sections.map { it.status.value })
        val row = state.sections.first().referrals.single()
        assertEquals(sent, row.summary.id)
        assertEquals(catalog.choiceLabel(RecordKind.REFERRAL, "service", "hiv_test"), row.summary.headline)
        assertEquals("the client is named", "Anh Ba", row.summary.details.first())
        assertEquals("2026-11-20", row.followUpDue)

        referrals.setFilter("accepted")
        assertEquals(listOf(accepted), referrals.state.value.sections.flatMap { s -> s.referrals.map { it.summary.id } })
    }
}
