package org.fieldbook.desktop.ui

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.performTextInput
import kotlinx.coroutines.runBlocking
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Test
import java.time.LocalDate

/**
 * A case manager writes a case note over the six assessment domains with
 * a follow-up date; the follow-up then appears on Today.
 */
@OptIn(ExperimentalTestApi::class)
class CaseManagerTest {
    private val team = Team()
    private val phone = team.member(Role.CASE_MANAGER, "Máy của chị Hạnh")

    @After
    fun tearDown() {
        phone.close()
        team.close()
    }

    @Test
    fun aCaseNoteOverSixDomainsPutsItsFollowUpOnToday() {
        phone.add(RecordKind.CLIENT, "alias" to text("Chị Mai"), "area" to text("Phường Cát Dài"))
        val today = LocalDate.now().toString()
        // The app as the person finds it when they pick up the phone: locked.
        runBlocking { phone.session.lock() }
        onScreen(phone, PHONE_WIDTH, PHONE_HEIGHT) {
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.PIN)
            tapTag("unlock-button")
            waitForText("Không có việc cần theo dõi hôm nay.")

            tapTag("nav-clients")
            tap("Chị Mai")
            tap("Thêm…")
            tap("Ghi chép quản lý ca")
            field("date").performTextInput(today)
            val domains = listOf("drug_use", "physical_health", "mental_health", "employment", "family_social", "legal")
            val ratings = listOf("Trung bình", "Nhẹ", "Nghiêm trọng", "Trung bình", "Nhẹ", "Không có vấn đề")
            domains.zip(ratings).forEach { (domain, rating) ->
                choose("${domain}_rating", rating)
                field("${domain}_narrative").performTextInput("Nhận định về $domain")
            }
            field("goals").performTextInput("Giảm liều, quay lại làm việc")
            field("plan").performTextInput("Chuyển gửi tư vấn tâm lý; thăm gia đình")
            field("next_follow_up").performTextInput(today)
            save()
            waitForText("Ghi chép quản lý ca")

            tapTag("nav-today")
            waitForText("Đến hạn hôm nay")
            waitForText("Hẹn theo dõi ca")
            waitForText("Chị Mai")
        }
        val note = runBlocking { phone.session.call { it.list(RecordKind.CASE_NOTE) } }.records.single()
        assertEquals(FieldValue.Choice("4"), note.values["mental_health_rating"])
        assertEquals(FieldValue.Date(today), note.values["next_follow_up"])
        assertEquals(6, note.values.keys.count { it.endsWith("_narrative") })
    }
}
