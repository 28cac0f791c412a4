package org.fieldbook.android.ui.referrals

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.LazyRow
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.ReferralsStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.EmptyText
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.Loading
import org.fieldbook.android.ui.common.RecordRow
import org.fieldbook.android.ui.common.SectionHeader
import org.fieldbook.android.ui.rememberStateHolder

/** Referrals by status, to close the loop on each; tap one to update it. */
@Composable
fun ReferralsScreen(session: StoreSession, onOpen: (String) -> Unit) {
    val holder = rememberStateHolder { scope -> ReferralsStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { holder.refresh() }

    LazyColumn {
        item {
            LazyRow(contentPadding = PaddingValues(horizontal = 16.dp, vertical = 8.dp), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                item {
                    FilterChip(selected = state.filter == null, onClick = { holder.setFilter(null) }, label = { Text(stringResource(R.string.referrals_all)) })
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
            item { EmptyText(stringResource(R.string.referrals_none)) }
        }
        state.sections.forEach { section ->
            item(key = "status-" + section.status.value) { SectionHeader(section.status.label) }
            items(section.referrals, key = { it.summary.id }) { row ->
                RecordRow(
                    row.summary.copy(details = row.summary.details + listOfNotNull(row.followUpDue)),
                    showKind = false,
                    onClick = { onOpen(row.summary.id) },
                )
            }
        }
    }
}
