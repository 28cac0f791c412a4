package org.fieldbook.desktop.screenshots

import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.toAwtImage
import androidx.compose.ui.semantics.ProgressBarRangeInfo
import androidx.compose.ui.semantics.SemanticsProperties
import androidx.compose.ui.test.SemanticsMatcher
import androidx.compose.ui.test.DesktopComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.SkikoComposeUiTest
import androidx.compose.ui.test.hasTestTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onRoot
import androidx.compose.ui.test.performMouseInput
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performScrollToIndex
import androidx.compose.ui.test.performScrollToNode
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.unit.Density
import kotlinx.coroutines.runBlocking
import org.fieldbook.desktop.ui.LAPTOP_HEIGHT
import org.fieldbook.desktop.ui.LAPTOP_WIDTH
import org.fieldbook.desktop.ui.PHONE_HEIGHT
import org.fieldbook.desktop.ui.PHONE_WIDTH
import org.fieldbook.desktop.ui.TestComputer
import org.fieldbook.desktop.ui.choose
import org.fieldbook.desktop.ui.field
import org.fieldbook.desktop.ui.replace
import org.fieldbook.desktop.ui.syncNow
import org.fieldbook.desktop.ui.tap
import org.fieldbook.desktop.ui.threadDump
import org.fieldbook.desktop.ui.tapTag
import org.fieldbook.desktop.ui.type
import org.fieldbook.desktop.ui.waitForTag
import org.fieldbook.desktop.ui.waitForText
import org.fieldbook.ffi.Language
import org.fieldbook.ui.FieldbookApp
import org.fieldbook.ui.FieldbookTheme
import java.io.File
import java.time.LocalDate
import javax.imageio.ImageIO
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.system.exitProcess

/**
 * Renders every screen offscreen (Compose's test scene, the same drawing as
 * a window) with a team's half year of work, at a phone's size and at the
 * desktop window's, in Vietnamese and in English:
 * OUT/<size>-<screen>-vi.png and -en.png.
 * Usage: java … org.fieldbook.desktop.screenshots.ScreenshotsKt OUT_DIR
 */
fun main(args: Array<String>) {
    val out = File(args.singleOrNull() ?: run {
        System.err.println("usage: Screenshots OUT_DIR")
        exitProcess(2)
    })
    out.mkdirs()
    val written = DemoTeam().use { demo ->
        demo.seed()
        Studio(out).run {
            phone(demo)
            laptop(demo)
            trust(demo)
            written
        }
    }
    println("screenshots: ${written.size} files in $out")
    exitProcess(0)
}

/** The duress PIN the pictures set (and remove again). */
private const val DURESS_PIN = "605814"

/** Pixels per dp: a phone's screen is dense; the laptop's window is drawn at 1:1. */
private const val PHONE_DENSITY = 2f
private const val LAPTOP_DENSITY = 1f

@OptIn(ExperimentalTestApi::class)
private class Studio(private val out: File) {
    val written = mutableListOf<File>()

    /** One screen in both languages: [ready] names a text each language shows once the screen is drawn. */
    fun SkikoComposeUiTest.shoot(computer: TestComputer, name: String, vi: String, en: String) {
        for ((language, marker) in listOf(Language.VIETNAMESE to vi, Language.ENGLISH to en)) {
            computer.session.setLanguage(language)
            waitForText(marker)
            // Whatever was loading has loaded (a language switch reloads the labels).
            runCatching { waitUntil(timeoutMillis = 30_000) { onAllNodes(busy).fetchSemanticsNodes().isEmpty() } }
            // No pointer left over a row: a hover highlight is not part of the screen.
            runCatching { onRoot().performMouseInput { moveTo(Offset(1f, 1f)) } }
            waitForIdle()
            val file = File(out, "$name-${if (language == Language.VIETNAMESE) "vi" else "en"}.png")
            ImageIO.write(captureToImage().toAwtImage(), "png", file)
            written += file
        }
        check(name)
        computer.session.setLanguage(Language.VIETNAMESE)
        waitForIdle()
    }

