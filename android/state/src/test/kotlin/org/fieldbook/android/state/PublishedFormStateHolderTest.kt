package org.fieldbook.android.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldType
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Test
import java.io.File

/**
 * A form the team's supervisor publishes, over a real hub: a program
 * officer's workbook (the contact form with a naloxone question, kept in
 * `xlsform/tests/fixtures`) is signed on the office laptop; the outreach
 * phone draws the old form until its sync, then the new question with its
 * skip rule and its constraint's message, and keeps editing a record
 * written before with the form that record was written with.
 */
class PublishedFormStateHolderTest {
    private val hub = LocalHub.start()
    private val supervisor = TestDevice(Language.VIETNAMESE)
    private val outreach = TestDevice()
    private val workbook = File("xlsform/tests/fixtures/contact-v2.xlsx").readBytes()

    @After
    fun tearDown() {
        outreach.close()
        supervisor.close()
        hub.close()
    }

    private fun enrollTeam() = hub.enrollTeam(supervisor, outreach)

    private fun sync(device: TestDevice) =
        (runBlocking { SyncStateHolder(device.session, Dispatchers.Unconfined).sync() } as SyncResult.Finished).summary

    private fun contactForm(recordId: String? = null) =
        FormStateHolder(outreach.session, outreach.scope, RecordKind.CONTACT, recordId).apply { load() }

    private fun FormStateHolder.keys() = state.value.fields.map { it.spec.key }

    @Test
    fun thePhoneDrawsThePublishedFormAfterItsSync() {
        enrollTeam()
        // A contact written before the new form.
        val before = contactForm()
        before.setText("place", "Chợ Long Biên")
        before.save()
        val beforeId = before.state.value.savedId!!

        try {
            runBlocking { outreach.session.call { it.publishFormWorkbook(workbook, Language.ENGLISH) } }
            fail("a phone published a form")
        } catch (e: FieldbookException.NotPermitted) {
        }
        val published = runBlocking { supervisor.session.call { it.publishFormWorkbook(workbook, Language.ENGLISH) } }
        assertEquals(2u, published.version)
        assertTrue(published.fields.any { it.key == "naloxone_kits" })

        assertFalse("not before the phone's sync", "naloxone_kits" in contactForm().keys())
        val summary = sync(outreach)
        assertTrue(summary.toString(), summary.ok)

        val form = contactForm()
        assertTrue("the mode has a default: the question shows", "naloxone_kits" in form.keys())
        form.setValue("mode", null)
        assertFalse("its skip rule hides it without a mode", "naloxone_kits" in form.keys())
        form.setValue("mode", FieldValue.Choice("individual"))
        assertTrue("naloxone_kits" in form.keys())
        val kits = form.state.value.fields.first { it.spec.key == "naloxone_kits" }
        assertEquals("Naloxone kits given", kits.spec.label)
        form.setText("naloxone_kits", "80")
        form.save()
        val messages = form.state.value.fields.first { it.spec.key == "naloxone_kits" }.messages
        assertTrue(messages.toString(), messages.any { it.contains("Between 0 and 50 kits") })
        form.setText("naloxone_kits", "20")
        form.save()
        assertTrue(form.state.value.savedId != null)

        // The record written before is edited with the form it was written with.
        val old = contactForm(beforeId)
        assertFalse("naloxone_kits" in old.keys())
        old.setText("place", "Bến xe Gia Lâm")
        old.save()
        assertEquals(beforeId, old.state.value.savedId)

        // The lists name the new question in the phone's language.
        assertEquals("Naloxone kits given", outreach.session.forms().fieldLabel(RecordKind.CONTACT, "naloxone_kits"))
    }

    @Test
    fun sectionsNotesFiltersAndCalculationsFromAWorkbook() {
        enrollTeam()
        val sections = File("xlsform/tests/fixtures/contact-v2-sections.xlsx").readBytes()
        runBlocking { supervisor.session.call { it.publishFormWorkbook(sections, Language.ENGLISH) } }
        assertTrue(sync(outreach).ok)

        val form = contactForm()
        val keys = form.keys()
        assertTrue("a note is drawn", "consent_note" in keys)
        assertEquals(FieldType.NOTE, form.field("consent_note").spec.fieldType)
        assertFalse("a hidden question is not drawn", "source" in keys)
        assertFalse("nor a calculation", "kit_boxes" in keys)
        assertFalse("the hotspot section waits for its rule", "hotspot_name" in keys)
        val programme = form.field("programme")
        assertTrue("read-only, with its default", programme.readOnly && programme.text == "harm_reduction")

        form.setValue("setting", FieldValue.Choice("hotspot"))
        assertEquals(listOf("Hotspot"), form.field("hotspot_name").headings)
        assertEquals(listOf("Area"), form.field("province").headings)
        assertTrue(form.field("province").spec.dropdown)
        form.setValue("province", FieldValue.Choice("hcm"))
        assertEquals(listOf("quan_1"), form.field("district").choices.map { it.value })
        form.setValue("province", FieldValue.Choice("hn"))
        assertEquals(listOf("ba_dinh", "hoan_kiem"), form.field("district").choices.map { it.value })
        form.setValue("district", FieldValue.Choice("hoan_kiem"))
        form.setText("callback", "024 3826 0000")
        form.setText("kits", "25")
        form.save()
        val id = form.state.value.savedId
        assertTrue(form.state.value.toString(), id != null)

        val saved = runBlocking { outreach.session.call { it.get(id!!).record.values } }
        assertEquals(FieldValue.Text("02438260000"), saved["callback"])
        assertEquals(FieldValue.Text("3"), saved["kit_boxes"])
        assertEquals(FieldValue.Text("harm_reduction"), saved["programme"])
        assertEquals(FieldValue.Text("xlsform"), saved["source"])
        assertEquals(FieldValue.Choice("hoan_kiem"), saved["district"])
    }

    private fun FormStateHolder.field(key: String) = state.value.fields.first { it.spec.key == key }
}
