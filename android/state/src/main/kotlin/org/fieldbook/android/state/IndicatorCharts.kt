package org.fieldbook.android.state

import org.fieldbook.ffi.Indicators

/** The figures charted month by month; the screen names each in its strings. */
enum class Measure {
    UNIQUE_CLIENTS_REACHED,
    NEW_CLIENTS,
    CONTACTS,
    REFERRALS_MADE,
    REFERRALS_COMPLETED,
    CASE_NOTES,
    MEETINGS,
    ATTENDANCE,
}

data class Series(val measure: Measure, val values: List<Long>)

/** One chart: [months] (`YYYY-MM`) along the bottom, one bar per series and month. */
data class Chart(val months: List<String>, val series: List<Series>) {
    val max: Long get() = series.maxOfOrNull { s -> s.values.maxOrNull() ?: 0 } ?: 0
}

/** A share of a total, for the breakdown bars (by sex, by age band). */
data class Share(val key: String, val label: String, val count: Long)

object IndicatorCharts {
    /** The charts of a monthly series: reach, contacts, referrals, meetings. */
    fun of(monthly: List<Indicators>): List<Chart> {
        val months = monthly.map { it.from.take(7) }
        fun series(measure: Measure, value: (Indicators) -> Long) = Series(measure, monthly.map(value))
        val charts = mutableListOf(
            Chart(
                months,
                listOf(
                    series(Measure.UNIQUE_CLIENTS_REACHED) { it.uniqueClientsReached.total.toLong() },
                    series(Measure.NEW_CLIENTS) { it.newClients.total.toLong() },
                ),
            ),
            Chart(months, listOf(series(Measure.CONTACTS) { it.contacts.total.total.toLong() })),
            Chart(
                months,
                listOf(
                    series(Measure.REFERRALS_MADE) { it.referralsMade.total.toLong() },
                    series(Measure.REFERRALS_COMPLETED) { it.referralsCompleted.total.toLong() },
                ),
            ),
            Chart(
                months,
                listOf(
                    series(Measure.MEETINGS) { it.meetings.toLong() },
                    series(Measure.ATTENDANCE) { it.attendanceTotal.toLong() },
                ),
            ),
        )
        // Only roles that read case notes get their figures.
        if (monthly.isNotEmpty() && monthly.all { it.caseNotes != null }) {
            charts.add(2, Chart(months, listOf(series(Measure.CASE_NOTES) { it.caseNotes!!.total.toLong() })))
        }
        return charts
    }
}
