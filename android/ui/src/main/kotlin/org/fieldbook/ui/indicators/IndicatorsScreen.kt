package org.fieldbook.ui.indicators

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.IntrinsicSize
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.IndicatorsStateHolder
import org.fieldbook.android.state.Measure
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.common.SectionHeader
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.shortId
import org.fieldbook.ui.strings.tr
import kotlin.math.roundToInt

/**
 * The supervisor's indicators for a period (the team, or one worker's
 * device): the totals, monthly bar charts and breakdowns, all computed on
 * this device by the core from the decrypted records.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun IndicatorsScreen(session: StoreSession, worker: String?, workerLabel: String? = null) {
    val holder = rememberHolder(worker.orEmpty()) { scope -> IndicatorsStateHolder(session, scope, worker) }
    val state by holder.state.collectAsState()
    var from by remember(state.from) { mutableStateOf(state.from) }
    var to by remember(state.to) { mutableStateOf(state.to) }
    RefreshOnReturn(holder::refresh)

    ReadableColumn(spacing = 8, maxWidth = 960) {
        Text(
            state.worker?.let { tr("indicators_worker", workerLabel ?: shortId(it)) } ?: tr("indicators_whole_team"),
            style = MaterialTheme.typography.titleMedium,
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(
                from, { from = it }, label = { Text(tr("period_from")) }, singleLine = true,
                modifier = Modifier.weight(1f).testTag("period-from"),
            )
            OutlinedTextField(
                to, { to = it }, label = { Text(tr("period_to")) }, singleLine = true,
                modifier = Modifier.weight(1f).testTag("period-to"),
            )
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            listOf(3, 6, 12).forEach { months ->
                AssistChip(onClick = { holder.setLastMonths(months) }, label = { Text(tr("period_months", months)) })
            }
            TextButton(onClick = { holder.setPeriod(from.trim(), to.trim()) }, modifier = Modifier.testTag("period-apply")) { Text(tr("apply")) }
        }
        if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth()) else Row(Modifier.height(4.dp)) {}
        state.error?.let { ErrorMessage(it, holder::refresh) }

        state.totals?.let { totals ->
            FigureGrid(
                buildList {
                    add(tr("ind_unique_clients") to totals.uniqueClientsReached.total.toString())
                    add(tr("ind_new_clients") to totals.newClients.total.toString())
                    add(tr("ind_contacts") to totals.contacts.total.total.toString())
                    add(tr("ind_referrals_made") to totals.referralsMade.total.toString())
                    add(tr("ind_referrals_completed") to totals.referralsCompleted.total.toString())
                    add(tr("ind_completion_rate") to (totals.referralCompletionRate?.let { "${(it * 100).roundToInt()}%" } ?: "—"))
                    add(tr("ind_median_days") to (totals.medianDaysToCompletion?.let { "%.1f".format(it) } ?: "—"))
                    add(tr("ind_referrals_overdue") to totals.referralsOverdue.total.toString())
                    add(tr("ind_referrals_lost") to totals.referralsLost.total.toString())
                    totals.caseNotes?.let { add(tr("ind_case_notes") to it.total.toString()) }
                    add(tr("ind_meetings") to totals.meetings.toString())
                    add(tr("ind_attendance") to totals.attendanceTotal.toString())
                },
            )
        }

        if (state.charts.isNotEmpty()) SectionHeader(tr("ind_by_month"), Modifier.testTag("charts"))
        state.charts.forEach { chart ->
            val names = chart.series.map { measureName(it.measure) }
            val description = tr(
                "chart_description",
                chart.series.zip(names).joinToString("; ") { (s, name) -> name + ": " + chart.months.zip(s.values).joinToString { (m, v) -> "$m $v" } },
            )
            Card(Modifier.fillMaxWidth()) {
                BarChart(chart, names, description, Modifier.padding(12.dp))
            }
        }

        val unknown = tr("unknown")
        if (state.reachedBySex.isNotEmpty()) {
            SectionHeader(tr("ind_by_sex"))
            ShareBars(state.reachedBySex) { if (it.key == "unknown") unknown else it.label }
        }
        if (state.reachedByAgeBand.isNotEmpty()) {
            SectionHeader(tr("ind_by_age"))
            ShareBars(state.reachedByAgeBand) { if (it.key == "unknown") unknown else it.label }
        }
        if (state.services.isNotEmpty()) {
            SectionHeader(tr("ind_services"))
            ShareBars(state.services) { it.label }
        }
    }
}

/** The headline figures as equal cards, as many to a row as the width holds (two on a phone). */
@Composable
private fun FigureGrid(figures: List<Pair<String, String>>) {
    BoxWithConstraints(Modifier.fillMaxWidth()) {
        val columns = (maxWidth / 170.dp).toInt().coerceIn(2, 6)
        Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
            figures.chunked(columns).forEach { row ->
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.height(IntrinsicSize.Min)) {
                    row.forEach { (name, value) -> Figure(name, value, Modifier.weight(1f).fillMaxHeight()) }
                    repeat(columns - row.size) { Spacer(Modifier.weight(1f)) }
                }
            }
        }
    }
}

@Composable
private fun Figure(name: String, value: String, modifier: Modifier) {
    Card(modifier) {
        Column(Modifier.padding(12.dp)) {
            Text(value, style = MaterialTheme.typography.headlineSmall)
            Text(name, style = MaterialTheme.typography.bodySmall)
        }
    }
}

@Composable
@ReadOnlyComposable
private fun measureName(measure: Measure): String = when (measure) {
    Measure.UNIQUE_CLIENTS_REACHED -> tr("ind_unique_clients")
    Measure.NEW_CLIENTS -> tr("ind_new_clients")
    Measure.CONTACTS -> tr("ind_contacts")
    Measure.REFERRALS_MADE -> tr("ind_referrals_made")
    Measure.REFERRALS_COMPLETED -> tr("ind_referrals_completed")
    Measure.CASE_NOTES -> tr("ind_case_notes")
    Measure.MEETINGS -> tr("ind_meetings")
    Measure.ATTENDANCE -> tr("ind_attendance")
}