    /**
     * One picture of a screen whose words come partly from the core in the
     * language the device was set up in (a refused setup): each language
     * on a computer of its own, drawn by [block].
     */
    fun shootEach(name: String, width: Int, height: Int, density: Float, block: SkikoComposeUiTest.(TestComputer, Language) -> Unit) {
        for (language in listOf(Language.VIETNAMESE, Language.ENGLISH)) {
            val computer = TestComputer(language)
            try {
                screen(computer, width, height, density) {
                    block(computer, language)
                    runCatching { onRoot().performMouseInput { moveTo(Offset(1f, 1f)) } }
                    waitForIdle()
                    val file = File(out, "$name-${if (language == Language.VIETNAMESE) "vi" else "en"}.png")
                    ImageIO.write(captureToImage().toAwtImage(), "png", file)
                    written += file
                }
            } finally {
                computer.close()
            }
        }
        check(name)
    }

    /**
     * One picture for a screen with no words of either language (the
     * quick-hide cover): OUT/<name>.png, checked only for not being blank.
     */
    fun SkikoComposeUiTest.shootWordless(name: String) {
        runCatching { onRoot().performMouseInput { moveTo(Offset(1f, 1f)) } }
        waitForIdle()
        val file = File(out, "$name.png")
        val image = captureToImage().toAwtImage()
        ImageIO.write(image, "png", file)
        written += file
        val picture = ImageIO.read(file)
        val colours = (0 until picture.height step 4).flatMap { y -> (0 until picture.width step 4).map { x -> picture.getRGB(x, y) } }.toSet().size
        check(colours > 8) { "$name: a blank picture" }
    }

    /** A progress indicator that turns without end: something is still loading. */
    private val busy = SemanticsMatcher.expectValue(SemanticsProperties.ProgressBarRangeInfo, ProgressBarRangeInfo.Indeterminate)

    /** Neither picture blank, and the two languages differ: what the issue asks of every screen. */
    private fun check(name: String) {
        val (vi, en) = listOf("vi", "en").map { ImageIO.read(File(out, "$name-$it.png")) }
        fun colours(image: java.awt.image.BufferedImage) =
            (0 until image.height step 4).flatMap { y -> (0 until image.width step 4).map { x -> image.getRGB(x, y) } }.toSet().size
        check(colours(vi) > 8 && colours(en) > 8) { "$name: a blank picture" }
        val same = vi.width == en.width && vi.height == en.height &&
            (0 until vi.height).all { y -> (0 until vi.width).all { x -> vi.getRGB(x, y) == en.getRGB(x, y) } }
        check(!same) { "$name: the same picture in both languages" }
    }

    fun screen(computer: TestComputer, width: Int, height: Int, density: Float, block: SkikoComposeUiTest.() -> Unit) {
        DesktopComposeUiTest((width * density).toInt(), (height * density).toInt(), EmptyCoroutineContext, Density(density)).runTest {
            setContent { FieldbookTheme(dark = false) { FieldbookApp(computer.app.services) } }
            try {
                block()
            } catch (e: Throwable) {
                // What the screen showed when a step failed, beside the pictures (not one of them).
                val file = File(out.parentFile ?: out, "screenshots-failure.png")
                runCatching { ImageIO.write(captureToImage().toAwtImage(), "png", file) }
                // Where every thread was: a screen that waits forever shows who it waits for.
                runCatching { File(file.path.removeSuffix(".png") + "-threads.txt").writeText(threadDump()) }
                throw AssertionError("${e.message} (the screen: $file)", e)
            }
        }
    }

    fun SkikoComposeUiTest.unlock() {
        waitForTag("unlock-pin")
        type("unlock-pin", TestComputer.PIN)
        tapTag("unlock-button")
        waitForTag("nav-today")
    }

