package org.fieldbook.tests

import org.fieldbook.ffi.DueReason
import org.fieldbook.ffi.FieldType
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FieldbookStore
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.allForms
import org.fieldbook.ffi.form
import org.fieldbook.ffi.referralStatuses
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File
import java.nio.file.Files
import java.time.LocalDate

/** Whole workflows of one device through the generated Kotlin bindings. */
class StoreWorkflowTest {
    private lateinit var root: File
    private lateinit var keys: TestKeyStore
    private val pin = "482916"

    @Before
    fun setUp() {
        root = Files.createTempDirectory("fieldbook-kotlin").toFile()
        keys = TestKeyStore(File(root, "secure-hardware"))
    }

    @After
    fun tearDown() {
        root.deleteRecursively()
    }

    private fun dataDir() = File(root, "store").path

    private fun newStore(role: Role = Role.SUPERVISOR, language: Language = Language.ENGLISH) =
        FieldbookStore.create(dataDir(), pin, role, keys, language)

    private fun text(v: String) = FieldValue.Text(v)

    @Test
    fun initLockAndWrongPin() {
        val store = newStore()
        assertFalse(store.isLocked())
        assertTrue("the Kotlin key store wrapped the vault key", keys.wraps.get() >= 1)
        store.lock()
        assertTrue(store.isLocked())
        try {
            store.list(RecordKind.CLIENT)
            fail("a locked store must refuse reads")
        } catch (e: FieldbookException.Locked) {
        }
        try {
            store.unlock("0000")
            fail("a wrong PIN must be refused")
        } catch (e: FieldbookException.WrongPin) {
            assertEquals(9u, e.attemptsLeft)
            assertTrue(e.detail, e.detail.contains("wrong PIN"))
        }
        store.unlock(pin)
        assertFalse(store.isLocked())

        // Reopened from disk it starts locked, and unlocks through the key store.
        val unwrapsBefore = keys.unwraps.get()
        val reopened = FieldbookStore.open(dataDir(), keys, Language.VIETNAMESE)
        assertTrue(reopened.isLocked())
        try {
            reopened.unlock("1111")
            fail("a wrong PIN must be refused")
        } catch (e: FieldbookException.WrongPin) {
            assertTrue(e.detail, e.detail.contains("Sai mã PIN"))
        }
        reopened.unlock(pin)
        assertTrue(keys.unwraps.get() > unwrapsBefore)
        assertEquals(Role.SUPERVISOR, reopened.identity().role)
    }

    @Test
    fun everyPinTriedIsBoundByTheKeyStoreOnce() {
        val store = newStore()
        assertTrue("the vault is bound to the key store's binding key", keys.bindings.get() >= 1)
        store.lock()
        val before = keys.bindings.get()
        for (guess in listOf("111111", "222222")) {
            try {
                store.unlock(guess)
                fail("a wrong PIN must be refused")
            } catch (e: FieldbookException.WrongPin) {
            }
        }
        store.unlock(pin)
        assertEquals("one binding per PIN tried", 3, keys.bindings.get() - before)
    }

    @Test
    fun aShortOrCommonPinIsRefusedInBothLanguages() {
        for ((bad, language, words) in listOf(
            Triple("1234", Language.ENGLISH, "at least 6 digits"),
            Triple("123456", Language.VIETNAMESE, "Mã PIN"),
        )) {
            try {
                FieldbookStore.create(dataDir(), bad, Role.OUTREACH, keys, language)
                fail("$bad must be refused")
            } catch (e: FieldbookException.Invalid) {
                assertTrue(e.detail, e.detail.contains(words))
            }
        }
    }

    @Test
    fun theDuressPinOpensAnEmptyStoreAndTheRealRecordsAreGone() {
        val store = newStore(Role.CASE_MANAGER)
        store.add(RecordKind.CLIENT, mapOf("alias" to text("Anh Tuấn")), false)
        store.setDuressPin("730519")
        assertTrue(store.hasDuressPin())
        store.lock()
        val reopened = FieldbookStore.open(dataDir(), keys, Language.ENGLISH)
        reopened.unlock("730519")
        assertFalse(reopened.isLocked())
        assertTrue(reopened.list(RecordKind.CLIENT).records.isEmpty())
        assertEquals(Role.CASE_MANAGER, reopened.identity().role)
        reopened.add(RecordKind.CLIENT, mapOf("alias" to text("Lan")), false)
        assertEquals(1, reopened.list(RecordKind.CLIENT).records.size)
        reopened.lock()
        try {
            reopened.unlock(pin)
            fail("the real PIN opens nothing any more")
        } catch (e: FieldbookException.WrongPin) {
        }
    }

