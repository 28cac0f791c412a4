package org.fieldbook.ui.today

import androidx.compose.foundation.clickable
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import org.fieldbook.android.state.DueRow
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.TodayStateHolder
import org.fieldbook.ffi.DueReason
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.Loading
import org.fieldbook.ui.common.SectionHeader
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.strings.trPlural

/** Today's follow-ups, overdue first. */
@Composable
fun TodayScreen(session: StoreSession, onOpen: (clientId: String) -> Unit) {
    val holder = rememberHolder { scope -> TodayStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::refresh)

    if (state.loading && state.overdue.isEmpty() && state.dueToday.isEmpty()) {
        Loading()
        return
    }
    LazyColumn {
        state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
        if (state.overdue.isEmpty() && state.dueToday.isEmpty() && state.error == null) {
            item { EmptyText(tr("today_nothing")) }
        }
        if (state.overdue.isNotEmpty()) {
            item { SectionHeader(tr("today_overdue")) }
            items(state.overdue, key = { it.recordId }) { DueItemRow(it, onOpen) }
        }
        if (state.dueToday.isNotEmpty()) {
            item { SectionHeader(tr("today_due")) }
            items(state.dueToday, key = { it.recordId }) { DueItemRow(it, onOpen) }
        }
    }
}

/** One follow-up; also used by the supervisor's overdue list. */
@Composable
fun DueItemRow(row: DueRow, onOpen: (clientId: String) -> Unit) {
    val clientId = row.clientId
    ListItem(
        overlineContent = {
            Text(if (row.reason == DueReason.REFERRAL_FOLLOW_UP) tr("due_referral") else tr("due_case_note"))
        },
        headlineContent = { Text(listOfNotNull(row.clientAlias ?: tr("due_no_client"), row.service).joinToString(" · ")) },
        supportingContent = {
            if (row.daysOverdue > 0) {
                val days = row.daysOverdue.toInt()
                Text(trPlural("days_overdue", days, days) + " · " + tr("due_on", row.dueDate), color = MaterialTheme.colorScheme.error)
            } else {
                Text(tr("due_on", row.dueDate))
            }
        },
        modifier = if (clientId != null) Modifier.clickable { onOpen(clientId) } else Modifier,
    )
}
