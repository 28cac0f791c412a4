package org.fieldbook.android.ui.indicators

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AssistChip
import androidx.compose.material3.Card
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.IndicatorsStateHolder
import org.fieldbook.android.state.Measure
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.SectionHeader
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.android.ui.shortId
import org.fieldbook.ffi.Breakdown
import java.time.LocalDate
import kotlin.math.roundToInt

/**
 * The supervisor's indicators for a period (the team, or one worker's
 * device): the totals, monthly bar charts and breakdowns, all computed on
 * this device by the core from the decrypted records.
 */
@OptIn(ExperimentalLayoutApi::class)
@Composable
fun IndicatorsScreen(session: StoreSession, worker: String?) {
    val holder = rememberStateHolder(worker.orEmpty()) { scope -> IndicatorsStateHolder(session, scope, worker) }
    val state by holder.state.collectAsStateWithLifecycle()
    var from by rememberSaveable { mutableStateOf(state.from) }
    var to by rememberSaveable { mutableStateOf(state.to) }
    LaunchedEffect(Unit) { holder.refresh() }

    Column(Modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(
            state.worker?.let { stringResource(R.string.indicators_worker, shortId(it)) } ?: stringResource(R.string.indicators_whole_team),
            style = MaterialTheme.typography.titleMedium,
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(from, { from = it }, label = { Text(stringResource(R.string.period_from)) }, singleLine = true, modifier = Modifier.weight(1f))
            OutlinedTextField(to, { to = it }, label = { Text(stringResource(R.string.period_to)) }, singleLine = true, modifier = Modifier.weight(1f))
        }
        FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            listOf(3, 6, 12).forEach { months ->
                AssistChip(
                    onClick = {
                        val today = LocalDate.now()
                        from = today.withDayOfMonth(1).minusMonths(months - 1L).toString()
                        to = today.toString()
                        holder.setPeriod(from, to)
                    },
                    label = { Text(stringResource(R.string.period_months, months)) },
                )
            }
            TextButton(onClick = { holder.setPeriod(from.trim(), to.trim()) }) { Text(stringResource(R.string.apply)) }
        }
        if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
        state.error?.let { ErrorMessage(it, holder::refresh) }

        state.totals?.let { totals ->
            FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Figure(stringResource(R.string.ind_unique_clients), totals.uniqueClientsReached)
                Figure(stringResource(R.string.ind_new_clients), totals.newClients)
                Figure(stringResource(R.string.ind_contacts), totals.contacts.total)
                Figure(stringResource(R.string.ind_referrals_made), totals.referralsMade)
                Figure(stringResource(R.string.ind_referrals_completed), totals.referralsCompleted)
                totals.referralCompletionRate?.let { Figure(stringResource(R.string.ind_completion_rate), "${(it * 100).roundToInt()}%") }
                totals.medianDaysToCompletion?.let { Figure(stringResource(R.string.ind_median_days), "%.1f".format(it)) }
                Figure(stringResource(R.string.ind_referrals_overdue), totals.referralsOverdue)
                Figure(stringResource(R.string.ind_referrals_lost), totals.referralsLost)
                totals.caseNotes?.let { Figure(stringResource(R.string.ind_case_notes), it) }
                Figure(stringResource(R.string.ind_meetings), totals.meetings.toString())
                Figure(stringResource(R.string.ind_attendance), totals.attendanceTotal.toString())
            }
        }

        if (state.charts.isNotEmpty()) SectionHeader(stringResource(R.string.ind_by_month))
        state.charts.forEach { chart ->
            val names = chart.series.map { measureName(it.measure) }
            val description = stringResource(
                R.string.chart_description,
                chart.series.zip(names).joinToString("; ") { (s, name) -> name + ": " + chart.months.zip(s.values).joinToString { (m, v) -> "$m $v" } },
            )
            Card(Modifier.fillMaxWidth()) {
                BarChart(chart, names, description, Modifier.padding(12.dp))
            }
        }

        val unknown = stringResource(R.string.unknown)
        if (state.reachedBySex.isNotEmpty()) {
            SectionHeader(stringResource(R.string.ind_by_sex))
            ShareBars(state.reachedBySex) { if (it.key == "unknown") unknown else it.label }
        }
        if (state.reachedByAgeBand.isNotEmpty()) {
            SectionHeader(stringResource(R.string.ind_by_age))
            ShareBars(state.reachedByAgeBand) { if (it.key == "unknown") unknown else it.label }
        }
        if (state.services.isNotEmpty()) {
            SectionHeader(stringResource(R.string.ind_services))
            ShareBars(state.services) { it.label }
        }
    }
}

@Composable
private fun Figure(name: String, breakdown: Breakdown) = Figure(name, breakdown.total.toString())

@Composable
private fun Figure(name: String, value: String) {
    Card(Modifier.width(150.dp)) {
        Column(Modifier.padding(12.dp)) {
            Text(value, style = MaterialTheme.typography.headlineSmall)
            Text(name, style = MaterialTheme.typography.bodySmall)
        }
    }
}

@Composable
private fun measureName(measure: Measure): String = stringResource(
    when (measure) {
        Measure.UNIQUE_CLIENTS_REACHED -> R.string.ind_unique_clients
        Measure.NEW_CLIENTS -> R.string.ind_new_clients
        Measure.CONTACTS -> R.string.ind_contacts
        Measure.REFERRALS_MADE -> R.string.ind_referrals_made
        Measure.REFERRALS_COMPLETED -> R.string.ind_referrals_completed
        Measure.CASE_NOTES -> R.string.ind_case_notes
        Measure.MEETINGS -> R.string.ind_meetings
        Measure.ATTENDANCE -> R.string.ind_attendance
    },
)
