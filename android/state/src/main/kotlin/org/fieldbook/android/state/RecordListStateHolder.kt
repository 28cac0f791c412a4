package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.RecordKind

data class RecordListState(
    val loading: Boolean = true,
    /** Newest first (by the record's own date, then when it was written). */
    val records: List<RecordSummary> = emptyList(),
    val unreadable: Int = 0,
    /** Whether this device's role may add one. */
    val canAdd: Boolean = false,
    val error: ErrorInfo? = null,
)

/** Every record of one kind (the peer groups' meetings), newest first. */
class RecordListStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val kind: RecordKind,
) {
    private val _state = MutableStateFlow(RecordListState())
    val state: StateFlow<RecordListState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (list, clients, canAdd) = session.call { store ->
                    Triple(store.list(kind), store.clients(), store.mayWrite(kind))
                }
                val aliases = clients.aliases()
                val summarizer = RecordSummarizer(session.forms(), aliases)
                // The core lists them newest first.
                val newestFirst = list.records.map { summarizer.summarize(it) }
                _state.value = RecordListState(
                    loading = false,
                    records = newestFirst,
                    unreadable = list.unreadableIds.size,
                    canAdd = canAdd,
                )
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }
}
