package org.fieldbook.android.state

import kotlinx.coroutines.Dispatchers
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import java.nio.file.Files

/**
 * The supervisor's forms screen over a real hub: the built-in versions
 * listed, a file that is not a workbook refused with the core's words, the
 * program officer's workbook signed and published (then listed as signed
 * here and in use), the form in use taken out as a workbook, and a
 * worker's device refused.
 */
class TeamFormsStateHolderTest {
    private val hub = LocalHub.start()
    private val supervisor = TestDevice()
    private val outreach = TestDevice()
    private val folder: File = Files.createTempDirectory("fieldbook-forms").toFile()

    @After
    fun tearDown() {
        outreach.close()
        supervisor.close()
        hub.close()
        folder.deleteRecursively()
    }

    private fun holder(device: TestDevice) =
        TeamFormsStateHolder(device.session, device.scope, Dispatchers.Unconfined).apply { load() }

    @Test
    fun aSupervisorPublishesAWorkbookAndTakesAFormOut() {
        hub.enrollTeam(supervisor, outreach)
        val forms = holder(supervisor)
        val builtIn = forms.state.value.versions
        assertEquals(5, builtIn.size)
        assertTrue(builtIn.all { it.inUse && it.builtIn })

        forms.import(File(folder, "missing.xlsx").path)
        assertTrue(forms.state.value.import is FormImportStatus.Unreadable)

        val notAWorkbook = File(folder, "notes.xlsx").apply { writeText("not a workbook") }
        forms.import(notAWorkbook.path)
        val refused = forms.state.value.import as FormImportStatus.Refused
        assertTrue(refused.problems.toString(), refused.problems.any { it.contains("not a readable workbook") })
        assertEquals("nothing was published", 5, forms.state.value.versions.size)

        forms.import("xlsform/tests/fixtures/contact-v2.xlsx")
        val published = forms.state.value.import as FormImportStatus.Published
        assertEquals(RecordKind.CONTACT, published.kind)
        assertEquals(2u, published.version)
        val v2 = forms.state.value.versions.single { it.kind == RecordKind.CONTACT && it.version == 2u }
        assertTrue(v2.inUse && !v2.builtIn)
        assertEquals(forms.state.value.thisDevice, v2.signedBy)
        assertTrue(forms.state.value.versions.single { it.kind == RecordKind.CONTACT && it.version == 1u }.let { !it.inUse })

        forms.export(RecordKind.CONTACT, folder.path)
        val written = forms.state.value.exported!!
        assertEquals("contact-v2.xlsx", written.name)
        // An xlsx is a zip: it starts with "PK".
        assertTrue(written.readBytes().take(2) == listOf('P'.code.toByte(), 'K'.code.toByte()))

        val phone = holder(outreach)
        phone.import("xlsform/tests/fixtures/contact-v2.xlsx")
        assertTrue(phone.state.value.import.toString(), phone.state.value.import is FormImportStatus.Failed)
    }
}
