package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** The supervisor's indicators (with their charts) and overdue list, against a hand count. */
class ReportsStateHolderTest {
    private val device = TestDevice().create()

    @After
    fun tearDown() = device.close()

    private fun add(kind: RecordKind, values: Map<String, FieldValue>) =
        runBlocking { device.session.call { it.add(kind, values, false) } }

    private fun contact(client: String, at: String, syringes: Long = 0) = add(
        RecordKind.CONTACT,
        buildMap {
            put("client_id", FieldValue.Link(client))
            put("at", FieldValue.Datetime(at))
            if (syringes > 0) put("services", FieldValue.Quantities(listOf(Quantity("syringes", syringes.toULong()))))
        },
    )

    @Test
    fun chartsFollowTheMonthsAndTotalsMatchAHandCount() {
        val hoa = add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Chị Hoa"), "sex" to FieldValue.Choice("female")))
        val ba = add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Anh Ba"), "sex" to FieldValue.Choice("male")))
        contact(hoa, "2026-10-05T09:00:00Z", syringes = 10)
        contact(hoa, "2026-11-05T09:00:00Z", syringes = 5)
        contact(ba, "2026-11-06T09:00:00Z")
        add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(ba),
                "service" to FieldValue.Choice("methadone"),
                "date" to FieldValue.Date("2026-11-03"),
                "status" to FieldValue.Choice("completed"),
                "completed_date" to FieldValue.Date("2026-11-08"),
            ),
        )

        val indicators = IndicatorsStateHolder(device.session, device.scope)
        indicators.setPeriod("2026-10-01", "2026-11-30")
        val state = indicators.state.value
        assertEquals(state.error?.detail, false, state.loading)
        val totals = state.totals!!
        assertEquals(2uL, totals.uniqueClientsReached.total)
        assertEquals(3uL, totals.contacts.total.total)

        val reach = state.charts.first { c -> c.series.any { it.measure == Measure.UNIQUE_CLIENTS_REACHED } }
        assertEquals(listOf("2026-10", "2026-11"), reach.months)
        assertEquals(listOf(1L, 2L), reach.series.first { it.measure == Measure.UNIQUE_CLIENTS_REACHED }.values)
        val referrals = state.charts.first { c -> c.series.any { it.measure == Measure.REFERRALS_COMPLETED } }
        assertEquals(listOf(0L, 1L), referrals.series.first { it.measure == Measure.REFERRALS_COMPLETED }.values)
        assertTrue("a supervisor reads case notes, so they are charted", state.charts.any { c -> c.series.any { it.measure == Measure.CASE_NOTES } })
        assertEquals(2L, reach.max)

        val catalog = FormCatalog.of(Language.ENGLISH)
        assertEquals(
            setOf(catalog.choiceLabel(RecordKind.CLIENT, "sex", "female") to 1L, catalog.choiceLabel(RecordKind.CLIENT, "sex", "male") to 1L),
            state.reachedBySex.map { it.label to it.count }.toSet(),
        )
        assertEquals(listOf(catalog.choiceLabel(RecordKind.CONTACT, "services", "syringes") to 15L), state.services.map { it.label to it.count })

        indicators.setPeriod("2026-11-01", "2026-11-30")
        assertEquals(listOf("2026-11"), indicators.state.value.charts.first().months)
    }

    @Test
    fun overdueFollowUpsAreGroupedByWorker() {
        val minh = add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Minh")))
        add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(minh),
                "service" to FieldValue.Choice("art"),
                "date" to FieldValue.Date("2026-11-01"),
                "status" to FieldValue.Choice("sent"),
                "follow_up_due" to FieldValue.Date("2026-11-10"),
            ),
        )
        val overdue = OverdueStateHolder(device.session, device.scope) { "2026-11-20" }
        overdue.refresh()
        val state = overdue.state.value
        assertEquals(state.error?.detail, 1, state.total)
        val worker = state.workers.single()
        assertTrue("this device wrote it", worker.isThisDevice)
        val item = worker.items.single()
        assertEquals("Minh", item.clientAlias)
        assertEquals(10L, item.daysOverdue)
        assertEquals(FormCatalog.of(Language.ENGLISH).choiceLabel(RecordKind.REFERRAL, "service", "art"), item.service)
    }
}
