package org.fieldbook.tests

import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FieldbookStore
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File
import java.nio.file.Files

/** A supervisor's indicators and overdue list through the bindings, against a hand count. */
class ReportsWorkflowTest {
    private lateinit var root: File
    private lateinit var store: FieldbookStore

    @Before
    fun setUp() {
        root = Files.createTempDirectory("fieldbook-kotlin-reports").toFile()
        store = FieldbookStore.create(
            File(root, "store").path, "864271", Role.SUPERVISOR, TestKeyStore(File(root, "keys")), Language.ENGLISH,
        )
    }

    @After
    fun tearDown() {
        root.deleteRecursively()
    }

    private fun client(alias: String, extra: Map<String, FieldValue> = emptyMap()) =
        store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text(alias)) + extra, true)

    private fun contact(client: String?, at: String, services: List<Quantity> = emptyList()) {
        val values = mutableMapOf<String, FieldValue>("at" to FieldValue.Datetime(at))
        if (client != null) values["client_id"] = FieldValue.Link(client)
        if (services.isNotEmpty()) values["services"] = FieldValue.Quantities(services)
        store.add(RecordKind.CONTACT, values, false)
    }

    @Test
    fun indicatorsMatchAHandCount() {
        val samePerson = mapOf(
            "sex" to FieldValue.Choice("female"),
            "birth_year" to FieldValue.Integer(1996),
            "uic_mother_name" to FieldValue.Text("Lan"),
            "uic_father_name" to FieldValue.Text("Hải"),
        )
        val a = client("Chị Hoa", samePerson)
        val b = client("Hoa", samePerson) // the same person registered twice
        val c = client("Anh Ba")
        contact(a, "2026-11-05T09:00:00Z", listOf(Quantity("syringes", 10u)))
        contact(b, "2026-11-10T09:00:00Z", listOf(Quantity("syringes", 5u), Quantity("condoms", 3u)))
        contact(null, "2026-11-12T09:00:00Z")
        contact(c, "2026-10-20T09:00:00Z") // before the period
        store.add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(c),
                "service" to FieldValue.Choice("methadone"),
                "date" to FieldValue.Date("2026-11-03"),
                "status" to FieldValue.Choice("completed"),
                "completed_date" to FieldValue.Date("2026-11-08"),
            ),
            false,
        )
        store.add(
            RecordKind.MEETING,
            mapOf(
                "group_name" to FieldValue.Text("Nhóm Lê Chân"),
                "date" to FieldValue.Date("2026-11-20"),
                "attendance_total" to FieldValue.Integer(9),
                "attendance_women" to FieldValue.Integer(4),
            ),
            false,
        )

        val november = store.indicators("2026-11-01", "2026-11-30", null)
        assertEquals(1uL, november.uniqueClientsReached.total)
        assertEquals(1uL, november.uniqueClientsReached.bySex["female"])
        assertEquals(1uL, november.uniqueClientsReached.byAgeBand["25_34"])
        assertEquals(3uL, november.contacts.total.total)
        assertEquals(1uL, november.contacts.anonymous)
        val syringes = november.services.first { it.item == "syringes" }
        assertEquals(2uL, syringes.contacts)
        assertEquals(15uL, syringes.quantity)
        assertEquals("syringes", november.services.first().item)
        assertEquals(1uL, november.referralsMade.total)
        assertEquals(1uL, november.referralsCompleted.total)
        assertEquals(1.0, november.referralCompletionRate!!, 0.0)
        assertEquals(5.0, november.medianDaysToCompletion!!, 0.0)
        assertEquals(1uL, november.meetings)
        assertEquals(9uL, november.attendanceTotal)
        assertEquals(4uL, november.attendanceWomen)
        assertEquals(0uL, november.unreadableRecords)

        val months = store.monthlyIndicators("2026-10-01", "2026-11-30", null)
        assertEquals(listOf("2026-10-01", "2026-11-01"), months.map { it.from })
        assertEquals(1uL, months[0].contacts.total.total)

        try {
            store.indicators("2026-11-30", "2026-11-01", null)
            fail("a period that ends before it starts must be refused")
        } catch (e: FieldbookException.Invalid) {
        }
    }

    @Test
    fun overdueListGroupsByWorker() {
        val c = client("Minh")
        store.add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(c),
                "service" to FieldValue.Choice("hiv_test"),
                "date" to FieldValue.Date("2026-11-01"),
                "status" to FieldValue.Choice("sent"),
                "follow_up_due" to FieldValue.Date("2026-11-10"),
            ),
            false,
        )
        val overdue = store.overdue("2026-11-20")
        assertEquals(1uL, overdue.total)
        assertEquals(store.identity().deviceId, overdue.workers.single().worker)
        assertEquals(10L, overdue.workers.single().items.single().daysOverdue)
        assertNull(store.overdue("2026-11-10").workers.firstOrNull())
    }
}
