package org.fieldbook.android.ui.today

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.pluralStringResource
import androidx.compose.ui.res.stringResource
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.DueRow
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.TodayStateHolder
import org.fieldbook.android.ui.common.EmptyText
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.Loading
import org.fieldbook.android.ui.common.SectionHeader
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.ffi.DueReason

/** Today's follow-ups, overdue first. */
@Composable
fun TodayScreen(session: StoreSession, onOpen: (clientId: String) -> Unit) {
    val holder = rememberStateHolder { scope -> TodayStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { holder.refresh() }

    when {
        state.loading && state.overdue.isEmpty() && state.dueToday.isEmpty() -> Loading()
        else -> LazyColumn {
            state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
            if (state.overdue.isEmpty() && state.dueToday.isEmpty() && state.error == null) {
                item { EmptyText(stringResource(R.string.today_nothing)) }
            }
            if (state.overdue.isNotEmpty()) {
                item { SectionHeader(stringResource(R.string.today_overdue)) }
                items(state.overdue, key = { it.recordId }) { DueItemRow(it, onOpen) }
            }
            if (state.dueToday.isNotEmpty()) {
                item { SectionHeader(stringResource(R.string.today_due)) }
                items(state.dueToday, key = { it.recordId }) { DueItemRow(it, onOpen) }
            }
        }
    }
}

/** One follow-up; also used by the supervisor's overdue list. */
@Composable
fun DueItemRow(row: DueRow, onOpen: (clientId: String) -> Unit) {
    val clientId = row.clientId
    ListItem(
        overlineContent = {
            Text(stringResource(if (row.reason == DueReason.REFERRAL_FOLLOW_UP) R.string.due_referral else R.string.due_case_note))
        },
        headlineContent = { Text(listOfNotNull(row.clientAlias, row.service).joinToString(" · ")) },
        supportingContent = {
            if (row.daysOverdue > 0) {
                val days = row.daysOverdue.toInt()
                Text(pluralStringResource(R.plurals.days_overdue, days, days), color = MaterialTheme.colorScheme.error)
            } else {
                Text(stringResource(R.string.due_on, row.dueDate))
            }
        },
        modifier = if (clientId != null) Modifier.clickable { onOpen(clientId) } else Modifier,
    )
}
