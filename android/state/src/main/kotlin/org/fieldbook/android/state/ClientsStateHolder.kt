package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

data class ClientsState(
    val query: String = "",
    val loading: Boolean = true,
    val clients: List<RecordSummary> = emptyList(),
    /** Records the store could not read (damaged or tampered with): said, not hidden. */
    val unreadable: Int = 0,
    val error: ErrorInfo? = null,
)

/** The client list, searched by alias prefix or identifier code as the person types. */
class ClientsStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(ClientsState())
    val state: StateFlow<ClientsState> = _state.asStateFlow()
    private var search: Job? = null

    fun setQuery(query: String) {
        _state.update { it.copy(query = query) }
        refresh()
    }

    fun refresh() {
        val query = _state.value.query.trim()
        _state.update { it.copy(loading = true, error = null) }
        // Only the latest query's answer may land on screen.
        search?.cancel()
        search = scope.launch {
            try {
                val list = session.call { store ->
                    if (query.isEmpty()) store.clients() else store.searchClients(query, null)
                }
                val summarizer = RecordSummarizer(session.forms())
                _state.update {
                    it.copy(
                        loading = false,
                        clients = list.clients.map(summarizer::summarize),
                        unreadable = list.unreadableIds.size,
                    )
                }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }
}