    fun phone(demo: DemoTeam) {
        val fresh = TestComputer()
        try {
            screen(fresh, PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) {
                shoot(fresh, "phone-setup", "Thiết lập thiết bị", "Set up this device")
            }
        } finally {
            fresh.close()
        }
        val lan = demo.outreach
        runBlocking { lan.session.lock() }
        screen(lan, PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) {
            waitForTag("unlock-pin")
            type("unlock-pin", TestComputer.WRONG_PIN)
            tapTag("unlock-button")
            shoot(lan, "phone-unlock-wrong-pin", "Sai mã PIN", "Wrong PIN")
            unlock()
            shoot(lan, "phone-today", "Quá hạn", "Overdue")
            tapTag("nav-clients")
            shoot(lan, "phone-clients", "Bé Na", "Bé Na")
            tap("Tuấn")
            shoot(lan, "phone-client", "Hoạt động", "Activity")
            tap("Thêm…")
            tap("Lần tiếp cận")
            waitForTag("form-list")
            field("place").performTextInput("Gầm cầu Lạc Long")
            choose("visit_type", "Tiếp cận lại")
            field("services-syringes").performTextInput("10")
            field("services-condoms").performTextInput("6")
            field("services-naloxone").performTextInput("2")
            // The place at the top, the services below it.
            onNodeWithTag("form-list").performScrollToNode(hasTestTag("field-place"))
            onNodeWithTag("form-list").performScrollToIndex(3)
            shoot(lan, "phone-contact-form", "Bơm kim tiêm", "Syringes")
            tapTag("nav-back")
            // The contact form the supervisor published from a province's
            // workbook (sections, a note, a district list that follows the
            // province, a phone number), drawn after the phone's sync.
            val workbook = File("xlsform/tests/fixtures/contact-v2-sections.xlsx").readBytes()
            runBlocking { demo.supervisor.session.call { it.publishFormWorkbook(workbook, Language.VIETNAMESE) } }
            val synced = lan.syncNow()
            require(synced is org.fieldbook.android.state.SyncResult.Finished && synced.summary.ok) { "the phone's sync: $synced" }
            tap("Thêm…")
            tap("Lần tiếp cận")
            choose("setting", "Điểm nóng")
            field("hotspot_name").performTextInput("Gầm cầu Lạc Long")
            field("province")
            tapTag("menu-province")
            tap("Hà Nội")
            choose("district", "Hoàn Kiếm")
            field("callback").performTextInput("024 3826 0000")
            onNodeWithTag("form-list").performScrollToNode(hasTestTag("field-consent_note"))
            shoot(lan, "phone-contact-form-sections", "Khu vực", "Area")
            tapTag("nav-back")
            tapTag("nav-back")
            tap("Thêm khách hàng")
            field("alias").performTextInput("Tuấn Gầy")
            field("uic_mother_name").performTextInput("Hoa")
            field("uic_father_name").performTextInput("Minh")
            choose("sex", "Nam")
            field("birth_year").performTextInput("1990")
            waitForTag("same-code")
            shoot(lan, "phone-client-duplicate", "Có thể đã có khách hàng này", "This client may exist already")
            tapTag("nav-back")
            tapTag("nav-referrals")
            shoot(lan, "phone-referrals", "Đã chuyển gửi", "Sent")
            tapTag("nav-meetings")
            shoot(lan, "phone-meetings", "Nhóm Bình Minh", "Nhóm Bình Minh")
            tapTag("nav-sync")
            tapTag("sync-now")
            shoot(lan, "phone-sync", "Thành công", "Succeeded")
            // The duress PIN, set from the sync screen.
            tapTag("open-duress-pin")
            type("duress-pin", DURESS_PIN)
            type("duress-pin-again", DURESS_PIN)
            tapTag("duress-save")
            shoot(lan, "phone-duress-pin", "Đã lưu mã PIN khẩn cấp", "Duress PIN saved")
            tapTag("duress-remove")
            waitForText("Đã bỏ mã PIN khẩn cấp")
            // The team's policy, read-only on a worker's phone.
            tapTag("nav-back")
            tapTag("open-policy")
            shoot(lan, "phone-policy", "Số ngày không đồng bộ trước khi xóa", "Days without sync before erase")
            tapTag("nav-back")
            // The stored data checked, from the same screen.
            tapTag("open-store-check")
            tapTag("check-run")
            shoot(lan, "phone-store-check", "Không có gì bị hỏng", "Nothing is damaged")
            tapTag("nav-back")
            // Quick-hide: locked, and a cover with nothing of the app's screens.
            tapTag("hide-now")
            waitForTag("hidden-cover")
            shootWordless("phone-hidden")
            tapTag("hidden-cover")
            // Three weeks and more away from the hub: the warning above the main screens.
            lan.lastReachedHub(daysAgo = 25)
            unlock()
            waitForTag("offline-warning")
            shoot(lan, "phone-offline-warning", "Đã 25 ngày chưa đồng bộ", "Not synced for 25 days")
        }
        val hanh = demo.caseManager
        runBlocking { hanh.session.lock() }
        screen(hanh, PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) {
            unlock()
            tapTag("nav-clients")
            tap("Tuấn")
            tap("Thêm…")
            tap("Ghi chép quản lý ca")
            field("date").performTextInput(LocalDate.now().toString())
            field("narrative").performTextInput("Gặp tại nhà, có mẹ cùng tham gia")
            choose("drug_use_rating", "Trung bình")
            field("drug_use_narrative").performTextInput("Đã giảm còn hai lần mỗi ngày")
            choose("physical_health_rating", "Nhẹ")
            shoot(hanh, "phone-case-note-form", "Sử dụng ma túy", "Drug use")
        }
        val sup = demo.supervisor
        runBlocking { sup.session.lock() }
        screen(sup, PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) {
            unlock()
            tapTag("nav-team")
            shoot(sup, "phone-team", "Thiết bị", "Devices")
            tap("Chỉ số theo kỳ")
            shoot(sup, "phone-indicators", "Theo tháng", "By month")
        }
    }

