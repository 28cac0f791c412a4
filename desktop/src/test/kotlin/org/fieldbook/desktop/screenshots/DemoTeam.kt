package org.fieldbook.desktop.screenshots

import org.fieldbook.desktop.ui.Team
import org.fieldbook.desktop.ui.TestComputer
import org.fieldbook.desktop.ui.add
import org.fieldbook.desktop.ui.choice
import org.fieldbook.desktop.ui.date
import org.fieldbook.desktop.ui.link
import org.fieldbook.desktop.ui.syncNow
import org.fieldbook.desktop.ui.text
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Quantity
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.Role
import java.time.LocalDate
import kotlin.time.Duration.Companion.minutes
import java.time.ZoneOffset

/**
 * A team in Hải Phòng with half a year of work behind it, for the
 * screenshots: an outreach worker's clients, contacts and referrals, a
 * case manager's notes, a peer leader's meetings, all synced through a
 * real hub to the supervisor's desktop. Names are the aliases people go
 * by on the street; no real person is in here.
 */
class DemoTeam : AutoCloseable {
    /** The desktop's own schedule, as a person sees it on the sync screen (nothing fires while the pictures are taken). */
    val team = Team(syncEvery = 15.minutes)
    val supervisor get() = team.supervisor
    val outreach = team.member(Role.OUTREACH, "Điện thoại của Lan")
    val caseManager = team.member(Role.CASE_MANAGER, "Máy của chị Hạnh")
    val peerLeader = team.member(Role.PEER_LEADER, "Máy anh Dũng")
    private val today: LocalDate = LocalDate.now()

    /** The client everyone's screens show first. */
    lateinit var tuan: String
        private set

    fun seed() = apply {
        val clients = listOf(
            Client("Tuấn", "male", 1990, "Hoa", "Minh", "Chợ Sắt", listOf("heroin"), true),
            Client("Chị Mai", "female", 1985, "Lan", "Hải", "Cầu Rào", listOf("methamphetamine"), false),
            Client("Hùng Lé", "male", 1978, "Nga", "Bình", "Bến Bính", listOf("heroin", "alcohol"), true),
            Client("Bé Na", "female", 1999, "Thu", "Sơn", "Lạch Tray", listOf("methamphetamine"), false),
            Client("Anh Tư xe ôm", "male", 1972, "Huệ", "Tâm", "Chợ Sắt", listOf("heroin", "opium"), true),
            Client("Long Béo", "male", 1994, "Yến", "Khánh", "Tam Bạc", listOf("methamphetamine", "cannabis"), false),
            Client("Chị Hằng", "female", 1988, "Đào", "Phúc", "Cầu Đất", listOf("heroin"), true),
            Client("Quang", "male", 2001, "Mận", "Đức", "Vĩnh Niệm", listOf("methamphetamine", "tramadol"), false),
        )
        val ids = clients.map { c ->
            outreach.add(
                RecordKind.CLIENT,
                "alias" to text(c.alias), "sex" to choice(c.sex), "birth_year" to FieldValue.Integer(c.born.toLong()),
                "uic_mother_name" to text(c.mother), "uic_father_name" to text(c.father), "area" to text(c.area),
                "primary_substances" to FieldValue.Choices(c.substances), "injecting" to FieldValue.YesNo(c.injecting),
                "consent_date" to date(today.minusMonths(5).toString()),
                "consent_scope" to FieldValue.Choices(listOf("record_keeping", "referral", "follow_up_contact")),
                "status" to choice("active"),
            )
        }
        tuan = ids[0]

        // Contacts, month by month: more each month as the team finds its feet.
        val places = listOf("Gầm cầu Lạc Long", "Chợ Sắt", "Bãi xe Cầu Rào", "Quán nước đầu ngõ 42", "Bến Bính")
        var n = 0
        for (monthsAgo in 5 downTo 0) {
            val month = today.withDayOfMonth(1).minusMonths(monthsAgo.toLong())
            val visits = 3 + (5 - monthsAgo)
            repeat(visits) { v ->
                val day = month.plusDays((v * 4L) % 27).let { if (it.isAfter(today)) today else it }
                val client = ids[n % ids.size]
                val items = buildList {
                    if (clients[n % ids.size].injecting) add(Quantity("syringes", (10 + n % 3 * 5).toULong()))
                    add(Quantity("condoms", (4 + n % 4).toULong()))
                    if (n % 4 == 0) add(Quantity("naloxone", 2u))
                    if (n % 3 == 0) add(Quantity("leaflets", 1u))
                    if (n % 5 == 0) add(Quantity("hiv_self_test", 1u))
                }
                outreach.add(
                    RecordKind.CONTACT,
                    "client_id" to link(client),
                    "at" to FieldValue.Datetime(day.atTime(9 + v % 8, 15).atOffset(ZoneOffset.ofHours(7)).format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)),
                    "place" to text(places[n % places.size]),
                    "visit_type" to choice(if (n < ids.size) "first" else "follow_up"),
                    "mode" to choice("individual"),
                    "services" to FieldValue.Quantities(items),
                    "topics" to FieldValue.Choices(listOf(listOf("safer_injecting", "overdose"), listOf("hiv_testing"), listOf("treatment_options", "methadone"))[n % 3]),
                )
                n++
            }
        }

