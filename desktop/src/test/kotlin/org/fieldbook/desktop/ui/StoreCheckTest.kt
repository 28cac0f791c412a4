package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Test

/**
 * A worker checks the phone's stored data from the sync screen, against the
 * real core and a real hub: a whole store checks out, in Vietnamese, with
 * what was read counted.
 */
@OptIn(ExperimentalTestApi::class)
class StoreCheckTest {
    private val team = Team()
    private val phones = mutableListOf<TestComputer>()

    @After
    fun tearDown() {
        phones.forEach(TestComputer::close)
        team.close()
    }

    @Test
    fun aWorkerChecksThePhonesStoredDataFromTheSyncScreen() {
        val phone = team.member(Role.OUTREACH, "Điện thoại của Lan").also(phones::add)
        phone.add(RecordKind.CLIENT, "alias" to text("Tuấn"))

        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            tapTag("nav-sync")
            tapTag("open-store-check")
            waitForText("Đọc mọi hồ sơ, phiên bản và khóa")
            tapTag("check-run")
            waitForTag("check-ok-true")
            waitForText("Không có gì bị hỏng.")
            waitForText("Đã kiểm tra 1 hồ sơ")
        }
    }
}