    /** Where the supervisor's export goes in the pictures: a folder with a Vietnamese name, as on their laptop. */
    private val reports = File(System.getProperty("java.io.tmpdir"), "Báo cáo tháng").apply { mkdirs() }

    fun laptop(demo: DemoTeam) {
        val sup = demo.supervisor
        runBlocking { sup.session.lock() }
        screen(sup, LAPTOP_WIDTH, LAPTOP_HEIGHT, LAPTOP_DENSITY) {
            shoot(sup, "desktop-unlock", "Nhập mã PIN", "Enter your PIN")
            unlock()
            tap("Tuấn · Điều trị methadone (MMT)")
            shoot(sup, "desktop-today", "Hoạt động", "Activity")
            tapTag("nav-indicators")
            shoot(sup, "desktop-indicators", "Theo tháng", "By month")
            tapTag("nav-overdue")
            shoot(sup, "desktop-overdue", "Điện thoại của Lan", "Điện thoại của Lan")
            tapTag("nav-referrals")
            tap("Chị Mai · Đã hoàn thành")
            shoot(sup, "desktop-referral", "Cơ sở tiếp nhận", "Receiving facility")
            tapTag("nav-devices")
            shoot(sup, "desktop-devices", "Máy anh Dũng", "Máy anh Dũng")
            tapTag("nav-policy")
            shoot(sup, "desktop-policy", "Số ngày không đồng bộ trước khi xóa", "Days without sync before erase")
            // The team's forms: the contact form this laptop published from
            // the province's workbook (in the phone's pictures), in use; a
            // workbook with a mistake refused at its cell.
            tapTag("nav-forms")
            waitForTag("forms-version-contact-2")
            val broken = File(reports, "biểu mẫu lỗi.xlsx").apply { writeText("không phải tệp Excel") }
            replace("forms-workbook", broken.path)
            tapTag("forms-import")
            waitForTag("forms-status")
            shoot(sup, "desktop-forms", "Biểu mẫu của nhóm", "Team forms")
            tapTag("nav-export")
            replace("export-folder", reports.path)
            tapTag("export-xlsx")
            waitForTag("export-written")
            shoot(sup, "desktop-export", "Đã lưu", "Saved")
            tapTag("nav-sync")
            tapTag("sync-now")
            shoot(sup, "desktop-sync", "Thành công", "Succeeded")
            tapTag("open-duress-pin")
            shoot(sup, "desktop-duress-pin", "Chưa đặt mã PIN khẩn cấp.", "No duress PIN is set.")
            // The offline warning beside the rail; a sync clears it for the pictures after.
            sup.lastReachedHub(daysAgo = 25)
            tapTag("nav-today")
            waitForTag("offline-warning")
            shoot(sup, "desktop-offline-warning", "Đã 25 ngày chưa đồng bộ", "Not synced for 25 days")
            tapTag("nav-sync")
            // Sync's stack still shows the duress PIN screen: a second tap goes back to its root.
            tapTag("nav-sync")
            tapTag("sync-now")
            waitUntil(timeoutMillis = 60_000) { onAllNodes(hasTestTag("offline-warning")).fetchSemanticsNodes().isEmpty() }
        }
        reports.deleteRecursively()
    }

