package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.DueItem
import org.fieldbook.ffi.DueReason
import org.fieldbook.ffi.RecordKind

/** A follow-up as the today list draws it. */
data class DueRow(
    val recordId: String,
    val reason: DueReason,
    val clientId: String?,
    val clientAlias: String?,
    val dueDate: String,
    val daysOverdue: Long,
    /** The referral's service, in the person's language. */
    val service: String?,
)

data class TodayState(
    val loading: Boolean = true,
    val overdue: List<DueRow> = emptyList(),
    val dueToday: List<DueRow> = emptyList(),
    val error: ErrorInfo? = null,
)

/** Today's follow-ups: overdue ones first (most overdue on top), then those due today. */
class TodayStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    /** `YYYY-MM-DD`; `null` is the core's today. */
    private val day: () -> String? = { null },
) {
    private val _state = MutableStateFlow(TodayState())
    val state: StateFlow<TodayState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val items = session.call { it.due(day()) }
                val catalog = session.forms()
                val rows = items.map { it.toRow(catalog) }
                _state.value = TodayState(
                    loading = false,
                    overdue = rows.filter { it.daysOverdue > 0 },
                    dueToday = rows.filter { it.daysOverdue <= 0 },
                )
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    private fun DueItem.toRow(catalog: FormCatalog) = DueRow(
        recordId = recordId,
        reason = reason,
        clientId = clientId,
        clientAlias = clientAlias,
        dueDate = dueDate,
        daysOverdue = daysOverdue,
        service = service?.let { catalog.choiceLabel(RecordKind.REFERRAL, "service", it) },
    )
}
