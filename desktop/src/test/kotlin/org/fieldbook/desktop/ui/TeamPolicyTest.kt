package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onAllNodesWithTag
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * The team's security policy through the screens, against the real core and
 * a real hub: the supervisor, at the office laptop, reads the default,
 * types a value the core refuses (named, with its range, in Vietnamese),
 * then signs 14 days and 8-digit PINs; an outreach worker's phone shows the
 * signed policy after a sync, read-only.
 */
@OptIn(ExperimentalTestApi::class)
class TeamPolicyTest {
    private val team = Team()
    private val phones = mutableListOf<TestComputer>()

    @After
    fun tearDown() {
        phones.forEach(TestComputer::close)
        team.close()
    }

    @Test
    fun theSupervisorSignsThePolicyAndAPhoneShowsItAfterASync() {
        val phone = team.member(Role.OUTREACH, "Điện thoại của Lan").also(phones::add)

        onScreen(team.supervisor, LAPTOP_WIDTH, LAPTOP_HEIGHT) {
            tapTag("nav-policy")
            waitForText("Chưa có chính sách nào được ký: đang dùng mặc định.")
            assertTrue(has("Số ngày không đồng bộ trước khi xóa"))

            // Out of bounds: the core's refusal, and nothing signed.
            replace("policy-offline_erase_days", "365")
            tapTag("policy-sign")
            waitForText("từ 3 đến 90")
            assertEquals(null, runBlocking { team.supervisor.session.call { it.teamPolicy() } }.signedBy)

            replace("policy-offline_erase_days", "14")
            replace("policy-min_pin_digits", "8")
            tapTag("policy-sign")
            waitForText("Đã ký chính sách.")
            waitForText("Thiết bị này đã ký")
        }
        val signed = runBlocking { team.supervisor.session.call { it.teamPolicy() } }
        assertEquals(14u, signed.team.offlineEraseDays)
        assertEquals(8u, signed.team.minPinDigits)

        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            tapTag("nav-sync")
            tapTag("sync-now")
            waitForText("Thành công")
            tapTag("open-policy")
            waitForText("Thiết bị giám sát viên")
            waitForTag("policy-offline_erase_days")
            assertTrue("the phone reads the signed 14 days", has("14"))
            assertTrue("a phone reads the policy, never signs one", onAllNodesWithTag("policy-sign").fetchSemanticsNodes().isEmpty())
        }
        assertEquals(14u, runBlocking { phone.session.call { it.teamPolicy() } }.effective.offlineEraseDays)
    }
}
