package org.fieldbook.android.state

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
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
}
