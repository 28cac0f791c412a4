package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.referralStatuses

data class StatusOption(val value: String, val label: String)

data class ReferralSection(val status: StatusOption, val referrals: List<ReferralRow>)

data class ReferralRow(val summary: RecordSummary, val followUpDue: String?)

data class ReferralsState(
    val loading: Boolean = true,
    /** Every status in the core's order, for the filter chips. */
    val statuses: List<StatusOption> = emptyList(),
    /** `null`: every status. */
    val filter: String? = null,
    val sections: List<ReferralSection> = emptyList(),
    val error: ErrorInfo? = null,
)

/** Referrals by status (draft → sent → accepted → completed, then the ways they end). */
class ReferralsStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(ReferralsState())
    val state: StateFlow<ReferralsState> = _state.asStateFlow()

    fun setFilter(status: String?) {
        _state.update { it.copy(filter = status) }
        refresh()
    }

    fun refresh() {
        val filter = _state.value.filter
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (groups, clients) = session.call { it.referrals(filter) to it.clients() }
                val catalog = session.forms()
                val aliases = clients.aliases()
                val summarizer = RecordSummarizer(catalog, aliases)
                fun option(status: String) = StatusOption(status, catalog.choiceLabel(RecordKind.REFERRAL, "status", status))
                _state.update {
                    it.copy(
                        loading = false,
                        statuses = referralStatuses().map(::option),
                        sections = groups.map { group ->
                            ReferralSection(
                                option(group.status),
                                group.referrals.map { r ->
                                    ReferralRow(summarizer.summarize(r), (r.values["follow_up_due"] as? FieldValue.Date)?.value)
                                },
                            )
                        },
                    )
                }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }
}
