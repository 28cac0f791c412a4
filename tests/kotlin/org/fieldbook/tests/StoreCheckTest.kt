package org.fieldbook.tests

import org.fieldbook.ffi.DamagedPart
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FieldbookStore
import org.fieldbook.ffi.HubContact
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Remedy
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.checkStoreHeader
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotNull
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Assert.fail
import org.junit.Before
import org.junit.Test
import java.io.File
import java.io.RandomAccessFile
import java.nio.file.Files

/** A check of the store through the generated Kotlin bindings: a damaged
 *  header found before opening and written back, then the whole store checked. */
class StoreCheckTest {
    private lateinit var root: File
    private lateinit var keys: TestKeyStore
    private val pin = "482916"

    @Before
    fun setUp() {
        root = Files.createTempDirectory("fieldbook-kotlin-check").toFile()
        keys = TestKeyStore(File(root, "secure-hardware"))
    }

    @After
    fun tearDown() {
        root.deleteRecursively()
    }

    private fun dataDir() = File(root, "store").path

    @Test
    fun aDamagedHeaderIsNamedAndWrittenBackThenTheStoreChecksWhole() {
        val store = FieldbookStore.create(dataDir(), pin, Role.SUPERVISOR, keys, Language.ENGLISH)
        val id = store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Hoa")), false)
        val whole = store.checkStore(false)
        assertTrue(whole.ok)
        assertTrue(whole.damage.isEmpty())
        assertEquals(1uL, whole.recordsChecked)
        assertEquals(HubContact.NotNeeded, whole.hub)
        store.close()

        // One flipped bit in SQLite's magic string.
        RandomAccessFile(File(dataDir(), "fieldbook.db"), "rw").use { file ->
            file.seek(2)
            val byte = file.read()
            file.seek(2)
            file.write(byte xor 0x01)
        }
        try {
            FieldbookStore.open(dataDir(), keys, Language.ENGLISH)
            fail("a damaged header must not open")
        } catch (e: FieldbookException.Damaged) {
            assertTrue(e.detail, e.detail.contains("damaged"))
        }
        val looked = checkStoreHeader(dataDir(), false, Language.VIETNAMESE)
        assertNotNull(looked)
        assertEquals(DamagedPart.HEADER, looked!!.part)
        assertEquals(Remedy.REBUILDABLE, looked.remedy)
        assertTrue(looked.message, looked.message.contains("Phần đầu tệp"))
        assertEquals(Remedy.REBUILT, checkStoreHeader(dataDir(), true, Language.ENGLISH)!!.remedy)
        assertNull(checkStoreHeader(dataDir(), true, Language.ENGLISH))

        val reopened = FieldbookStore.open(dataDir(), keys, Language.ENGLISH)
        reopened.unlock(pin)
        val report = reopened.checkStore(true)
        assertTrue(report.damage.toString(), report.ok)
        assertEquals(3u, report.teamKeysChecked)
        assertEquals("Hoa", (reopened.get(id).record.values["alias"] as FieldValue.Text).value)
        reopened.close()
    }
}
