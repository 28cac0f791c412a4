package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.Breakdown
import org.fieldbook.ffi.Indicators
import org.fieldbook.ffi.RecordKind
import java.time.Clock
import java.time.LocalDate

data class IndicatorsState(
    val loading: Boolean = true,
    /** `YYYY-MM-DD`, both days included. */
    val from: String,
    val to: String,
    /** A worker's device the figures are limited to; `null` for the team. */
    val worker: String? = null,
    val totals: Indicators? = null,
    val charts: List<Chart> = emptyList(),
    /** Unique clients reached, by sex, with the client form's labels. */
    val reachedBySex: List<Share> = emptyList(),
    val reachedByAgeBand: List<Share> = emptyList(),
    /** Services handed out in the period, with the contact form's labels. */
    val services: List<Share> = emptyList(),
    val error: ErrorInfo? = null,
)

/**
 * The supervisor's indicators for a period: totals, and a monthly series
 * for the charts. Every figure is computed by the core on this device from
 * the decrypted records (the hub cannot read them).
 */
class IndicatorsStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    /** One worker's device (from the overdue list); `null` for the whole team. */
    worker: String? = null,
    private val clock: Clock = Clock.systemDefaultZone(),
) {
    private val _state: MutableStateFlow<IndicatorsState>
    val state: StateFlow<IndicatorsState>

    init {
        // The last six months, this one included.
        val today = LocalDate.now(clock)
        val from = today.withDayOfMonth(1).minusMonths(5)
        _state = MutableStateFlow(IndicatorsState(from = from.toString(), to = today.toString(), worker = worker))
        state = _state.asStateFlow()
    }

    fun setPeriod(from: String, to: String) {
        _state.update { it.copy(from = from, to = to) }
        refresh()
    }

    /** The last [months] months, this one included, up to today. */
    fun setLastMonths(months: Int) {
        val today = LocalDate.now(clock)
        setPeriod(today.withDayOfMonth(1).minusMonths(months - 1L).toString(), today.toString())
    }

    fun setWorker(worker: String?) {
        _state.update { it.copy(worker = worker) }
        refresh()
    }

    fun refresh() {
        val current = _state.value
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (totals, monthly) = session.call { store ->
                    store.indicators(current.from, current.to, current.worker) to
                        store.monthlyIndicators(current.from, current.to, current.worker)
                }
                val catalog = session.forms()
                _state.update {
                    it.copy(
                        loading = false,
                        totals = totals,
                        charts = IndicatorCharts.of(monthly),
                        reachedBySex = shares(totals.uniqueClientsReached.bySex) { key ->
                            catalog.choiceLabel(RecordKind.CLIENT, "sex", key)
                        },
                        reachedByAgeBand = ageBands(totals.uniqueClientsReached),
                        services = totals.services.filter { it.quantity > 0u }.map { s ->
                            Share(s.item, catalog.choiceLabel(RecordKind.CONTACT, "services", s.item), s.quantity.toLong())
                        },
                    )
                }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    /** Largest first, empty groups left out; `unknown` is a key the screen names itself. */
    private fun shares(counts: Map<String, ULong>, label: (String) -> String) =
        counts.entries.filter { it.value > 0u }.sortedByDescending { it.value }.map { (key, count) -> Share(key, label(key), count.toLong()) }

    /** Age bands are labels already (`18-24`), in their natural order. */
    private fun ageBands(breakdown: Breakdown) =
        breakdown.byAgeBand.entries.filter { it.value > 0u }.sortedBy { it.key }.map { (key, count) -> Share(key, key, count.toLong()) }
}
