package org.fieldbook.desktop.export

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import org.dhatim.fastexcel.reader.ReadableWorkbook
import org.fieldbook.android.state.ExportFormat
import org.fieldbook.android.state.MonthlyReport
import org.fieldbook.android.state.StoreSession
import org.fieldbook.desktop.keys.AesGcmKeyStore
import org.fieldbook.desktop.keys.KeyFiles
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import java.nio.file.Files
import java.time.LocalDate

/** The monthly report's files, from figures the real core computed over real records. */
class ReportFilesTest {
    private val root = Files.createTempDirectory("fieldbook-report").toFile()
    private val session = StoreSession(File(root, "store"), AesGcmKeyStore(KeyFiles(File(root, "keys"))), Language.ENGLISH, Dispatchers.IO)

    @After
    fun tearDown() {
        root.deleteRecursively()
    }

    private fun report(): MonthlyReport {
        val today = LocalDate.now()
        return runBlocking {
            session.create("580314", Role.SUPERVISOR)
            session.call { store ->
                val client = store.add(RecordKind.CLIENT, mapOf("alias" to FieldValue.Text("Anh \"Ba\", chợ Sắt"), "sex" to FieldValue.Choice("male")), false)
                store.add(
                    RecordKind.CONTACT,
                    mapOf(
                        "client_id" to FieldValue.Link(client),
                        "at" to FieldValue.Datetime(today.atTime(9, 30).atOffset(java.time.ZoneOffset.ofHours(7)).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)),
                        "services" to FieldValue.Quantities(listOf(Quantity("syringes", 12u))),
                    ),
                    false,
                )
                val from = today.withDayOfMonth(1).toString()
                MonthlyReport(Language.ENGLISH, store.indicators(from, today.toString(), null), store.monthlyIndicators(from, today.toString(), null))
            }
        }
    }

    @Test
    fun theWorkbookHoldsTheIndicatorsAndTheMonths() {
        val file = File(root, "report.xlsx")
        ReportFiles().write(report(), ExportFormat.XLSX, file)
        ReadableWorkbook(file).use { book ->
            val rows = book.findSheet("indicators").get().read()
            assertEquals(listOf("from", "to", "worker", "indicator", "label", "dimension", "category", "value"), (0 until 8).map { rows[0].getCellText(it) })
            val syringes = rows.first { it.getCellText(3) == "services" && it.getCellText(5) == "quantity" && it.getCellText(6) == "syringes" }
            assertEquals("12", syringes.getCellText(7))
            assertEquals("Services handed out", syringes.getCellText(4))
            val months = book.findSheet("months").get().read()
            assertEquals("unique_clients_reached", months[0].getCellText(2))
            assertEquals("1", months[1].getCellText(2))
        }
        assertTrue("no partial file left behind", root.listFiles()!!.none { it.name.endsWith(".partial") })
    }

    @Test
    fun theCsvHasOneRowPerFigure() {
        val file = File(root, "report.csv")
        ReportFiles().write(report(), ExportFormat.CSV, file)
        val lines = file.readLines()
        assertEquals("from,to,worker,indicator,dimension,category,value", lines.first())
        val today = LocalDate.now()
        assertTrue(lines.contains("${today.withDayOfMonth(1)},$today,,unique_clients_reached,total,,1"))
        assertTrue(lines.contains("${today.withDayOfMonth(1)},$today,,services,quantity,syringes,12"))
        assertTrue("no client's words in the report", lines.none { "Ba" in it })
    }
}
