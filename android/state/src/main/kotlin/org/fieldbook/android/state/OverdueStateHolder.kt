package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.RecordKind

/** One worker's overdue follow-ups, most overdue first. */
data class WorkerSection(
    /** The worker's device; `null` when the records' history cannot be read here. */
    val worker: String?,
    /** The device's label on the hub, when the hub could be asked. */
    val label: String?,
    val isThisDevice: Boolean,
    val items: List<DueRow>,
)

data class OverdueState(
    val loading: Boolean = true,
    val asOf: String? = null,
    val total: Int = 0,
    val workers: List<WorkerSection> = emptyList(),
    val unreadable: Int = 0,
    val error: ErrorInfo? = null,
)

/** The team's overdue referrals and case-note follow-ups, grouped by worker (supervisors). */
class OverdueStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    /** `YYYY-MM-DD`; `null` is the core's today. */
    private val day: () -> String? = { null },
) {
    private val _state = MutableStateFlow(OverdueState())
    val state: StateFlow<OverdueState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (list, me) = session.call { store -> store.overdue(day()) to store.identity().deviceId }
                val catalog = session.forms()
                _state.value = OverdueState(
                    loading = false,
                    asOf = list.asOf,
                    total = list.total.toInt(),
                    unreadable = list.unreadableRecords.toInt(),
                    workers = list.workers.map { w ->
                        WorkerSection(
                            worker = w.worker,
                            label = null,
                            isThisDevice = w.worker == me,
                            items = w.items.map { item ->
                                DueRow(
                                    item.recordId, item.reason, item.clientId, item.clientAlias, item.dueDate,
                                    item.daysOverdue,
                                    item.service?.let { catalog.choiceLabel(RecordKind.REFERRAL, "service", it) },
                                )
                            },
                        )
                    },
                )
                // Labels need the hub: the list is on screen first, named when it answers.
                val labels = session.call(::deviceLabels)
                _state.update { s -> s.copy(workers = s.workers.map { w -> w.copy(label = w.worker?.let(labels::get)) }) }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    /** The hub knows the devices' labels; without a connection the ids have to do. */
    private fun deviceLabels(store: org.fieldbook.ffi.FieldbookStore): Map<String, String> = try {
        store.devices().mapNotNull { d -> d.label?.let { d.deviceId to it } }.toMap()
    } catch (e: FieldbookException) {
        if (e is FieldbookException.Locked || e is FieldbookException.Erased) throw e
        emptyMap()
    }
}
