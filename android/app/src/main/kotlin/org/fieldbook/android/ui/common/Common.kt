package org.fieldbook.android.ui.common

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import org.fieldbook.android.R
import org.fieldbook.android.state.ErrorInfo
import org.fieldbook.android.state.RecordSummary

@Composable
fun Loading(modifier: Modifier = Modifier) {
    Box(modifier.fillMaxSize(), contentAlignment = Alignment.Center) { CircularProgressIndicator() }
}

/** The core's message (already in the person's language), or a generic one. */
@Composable
fun ErrorMessage(error: ErrorInfo, onRetry: (() -> Unit)? = null) {
    Column(Modifier.fillMaxWidth().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(
            error.detail ?: stringResource(R.string.error_generic),
            color = MaterialTheme.colorScheme.error,
            style = MaterialTheme.typography.bodyMedium,
        )
        if (onRetry != null) TextButton(onClick = onRetry) { Text(stringResource(R.string.retry)) }
    }
}

@Composable
fun SectionHeader(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.titleSmall,
        color = MaterialTheme.colorScheme.primary,
        modifier = Modifier.padding(start = 16.dp, end = 16.dp, top = 16.dp, bottom = 4.dp),
    )
}

@Composable
fun EmptyText(text: String) {
    Text(text, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(16.dp))
}

/** A record's line in any list: what it is, its main value and details, and a conflict mark. */
@Composable
fun RecordRow(summary: RecordSummary, showKind: Boolean = true, onClick: (() -> Unit)? = null) {
    ListItem(
        overlineContent = if (showKind || summary.date != null) {
            { Text(listOfNotNull(summary.kindTitle.takeIf { showKind }, summary.date).joinToString(" · ")) }
        } else {
            null
        },
        headlineContent = { Text(summary.headline) },
        supportingContent = if (summary.details.isNotEmpty()) {
            { Text(summary.details.joinToString(" · ")) }
        } else {
            null
        },
        trailingContent = if (summary.hasConflicts) {
            { Icon(Icons.Filled.Warning, contentDescription = stringResource(R.string.conflict_marker)) }
        } else {
            null
        },
        modifier = if (onClick != null) Modifier.clickable(onClick = onClick) else Modifier,
    )
}

@Composable
fun UnreadableNote(count: Int) {
    if (count > 0) {
        Text(
            stringResource(R.string.unreadable_records, count),
            color = MaterialTheme.colorScheme.error,
            style = MaterialTheme.typography.bodySmall,
            modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
        )
    }
}
