package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.performTextClearance
import androidx.compose.ui.test.performTextInput
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.SyncResult
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.SyncPhase
import org.junit.After
import org.junit.Assert.assertFalse
import org.junit.Assert.assertTrue
import org.junit.Test
import java.time.LocalDate

/**
 * An outreach worker's day on a phone-sized screen, against the real core
 * and a real hub: set up with the supervisor's code, a wrong PIN, a new
 * client through the generic form (a required field flagged before
 * saving, a duplicate code warned about), a contact with services and
 * quantities, a referral, and a sync that reports its progress and result
 * honestly, failure included.
 */
@OptIn(ExperimentalTestApi::class)
class OutreachWorkerTest {
    private val team = Team()
    private val phone = TestComputer()

    @After
    fun tearDown() {
        phone.close()
        team.close()
    }

    @Test
    fun setUpRegisterRecordReferAndSync() {
        val code = team.invite(Role.OUTREACH)
        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            // Set up with the supervisor's code.
            waitForText("Thiết lập thiết bị")
            type("setup-code", code)
            type("setup-hub", team.hub.url)
            type("setup-label", "Điện thoại của Lan")
            type("setup-pin", TestComputer.PIN)
            type("setup-pin-again", TestComputer.PIN)
            tap("Tham gia nhóm")
            waitForTag("nav-today")
            waitForText("Không có việc cần theo dõi hôm nay.")

            // A wrong PIN: the tries left, in Vietnamese, and nothing opens.
            tapTag("lock")
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.WRONG_PIN)
            tapTag("unlock-button")
            waitForText("Sai mã PIN. Còn")
            assertTrue(has("lần thử trước khi dữ liệu bị xóa"))
            assertFalse(has("Hôm nay"))
            type("unlock-pin", TestComputer.PIN)
            tapTag("unlock-button")
            waitForTag("nav-today")

            // A new client: the alias is required, flagged as soon as it is left empty.
            tapTag("nav-clients")
            waitForText("Chưa có khách hàng nào")
            tapTag("clients-add")
            field("alias").performTextInput("T")
            field("alias").performTextClearance()
            waitForText("Tên gọi là thông tin bắt buộc")
            save()
            waitForText("Tên gọi là thông tin bắt buộc")
            assertTrue("nothing was saved", runBlocking { phone.session.call { it.clients() } }.clients.isEmpty())
            field("alias").performTextInput("Tuấn")
            field("uic_mother_name").performTextInput("Hoa")
            field("uic_father_name").performTextInput("Minh")
            choose("sex", "Nam")
            field("birth_year").performTextInput("1990")
            field("area").performTextInput("Chợ Sắt")
            save()
            waitForText("Tuấn")
            gone("Tên gọi là thông tin bắt buộc")

            // The same person registered again: warned about as the answers give the same code.
            tap("Thêm khách hàng")
            field("alias").performTextInput("Tuấn B")
            field("uic_mother_name").performTextInput("Hoa")
            field("uic_father_name").performTextInput("Minh")
            choose("sex", "Nam")
            field("birth_year").performTextInput("1990")
            waitForTag("same-code")
            assertTrue(has("Có thể đã có khách hàng này"))
            tap("Mở hồ sơ đã có")

            // The existing client's page: record a contact with services and quantities.
            waitForText("Hồ sơ khách hàng")
            waitForText("Chợ Sắt")
            tap("Thêm…")
            tap("Lần tiếp cận")
            field("place").performTextInput("Gầm cầu Lạc Long")
            choose("visit_type", "Lần đầu")
            field("services-syringes").performTextInput("10")
            field("services-condoms").performTextInput("5")
            field("services-naloxone").performTextInput("2")
            save()
            waitForText("Bơm kim tiêm 10")
            assertTrue(has("Bao cao su 5"))

            // And a referral to methadone, with a follow-up date.
            tap("Thêm…")
            tap("Phiếu chuyển gửi")
            choose("service", "Điều trị methadone (MMT)")
            field("facility").performTextInput("Cơ sở MMT Lê Chân")
            field("date").performTextInput(LocalDate.now().toString())
            field("follow_up_due").performTextInput(LocalDate.now().plusDays(14).toString())
            save()
            // The chosen service shows in the form too: wait for the store, not the text.
            waitUntil("the referral stored", SLOW_MS) {
                runBlocking { phone.session.call { it.list(RecordKind.REFERRAL) } }.records.size == 1
            }
            waitForText("Cơ sở MMT Lê Chân")

            // Sync: progress while it runs, then the result, honestly.
            val seen = mutableListOf<SyncPhase>()
            // A state flow keeps only its latest value: a collector on a busy
            // pool could wake after the push phase has passed. Unconfined, it
            // runs as each phase is set.
            val watcher = CoroutineScope(Dispatchers.Unconfined)
            watcher.launch { phone.app.sync.state.collect { s -> s.progress?.let { synchronized(seen) { seen += it.phase } } } }
            tapTag("nav-sync")
            tapTag("sync-now")
            waitForText("Thành công")
            val pushed = (phone.app.sync.state.value.last as SyncResult.Finished).summary.pushed
            assertTrue("pushed $pushed", pushed >= 3u)
            assertTrue(has("Đã gửi $pushed"))
            watcher.cancel()
            assertTrue("the push reported progress: $seen", synchronized(seen) { SyncPhase.PUSH in seen })

            // The hub is gone: the result says so, not "success".
            team.hub.close()
            tapTag("sync-now")
            waitForText("Chưa thành công")
            val last = phone.app.sync.state.value.last as SyncResult.Finished
            assertFalse(last.summary.ok)
            assertTrue("the core's message is shown", last.summary.errors.all { has(it.take(30)) })
        }
    }
}