    @Test
    fun keyStoreFailureIsReportedAndLosesNothing() {
        newStore().add(RecordKind.CLIENT, mapOf("alias" to text("Anh Tuấn")), false)
        keys.unavailable = true
        val reopened = FieldbookStore.open(dataDir(), keys, Language.ENGLISH)
        try {
            reopened.unlock(pin)
            fail("an unavailable key store must stop the unlock")
        } catch (e: FieldbookException.KeyStore) {
        }
        keys.unavailable = false
        reopened.unlock(pin)
        assertEquals(listOf("Anh Tuấn"), reopened.clients().clients.map { it.alias })
    }

    @Test
    fun addEachKindAndReadItBack() {
        val store = newStore()
        val client = store.add(
            RecordKind.CLIENT,
            mapOf(
                "alias" to text("Chị Hoa"),
                "sex" to FieldValue.Choice("female"),
                "birth_year" to FieldValue.Integer(1990),
                "injecting" to FieldValue.YesNo(true),
                "primary_substances" to FieldValue.Choices(listOf("heroin", "methamphetamine")),
                "area" to text("Phường Hoàng Liệt, Hoàng Mai"),
                "uic_mother_name" to text("Lan"),
                "uic_father_name" to text("Minh"),
            ),
            false,
        )
        val contact = store.add(
            RecordKind.CONTACT,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "at" to FieldValue.Datetime("2026-11-30T09:30:00Z"),
                "place" to text("Gầm cầu Chương Dương"),
                "visit_type" to FieldValue.Choice("first"),
                "services" to FieldValue.Quantities(listOf(Quantity("syringes", 20u), Quantity("naloxone", 2u))),
            ),
            false,
        )
        val note = store.add(
            RecordKind.CASE_NOTE,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "date" to FieldValue.Date("2026-11-30"),
                "drug_use_rating" to FieldValue.Choice("3"),
                "drug_use_narrative" to text("Đang dùng methadone, giảm sử dụng"),
                "next_follow_up" to FieldValue.Date("2026-12-07"),
            ),
            false,
        )
        val referral = store.add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "service" to FieldValue.Choice("methadone"),
                "date" to FieldValue.Date("2026-11-30"),
                "status" to FieldValue.Choice("sent"),
                "follow_up_due" to FieldValue.Date("2026-12-05"),
            ),
            false,
        )
        val meeting = store.add(
            RecordKind.MEETING,
            mapOf(
                "group_name" to text("Nhóm tự lực Hoàng Mai"),
                "date" to FieldValue.Date("2026-11-29"),
                "attendance_total" to FieldValue.Integer(12),
                "attendee_ids" to FieldValue.Links(listOf(client)),
            ),
            false,
        )

        val shown = store.get(client).record
        assertEquals(RecordKind.CLIENT, shown.kind)
        assertEquals(FieldValue.Integer(1990), shown.values["birth_year"])
        assertEquals(FieldValue.Choices(listOf("heroin", "methamphetamine")), shown.values["primary_substances"])
        assertTrue("the core computed the client code", shown.values["uic"] is FieldValue.Text)
        assertNull("parents' names are never stored", shown.values["uic_mother_name"])

        val services = store.get(contact).record.values["services"] as FieldValue.Quantities
        assertEquals(listOf(Quantity("syringes", 20u), Quantity("naloxone", 2u)), services.items)

        val timeline = store.timeline(client)
        assertEquals(setOf(contact, note, referral, meeting), timeline.map { it.record.id }.toSet())

        val sent = store.referrals("sent")
        assertEquals(listOf("sent"), sent.map { it.status })
        assertEquals(listOf(referral), sent.single().referrals.map { it.id })

        val updated = store.update(referral, mapOf("status" to FieldValue.Choice("accepted")), listOf("follow_up_due"))
        assertEquals(FieldValue.Choice("accepted"), updated.values["status"])
        assertNull(updated.values["follow_up_due"])
        val history = store.history(referral)
        assertEquals(2, history.size)
        assertTrue(history[1].changes.any { it.field == "follow_up_due" && it.value == null })

        store.delete(meeting)
        assertTrue(store.list(RecordKind.MEETING).records.isEmpty())
        assertTrue(store.history(meeting).last().deletes)
        assertNull("the audit trail verifies", store.verifyAudit())
    }

    @Test
    fun validationErrorsInEnglishAndVietnamese() {
        val store = newStore()
        val tooLate = FieldValue.Integer((LocalDate.now().year + 1).toLong())
        try {
            store.add(RecordKind.CLIENT, mapOf("birth_year" to tooLate), false)
            fail("a client without alias must be refused")
        } catch (e: FieldbookException.Invalid) {
            val byField = e.fields.associateBy { it.field }
            assertEquals("required", byField["alias"]?.code)
            assertEquals("too_large", byField["birth_year"]?.code)
            assertTrue(byField["alias"]!!.message, byField["alias"]!!.message.contains("Alias"))
        }
        store.setLanguage(Language.VIETNAMESE)
        try {
            store.add(RecordKind.CLIENT, mapOf("birth_year" to tooLate), false)
            fail("a client without alias must be refused")
        } catch (e: FieldbookException.Invalid) {
            val alias = e.fields.first { it.field == "alias" }
            assertEquals("required", alias.code)
            assertTrue(alias.message, alias.message.contains("Tên gọi"))
        }
        // The live check says the same without writing anything.
        val issues = store.check(RecordKind.CLIENT, mapOf("birth_year" to tooLate), null, emptyList())
        assertEquals(setOf("alias", "birth_year"), issues.map { it.field }.toSet())
        assertTrue(store.clients().clients.isEmpty())
        // Emptying a required field in an edit is reported before saving.
        val minh = store.add(RecordKind.CLIENT, mapOf("alias" to text("Minh")), false)
        assertEquals(emptyList<String>(), store.check(RecordKind.CLIENT, emptyMap(), minh, emptyList()).map { it.field })
        assertEquals(listOf("alias"), store.check(RecordKind.CLIENT, emptyMap(), minh, listOf("alias")).map { it.field })
    }

    @Test
    fun formsSkipLogicAndDuplicateWarning() {
        val store = newStore()
        assertEquals(5, allForms(Language.ENGLISH).size)
        val client = form(RecordKind.CLIENT, Language.VIETNAMESE)
        val consentScope = client.fields.first { it.key == "consent_scope" }
        assertTrue(consentScope.conditional)
        assertEquals(FieldType.MULTIPLE_CHOICE, consentScope.fieldType)
        assertFalse(store.visibleFields(RecordKind.CLIENT, emptyMap(), null).contains("consent_scope"))
        assertTrue(
            store.visibleFields(RecordKind.CLIENT, mapOf("consent_date" to FieldValue.Date("2026-11-01")), null)
                .contains("consent_scope"),
        )
        assertFalse("system fields are not drawn", store.visibleFields(RecordKind.CLIENT, emptyMap(), null).contains("uic"))
        assertEquals(listOf("draft", "sent", "accepted", "completed"), referralStatuses().take(4))

        val person = mapOf(
            "alias" to text("Anh Tuấn Xe Ôm"),
            "sex" to FieldValue.Choice("male"),
            "birth_year" to FieldValue.Integer(1985),
            "uic_mother_name" to text("Hương"),
            "uic_father_name" to text("Dũng"),
        )
        val preview = store.clientCode(person)
        assertNotNull("the code is known before saving", preview)
        assertNull("no code without the parents' names", store.clientCode(person - "uic_father_name"))
        val first = store.add(RecordKind.CLIENT, person, false)
        try {
            store.add(RecordKind.CLIENT, person + ("alias" to text("Tuấn")), false)
            fail("a second client with the same code must be flagged")
        } catch (e: FieldbookException.DuplicateClient) {
            assertEquals(first, e.existingId)
        }
        val code = (store.get(first).record.values["uic"] as FieldValue.Text).value
        assertEquals(preview, code)
        assertEquals(listOf(first), store.clientsWithCode(code).map { it.id })
        val second = store.add(RecordKind.CLIENT, person + ("alias" to text("Tuấn")), true)
        assertEquals(setOf(first, second), store.clientsWithCode(code).map { it.id }.toSet())
        assertEquals(listOf(first), store.searchClients("anh tuan", null).clients.map { it.id })
    }

    @Test
    fun dueListPutsOverdueFirst() {
        val store = newStore(Role.CASE_MANAGER)
        val client = store.add(RecordKind.CLIENT, mapOf("alias" to text("Minh")), false)
        store.add(
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
        store.add(
            RecordKind.CASE_NOTE,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "date" to FieldValue.Date("2026-11-20"),
                "next_follow_up" to FieldValue.Date("2026-11-25"),
            ),
            false,
        )
        val completed = store.add(
            RecordKind.REFERRAL,
            mapOf(
                "client_id" to FieldValue.Link(client),
                "service" to FieldValue.Choice("art"),
                "date" to FieldValue.Date("2026-11-01"),
                "status" to FieldValue.Choice("completed"),
                "completed_date" to FieldValue.Date("2026-11-05"),
                "follow_up_due" to FieldValue.Date("2026-11-03"),
            ),
            false,
        )
        val due = store.due("2026-11-25")
        assertEquals(listOf(DueReason.REFERRAL_FOLLOW_UP, DueReason.CASE_NOTE_FOLLOW_UP), due.map { it.reason })
        assertEquals(15L, due[0].daysOverdue)
        assertTrue(due[0].overdue)
        assertEquals("hiv_test", due[0].service)
        assertEquals(0L, due[1].daysOverdue)
        assertFalse("a completed referral is not due", due.any { it.recordId == completed })
        assertNotNull(store.due(null))
        try {
            store.due("25/11/2026")
            fail("a malformed date must be refused")
        } catch (e: FieldbookException.Invalid) {
        }
    }
}
