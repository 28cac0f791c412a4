package org.fieldbook.ui.referrals

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyRow
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.ReferralsStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.Loading
import org.fieldbook.ui.common.RecordRow
import org.fieldbook.ui.common.SectionHeader
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr

/** Referrals by status, to close the loop on each; tap one to update it. */
@Composable
fun ReferralsScreen(session: StoreSession, onOpen: (String) -> Unit) {
    val holder = rememberHolder { scope -> ReferralsStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::refresh)

    LazyColumn {
        item {
            LazyRow(contentPadding = PaddingValues(horizontal = 16.dp, vertical = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                item {
                    FilterChip(selected = state.filter == null, onClick = { holder.setFilter(null) }, label = { Text(tr("referrals_all")) })
                }
                items(state.statuses, key = { it.value }) { status ->
                    FilterChip(
                        selected = state.filter == status.value,
                        onClick = { holder.setFilter(status.value) },
                        label = { Text(status.label) },
                    )
                }
            }
        }
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        if (state.loading && state.sections.isEmpty()) item { Loading() }
        if (!state.loading && state.sections.all { it.referrals.isEmpty() } && state.error == null) {
            item { EmptyText(tr("referrals_none")) }
        }
        state.sections.filter { it.referrals.isNotEmpty() }.forEach { section ->
            item(key = "status-" + section.status.value) { SectionHeader(section.status.label + " (" + section.referrals.size + ")") }
            items(section.referrals, key = { it.summary.id }) { row ->
                RecordRow(
                    row.summary.copy(details = row.summary.details + listOfNotNull(row.followUpDue?.let { tr("referrals_follow_up", it) })),
                    showKind = false,
                    onClick = { onOpen(row.summary.id) },
                )
            }
        }
    }
}
