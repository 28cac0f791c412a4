package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.hasContentDescription
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.semantics.getOrNull
import androidx.compose.ui.test.onNodeWithTag
import kotlinx.coroutines.runBlocking
import org.dhatim.fastexcel.reader.ReadableWorkbook
import org.fieldbook.android.state.SyncResult
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File
import java.time.LocalDate
import java.time.OffsetDateTime
import java.time.temporal.ChronoUnit

/**
 * The supervisor at the office, in the desktop app's window: syncs the
 * team's records, reads indicators and a chart for a period, the overdue
 * list by worker, invites and revokes a device, and exports the workbook.
 */
@OptIn(ExperimentalTestApi::class)
class SupervisorTest {
    private val team = Team()
    private val outreach = team.member(Role.OUTREACH, "Điện thoại của Lan")
    private val supervisor = team.supervisor

    @After
    fun tearDown() {
        outreach.close()
        team.close()
    }

    @Test
    fun indicatorsOverdueDevicesAndTheWorkbook() {
        // The outreach worker's month, synced to the hub.
        val today = LocalDate.now()
        val now = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)
        val tuan = outreach.add(RecordKind.CLIENT, "alias" to text("Tuấn"), "sex" to choice("male"), "birth_year" to FieldValue.Integer(1990))
        val mai = outreach.add(RecordKind.CLIENT, "alias" to text("Chị Mai"), "sex" to choice("female"), "birth_year" to FieldValue.Integer(1985))
        for (client in listOf(tuan, mai)) {
            outreach.add(
                RecordKind.CONTACT,
                "client_id" to link(client), "at" to FieldValue.Datetime(now.format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)), "place" to text("Chợ Sắt"),
                "services" to FieldValue.Quantities(listOf(Quantity("syringes", 10u), Quantity("condoms", 4u))),
            )
        }
        outreach.add(
            RecordKind.REFERRAL,
            "client_id" to link(tuan), "service" to choice("methadone"), "status" to choice("sent"),
            "date" to date(today.minusDays(20).toString()), "follow_up_due" to date(today.minusDays(6).toString()),
        )
        assertTrue((outreach.syncNow() as SyncResult.Finished).summary.ok)
        val outreachId = runBlocking { outreach.session.call { it.identity().deviceId } }

        onScreen(supervisor, LAPTOP_WIDTH, LAPTOP_HEIGHT) {
            // The rail's sync: the team's records arrive, the result says how many.
            waitForTag("nav-sync")
            tapTag("nav-sync")
            tapTag("sync-now")
            waitForText("Thành công")
            assertTrue(has("đã nhận"))

            // Indicators for a period, with their charts.
            tapTag("nav-indicators")
            replace("period-from", today.withDayOfMonth(1).minusMonths(2).toString())
            replace("period-to", today.toString())
            tapTag("period-apply")
            waitForText("Khách hàng được tiếp cận")
            waitForTag("charts")
            waitUntil("a chart that reads its values", SLOW_MS) {
                onAllNodes(hasContentDescription("Biểu đồ cột theo tháng", substring = true)).fetchSemanticsNodes().isNotEmpty()
            }
            val totals = runBlocking { supervisor.session.call { it.indicators(today.withDayOfMonth(1).minusMonths(2).toString(), today.toString(), null) } }
            assertEquals(2uL, totals.uniqueClientsReached.total)
            assertTrue(has("Bơm kim tiêm: 20"))

            // The overdue list by worker: the referral past its follow-up, under the worker's name.
            tapTag("nav-overdue")
            waitForText("Điện thoại của Lan (1)")
            waitForText("Quá hạn 6 ngày")
            tap("Tuấn · Điều trị methadone (MMT)")
            waitForText("Hồ sơ khách hàng")

            // Devices: invite (the code shown once), then revoke the outreach phone.
            tapTag("nav-devices")
            waitForText("Điện thoại của Lan")
            tap("Mời thiết bị mới")
            waitForTag("invitation-code")
            val code = onNodeWithTag("invitation-code").fetchSemanticsNode().config
                .getOrNull(SemanticsProperties.Text)?.joinToString("") { it.text }.orEmpty()
            assertTrue("a code was shown: '$code'", code.length > 10)
            tap("Đóng")
            gone(code)
            tapTag("revoke-$outreachId")
            waitForText("Thu hồi thiết bị này?")
            tapTag("revoke-confirm")
            waitForText("Đã thu hồi. Nhóm dùng khóa thế hệ")
            waitForText("Đã thu hồi ·")

            // The monthly workbook, written where the supervisor says.
            tapTag("nav-export")
            replace("export-from", today.withDayOfMonth(1).minusMonths(2).toString())
            replace("export-to", today.toString())
            replace("export-folder", supervisor.exports.path)
            tapTag("export-xlsx")
            waitForTag("export-written")
            tapTag("export-csv")
            waitForText(".csv")
        }
        val name = "fieldbook-${today.withDayOfMonth(1).minusMonths(2)}-$today"
        val workbook = File(supervisor.exports, "$name.xlsx")
        ReadableWorkbook(workbook).use { book ->
            val rows = book.findSheet("indicators").get().read()
            val reached = rows.first { it.getCellText(3) == "unique_clients_reached" && it.getCellText(5) == "total" }
            assertEquals("2", reached.getCellText(7))
            assertEquals("Số khách hàng được tiếp cận", reached.getCellText(4))
            assertTrue(book.findSheet("months").isPresent)
        }
        val csv = File(supervisor.exports, "$name.csv").readLines()
        assertEquals("from,to,worker,indicator,dimension,category,value", csv.first())
        assertTrue(csv.contains("${today.withDayOfMonth(1).minusMonths(2)},$today,,services,quantity,syringes,20"))
    }
}
