package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import java.time.LocalDate

/** A peer group leader logs a meeting; case notes are out of reach, on screen and in the store. */
@OptIn(ExperimentalTestApi::class)
class PeerLeaderTest {
    private val team = Team()
    private val caseManager = team.member(Role.CASE_MANAGER, "Máy quản lý ca")
    private val phone = team.member(Role.PEER_LEADER, "Máy trưởng nhóm")

    @After
    fun tearDown() {
        phone.close()
        caseManager.close()
        team.close()
    }

    @Test
    fun logsAMeetingAndNeverReachesCaseNotes() {
        // A client with a case note and a follow-up today, written by the case manager and synced.
        val client = caseManager.add(RecordKind.CLIENT, "alias" to text("Anh Hùng"))
        caseManager.add(
            RecordKind.CASE_NOTE,
            "client_id" to link(client), "date" to date(LocalDate.now().toString()),
            "narrative" to text("Nội dung nhạy cảm"), "next_follow_up" to date(LocalDate.now().toString()),
        )
        assertTrue(caseManager.syncNow().let { it is org.fieldbook.android.state.SyncResult.Finished && it.summary.ok })
        assertTrue(phone.syncNow().let { it is org.fieldbook.android.state.SyncResult.Finished && it.summary.ok })

        // The app as the person finds it when they pick up the phone: locked.
        runBlocking { phone.session.lock() }
        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.PIN)
            tapTag("unlock-button")
            waitForTag("nav-meetings")
            // The case note's follow-up is not this role's to see.
            waitForText("Không có việc cần theo dõi hôm nay.")

            tapTag("nav-meetings")
            waitForText("Chưa có buổi sinh hoạt nào được ghi.")
            tap("Ghi buổi sinh hoạt")
            field("group_name").performTextInput("Nhóm Bình Minh")
            field("date").performTextInput(LocalDate.now().toString())
            field("place").performTextInput("Nhà văn hóa phường")
            field("facilitator").performTextInput("Anh Dũng")
            field("attendance_total").performTextInput("12")
            field("attendance_women").performTextInput("4")
            choose("topics", "Phòng ngừa tái nghiện")
            field("decisions").performTextInput("Họp tiếp vào tuần sau")
            save()
            waitForText("Nhóm Bình Minh")
            assertTrue(has("Nhà văn hóa phường"))

            // A client's page offers contacts, referrals and meetings, never a case note.
            tapTag("nav-clients")
            tap("Anh Hùng")
            waitForText("Chưa có hoạt động nào với khách hàng này.")
            tap("Thêm…")
            waitForText("Lần tiếp cận")
            assertTrue(has("Phiếu chuyển gửi"))
            assertTrue(has("Sinh hoạt nhóm đồng đẳng"))
            assertFalse(has("Ghi chép quản lý ca"))
            assertFalse(has("Nội dung nhạy cảm"))
        }
        val meeting = runBlocking { phone.session.call { it.list(RecordKind.MEETING) } }.records.single()
        assertEquals(FieldValue.Integer(12), meeting.values["attendance_total"])
        // Not hidden by the screens only: the store itself refuses.
        val refused = runCatching { runBlocking { phone.session.call { it.list(RecordKind.CASE_NOTE) } } }
        assertTrue(refused.isFailure || refused.getOrThrow().records.isEmpty())
        assertTrue(refused.exceptionOrNull()?.let { it is FieldbookException } ?: true)
    }
}
