package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.RecordKind

data class TimelineState(
    val loading: Boolean = true,
    val client: RecordSummary? = null,
    val entries: List<RecordSummary> = emptyList(),
    /** The kinds this device's role may add from here (a peer leader writes no case notes). */
    val canAdd: List<RecordKind> = emptyList(),
    val error: ErrorInfo? = null,
)

/** One client: who they are, and their contacts, case notes, referrals and meetings, newest first. */
class TimelineStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val clientId: String,
) {
    private val _state = MutableStateFlow(TimelineState())
    val state: StateFlow<TimelineState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (client, timeline, canAdd) = session.call { store ->
                    Triple(
                        store.get(clientId).record,
                        store.timeline(clientId),
                        LINKED_KINDS.filter(store::mayWrite),
                    )
                }
                val summarizer = RecordSummarizer(session.forms(), aboutOneClient = true)
                _state.value = TimelineState(
                    loading = false,
                    client = summarizer.summarize(client),
                    entries = timeline.map { summarizer.summarize(it.record, it.date) },
                    canAdd = canAdd,
                )
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    companion object {
        val LINKED_KINDS = listOf(RecordKind.CONTACT, RecordKind.CASE_NOTE, RecordKind.REFERRAL, RecordKind.MEETING)
    }
}
