package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.onAllNodesWithTag
import kotlinx.coroutines.runBlocking
import org.fieldbook.android.state.SessionState
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNotEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/**
 * A worker readies a phone for a checkpoint, against the real core and a
 * real hub: sets a duress PIN (a weak one refused in Vietnamese, two that
 * differ caught), hides the app with one tap, and at the unlock screen
 * types the duress PIN, which opens an empty store of the same role. The
 * offline warning above the main screens, gone after a sync. On a laptop,
 * quick-hide sits on the rail.
 */
@OptIn(ExperimentalTestApi::class)
class SeizedDeviceTest {
    private val team = Team()
    private val phones = mutableListOf<TestComputer>()

    @After
    fun tearDown() {
        phones.forEach(TestComputer::close)
        team.close()
    }

    @Test
    fun duressPinQuickHideAndTheDuressUnlockOnAPhone() {
        val phone = team.member(Role.OUTREACH, "Điện thoại của Lan").also(phones::add)
        phone.add(RecordKind.CLIENT, "alias" to text("Tuấn"))
        val real = (phone.session.state.value as SessionState.Unlocked).identity

        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            waitForTag("nav-today")
            assertTrue("a device just enrolled has no offline warning", onAllNodesWithTag("offline-warning").fetchSemanticsNodes().isEmpty())

            // From the sync screen to the duress PIN, explained plainly.
            tapTag("nav-sync")
            tapTag("open-duress-pin")
            waitForText("Chưa đặt mã PIN khẩn cấp.")
            assertTrue(has("Mọi hồ sơ trên thiết bị sẽ bị xóa mà không để lại dấu hiệu nào"))

            // A common PIN: the core's refusal, in Vietnamese, and nothing set.
            type("duress-pin", "123456")
            type("duress-pin-again", "123456")
            tapTag("duress-save")
            waitForText("Mã PIN quá dễ đoán")
            assertFalse(runBlocking { phone.session.call { it.hasDuressPin() } })

            // Two that differ: caught on the screen.
            type("duress-pin", DURESS)
            type("duress-pin-again", "731950")
            tapTag("duress-save")
            waitForText("Hai mã PIN không giống nhau")
            assertFalse(runBlocking { phone.session.call { it.hasDuressPin() } })

            // The same PIN twice: saved, and the screen offers to change or remove it.
            type("duress-pin", DURESS)
            type("duress-pin-again", DURESS)
            tapTag("duress-save")
            waitForText("Đã lưu mã PIN khẩn cấp")
            waitForText("Đã đặt mã PIN khẩn cấp.")
            assertTrue(has("Đổi mã PIN khẩn cấp"))
            assertTrue(has("Bỏ mã PIN khẩn cấp"))
            assertTrue(runBlocking { phone.session.call { it.hasDuressPin() } })

            // Quick-hide: a neutral screen at once, with nothing of the app's
            // screens, and the store locked behind it (off the main thread).
            tapTag("hide-now")
            waitForTag("hidden-cover")
            waitUntil("the store locked behind the cover", SLOW_MS) { phone.session.state.value == SessionState.Locked }
            assertFalse(has("Mã PIN khẩn cấp"))
            assertTrue(onAllNodesWithTag("unlock-pin").fetchSemanticsNodes().isEmpty())

            // A tap brings the unlock screen; the duress PIN opens an empty store like any PIN.
            tapTag("hidden-cover")
            waitForTag("unlock-pin")
            type("unlock-pin", DURESS)
            tapTag("unlock-button")
            waitForTag("nav-today")
            tapTag("nav-clients")
            waitForText("Chưa có khách hàng nào")
            val empty = (phone.session.state.value as SessionState.Unlocked).identity
            assertEquals(real.role, empty.role)
            assertNotEquals(real.deviceId, empty.deviceId)

            // The real PIN is now just a wrong one.
            tapTag("lock")
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.PIN)
            tapTag("unlock-button")
            waitForText("Sai mã PIN. Còn")
        }
    }

    @Test
    fun theOfflineWarningCountsTheDaysAndGoesAfterASync() {
        val phone = team.member(Role.OUTREACH, "Điện thoại của Lan").also(phones::add)
        phone.lastReachedHub(daysAgo = 25)
        val status = phone.session.offline.value!!
        assertTrue("the core warns from a week before the erase: $status", status.warn)
        assertEquals(25u, status.daysOffline)

        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            waitForTag("offline-warning")
            waitForText("Đã 25 ngày chưa đồng bộ. Hãy đồng bộ trong vòng ${status.daysLeft} ngày")
            // On every main screen, not only today's.
            tapTag("nav-clients")
            waitForTag("offline-warning")
            tapTag("nav-sync")
            tapTag("sync-now")
            waitUntil("the warning gone after the sync", SLOW_MS) { onAllNodesWithTag("offline-warning").fetchSemanticsNodes().isEmpty() }
        }
        assertEquals(0u, phone.session.offline.value!!.daysOffline)
    }

    @Test
    fun onALaptopQuickHideIsOnTheRailAndTheDuressPinBesideSync() {
        onScreen(team.supervisor, LAPTOP_WIDTH, LAPTOP_HEIGHT) {
            waitForTag("nav-sync")
            tapTag("nav-sync")
            tapTag("open-duress-pin")
            waitForText("Chưa đặt mã PIN khẩn cấp.")
            tapTag("hide-now")
            waitForTag("hidden-cover")
            // The cover comes at once; the lock follows off the main thread
            // (after a store call in flight), so it is waited for.
            waitUntil("the store locked behind the cover", SLOW_MS) { team.supervisor.session.state.value == SessionState.Locked }
            tapTag("hidden-cover")
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.PIN)
            tapTag("unlock-button")
            waitForTag("nav-today")
        }
    }

    companion object {
        const val DURESS = "605814"
    }
}
