package org.fieldbook.desktop.export

import org.fieldbook.ffi.Breakdown
import org.fieldbook.ffi.Indicators
import org.fieldbook.ui.strings.Strings

/**
 * The indicators as flat rows (indicator, dimension, category, value): the
 * layout of the CLI's report (`fieldbook report --csv`, the workbook's
 * indicator sheet; cli/src/export/rows.rs), so a supervisor's files from
 * either tool join into one table. Built from the same figures the core
 * hands both.
 */
object IndicatorRows {
    sealed interface Cell {
        data class Count(val value: Long) : Cell
        data class Ratio(val value: Double) : Cell

        /** Not computed: nothing to divide, or a kind this device may not read. */
        data object Empty : Cell
    }

    data class Row(val indicator: String, val dimension: String, val category: String, val value: Cell)

    fun rows(ind: Indicators): List<Row> = buildList {
        fun row(indicator: String, dimension: String, category: String, value: Cell) = add(Row(indicator, dimension, category, value))
        fun count(n: ULong) = Cell.Count(n.toLong())
        fun breakdown(indicator: String, b: Breakdown?) {
            if (b == null) {
                row(indicator, "total", "", Cell.Empty)
                return
            }
            row(indicator, "total", "", count(b.total))
            b.bySex.toSortedMap().forEach { (sex, n) -> row(indicator, "sex", sex, count(n)) }
            b.byAgeBand.toSortedMap().forEach { (band, n) -> row(indicator, "age_band", band, count(n)) }
        }
        fun ratio(value: Double?) = value?.let { Cell.Ratio(it) } ?: Cell.Empty

        breakdown("unique_clients_reached", ind.uniqueClientsReached)
        breakdown("new_clients", ind.newClients)
        breakdown("contacts", ind.contacts.total)
        ind.contacts.byVisitType.toSortedMap().forEach { (k, n) -> row("contacts", "visit_type", k, count(n)) }
        ind.contacts.byMode.toSortedMap().forEach { (k, n) -> row("contacts", "mode", k, count(n)) }
        row("contacts", "anonymous", "", count(ind.contacts.anonymous))
        ind.services.sortedBy { it.item }.forEach { s ->
            row("services", "quantity", s.item, count(s.quantity))
            row("services", "contacts", s.item, count(s.contacts))
        }
        breakdown("referrals_made", ind.referralsMade)
        ind.referralsByService.toSortedMap().forEach { (k, n) -> row("referrals_made", "service", k, count(n)) }
        ind.referralsByStatus.toSortedMap().forEach { (k, n) -> row("referrals_made", "status", k, count(n)) }
        breakdown("referrals_completed", ind.referralsCompleted)
        row("referral_completion_rate", "total", "", ratio(ind.referralCompletionRate))
        row("median_days_to_completion", "total", "", ratio(ind.medianDaysToCompletion))
        breakdown("referrals_overdue", ind.referralsOverdue)
        breakdown("referrals_lost", ind.referralsLost)
        breakdown("case_notes", ind.caseNotes)
        breakdown("clients_with_case_note", ind.clientsWithCaseNote)
        row("meetings", "total", "", count(ind.meetings))
        row("attendance", "total", "", count(ind.attendanceTotal))
        row("attendance", "women", "", count(ind.attendanceWomen))
        row("unreadable_records", "total", "", count(ind.unreadableRecords))
    }

    /** The headline figures of a period: one column each in the workbook's month sheet (`null`: not visible here). */
    fun headline(ind: Indicators): List<Pair<String, Long?>> = listOf(
        "unique_clients_reached" to ind.uniqueClientsReached.total.toLong(),
        "new_clients" to ind.newClients.total.toLong(),
        "contacts" to ind.contacts.total.total.toLong(),
        "referrals_made" to ind.referralsMade.total.toLong(),
        "referrals_completed" to ind.referralsCompleted.total.toLong(),
        "referrals_overdue" to ind.referralsOverdue.total.toLong(),
        "referrals_lost" to ind.referralsLost.total.toLong(),
        "case_notes" to ind.caseNotes?.total?.toLong(),
        "meetings" to ind.meetings.toLong(),
        "attendance" to ind.attendanceTotal.toLong(),
    )

    /** An indicator's name for people, from the shared string catalog. */
    fun label(strings: Strings, indicator: String): String = when (indicator) {
        "unique_clients_reached" -> strings.text("report_unique_clients_reached")
        "new_clients" -> strings.text("report_new_clients")
        "contacts" -> strings.text("report_contacts")
        "services" -> strings.text("report_services")
        "referrals_made" -> strings.text("report_referrals_made")
        "referrals_completed" -> strings.text("report_referrals_completed")
        "referral_completion_rate" -> strings.text("report_referral_completion_rate")
        "median_days_to_completion" -> strings.text("report_median_days_to_completion")
        "referrals_overdue" -> strings.text("report_referrals_overdue")
        "referrals_lost" -> strings.text("report_referrals_lost")
        "case_notes" -> strings.text("report_case_notes")
        "clients_with_case_note" -> strings.text("report_clients_with_case_note")
        "meetings" -> strings.text("report_meetings")
        "attendance" -> strings.text("report_attendance")
        "unreadable_records" -> strings.text("report_unreadable_records")
        else -> indicator
    }

    /** The value as CSV and people read it ("" when empty; ratios to four places). */
    fun text(cell: Cell): String = when (cell) {
        is Cell.Count -> cell.value.toString()
        is Cell.Ratio -> (Math.round(cell.value * 10_000.0) / 10_000.0).let { if (it == Math.floor(it)) it.toLong().toString() else it.toString() }
        Cell.Empty -> ""
    }
}
