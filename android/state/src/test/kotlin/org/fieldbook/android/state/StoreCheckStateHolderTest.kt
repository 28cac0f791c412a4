package org.fieldbook.android.state

import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.DamagedPart
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Remedy
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * The check screen's holder on a real store: a whole store checks out; a
 * record whose list row a bad sector zeroed is named in the person's
 * language, rebuilt from its intact state, and is listed again.
 */
class StoreCheckStateHolderTest {
    private val device = TestDevice(Language.VIETNAMESE).create()

    @After
    fun tearDown() = device.close()

    @Test
    fun aWholeStoreChecksOutAndADamagedListRowIsRebuilt() {
        val id = runBlocking { device.session.call { it.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Hoa")), false) } }
        val check = StoreCheckStateHolder(device.session, device.scope)
        check.check()
        val whole = check.state.value.report!!
        assertNull(check.state.value.error)
        assertTrue(whole.ok)
        assertTrue(whole.damage.isEmpty())
        assertEquals(1uL, whole.recordsChecked)

        // As a bad sector would leave it: the record's sealed list row all zeros.
        val sql = "UPDATE list_rows SET body = zeroblob(length(body))"
        val tool = ProcessBuilder("sqlite3", File(device.root, "store/fieldbook.db").path, sql).redirectErrorStream(true).start()
        val output = tool.inputStream.bufferedReader().readText()
        assertEquals(output, 0, tool.waitFor())
        val hidden = runBlocking { device.session.call { it.clients() } }
        assertEquals(listOf(id), hidden.unreadableIds)

        check.check()
        val repaired = check.state.value.report!!
        assertTrue("nothing left damaged: ${repaired.damage}", repaired.ok)
        val finding = repaired.damage.single { it.part == DamagedPart.VIEW }
        assertEquals(id, finding.recordId)
        assertEquals(Remedy.REBUILT, finding.remedy)
        assertTrue("in the person's Vietnamese: ${finding.message}", finding.message.isNotBlank() && !finding.message.contains("rebuilt"))
        val alias = runBlocking { device.session.call { it.get(id) } }.record.values["alias"] as FieldValue.Text
        assertEquals("Hoa", alias.value)
        val listed = runBlocking { device.session.call { it.clients() } }
        assertEquals(listOf("Hoa"), listed.clients.map { it.alias })
        assertTrue(listed.unreadableIds.isEmpty())
    }
}