    /**
     * What the screens say of the team's signed roster: a founder whose
     * roster the hub lost at enrollment signs it at its first sync and is
     * told so; then the demo team's hub is breached (last, as it spoils the
     * hub for anything after): a device no supervisor signed on the devices
     * screen, and a phone's setup refused because the hub hides the roster.
     */
    fun trust(demo: DemoTeam) {
        org.fieldbook.android.state.LocalHub.start().use { hub ->
            val code = hub.createTeam("Hải Phòng")
            val founder = TestComputer(syncEvery = kotlin.time.Duration.parse("15m"))
            try {
                hub.refuseRosterWrites()
                founder.enroll(code, hub.url, "Máy văn phòng")
                hub.acceptRosterWrites()
                screen(founder, LAPTOP_WIDTH, LAPTOP_HEIGHT, LAPTOP_DENSITY) {
                    tapTag("nav-sync")
                    tapTag("sync-now")
                    waitForTag("sync-warnings")
                    shoot(founder, "desktop-sync-warnings", "Cần biết", "Good to know")
                }
            } finally {
                founder.close()
            }
        }

        val sup = demo.supervisor
        val codes = List(2) { runBlocking { sup.session.call { it.invite(org.fieldbook.ffi.Role.OUTREACH, 7u) }.code } }
        demo.team.hub.plantDevice("Máy lạ")
        screen(sup, LAPTOP_WIDTH, LAPTOP_HEIGHT, LAPTOP_DENSITY) {
            tapTag("nav-devices")
            waitForText("Máy lạ")
            shoot(sup, "desktop-devices-unverified", "Chưa xác minh", "Unverified")
        }
        // A common PIN refused as a duress PIN, in the words of the core in each language.
        shootEach("phone-duress-pin-refused", PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) { phone, _ ->
            runBlocking { phone.session.create(TestComputer.PIN, org.fieldbook.ffi.Role.OUTREACH) }
            tapTag("nav-sync")
            tapTag("open-duress-pin")
            type("duress-pin", "123456")
            type("duress-pin-again", "123456")
            tapTag("duress-save")
            waitForTag("error")
        }
        demo.team.hub.hideRoster()
        val codeFor = mapOf(Language.VIETNAMESE to codes[0], Language.ENGLISH to codes[1])
        shootEach("phone-setup-untrusted", PHONE_WIDTH, PHONE_HEIGHT, PHONE_DENSITY) { phone, language ->
            type("setup-code", codeFor.getValue(language))
            type("setup-hub", demo.team.hub.url)
            type("setup-label", "Điện thoại của Bình")
            type("setup-pin", TestComputer.PIN)
            type("setup-pin-again", TestComputer.PIN)
            tapTag("setup-enroll")
            waitForTag("error")
            onNodeWithTag("error").performScrollTo()
            check(phone.session.state.value == org.fieldbook.android.state.SessionState.NoStore) { "the phone joined an untrusted hub" }
        }
    }
}