        // Referrals, closing the loop or not.
        fun refer(client: Int, service: String, status: String, daysAgo: Long, followUpIn: Long?, facility: String) =
            outreach.add(
                RecordKind.REFERRAL,
                "client_id" to link(ids[client]), "service" to choice(service), "status" to choice(status),
                "facility" to text(facility), "urgency" to choice("routine"),
                "date" to date(today.minusDays(daysAgo).toString()),
                *listOfNotNull(followUpIn?.let { "follow_up_due" to date(today.plusDays(it).toString()) }).toTypedArray(),
                *(if (status == "completed") arrayOf("completed_date" to date(today.minusDays(daysAgo - 9).toString()), "outcome" to text("Đã bắt đầu điều trị")) else emptyArray()),
            )
        refer(0, "methadone", "sent", 20, -6, "Cơ sở điều trị Methadone Lê Chân")
        refer(2, "hiv_test", "sent", 15, -2, "Phòng khám ngoại trú Kiến An")
        refer(6, "art", "accepted", 40, 0, "Phòng khám ngoại trú Kiến An")
        refer(4, "community_treatment_site", "sent", 3, 4, "Điểm hỗ trợ cộng đồng phường Cát Dài")
        refer(1, "methadone", "completed", 60, null, "Cơ sở điều trị Methadone Ngô Quyền")
        refer(3, "mental_health", "lost", 75, null, "Bệnh viện Tâm thần Hải Phòng")
        refer(5, "vocational_training", "draft", 1, 10, "Trung tâm dạy nghề quận Lê Chân")
        check(outreach.syncNow().ok()) { "the outreach worker's sync failed" }

        // The case manager's notes over the six domains, each with its next follow-up.
        check(caseManager.syncNow().ok())
        fun note(client: Int, daysAgo: Long, nextIn: Long, ratings: List<String>, narrative: String) = caseManager.add(
            RecordKind.CASE_NOTE,
            "client_id" to link(ids[client]), "date" to date(today.minusDays(daysAgo).toString()),
            "narrative" to text(narrative),
            "drug_use_rating" to choice(ratings[0]), "drug_use_narrative" to text("Dùng heroin hằng ngày, muốn giảm"),
            "physical_health_rating" to choice(ratings[1]), "physical_health_narrative" to text("Áp xe ở tay đã lành"),
            "mental_health_rating" to choice(ratings[2]), "mental_health_narrative" to text("Hay mất ngủ, lo âu"),
            "employment_rating" to choice(ratings[3]), "employment_narrative" to text("Chạy xe ôm buổi tối"),
            "family_social_rating" to choice(ratings[4]), "family_social_narrative" to text("Mẹ vẫn liên lạc, hỗ trợ"),
            "legal_rating" to choice(ratings[5]), "legal_narrative" to text("Không có vụ việc đang xử lý"),
            "goals" to text("Vào điều trị methadone trong tháng"),
            "plan" to text("Đi cùng đến cơ sở MMT; hẹn gặp lại sau một tuần"),
            "next_follow_up" to date(today.plusDays(nextIn).toString()),
        )
        note(0, 7, 0, listOf("3", "2", "3", "2", "2", "1"), "Gặp tại điểm hẹn, tỉnh táo, hợp tác")
        note(1, 30, -3, listOf("2", "1", "2", "3", "2", "1"), "Đang điều trị methadone ổn định")
        note(6, 12, 5, listOf("4", "3", "3", "3", "3", "2"), "Cần hỗ trợ điều trị ARV đều đặn")
        check(caseManager.syncNow().ok())

        // The peer leader's group meetings.
        check(peerLeader.syncNow().ok())
        for (monthsAgo in 5 downTo 0) {
            val day = today.withDayOfMonth(1).minusMonths(monthsAgo.toLong()).plusDays(9).let { if (it.isAfter(today)) today else it }
            peerLeader.add(
                RecordKind.MEETING,
                "group_name" to text(if (monthsAgo % 2 == 0) "Nhóm Bình Minh" else "Nhóm Hướng Dương"),
                "date" to date(day.toString()), "place" to text("Nhà văn hóa phường Cát Dài"),
                "facilitator" to text("Anh Dũng"),
                "attendance_total" to FieldValue.Integer(9L + (5 - monthsAgo) * 2), "attendance_women" to FieldValue.Integer(3L + (5 - monthsAgo) % 3),
                "topics" to FieldValue.Choices(listOf("relapse_prevention", "peer_support")),
                "decisions" to text("Rủ thêm bạn mới; hẹn khám HIV cùng nhau"),
            )
        }
        check(peerLeader.syncNow().ok())
        check(outreach.syncNow().ok())
        check(supervisor.syncNow().ok())
    }

    override fun close() {
        outreach.close()
        caseManager.close()
        peerLeader.close()
        team.close()
    }

    private data class Client(
        val alias: String, val sex: String, val born: Int, val mother: String, val father: String,
        val area: String, val substances: List<String>, val injecting: Boolean,
    )
}

private fun org.fieldbook.android.state.SyncResult.ok() = this is org.fieldbook.android.state.SyncResult.Finished && summary.ok
