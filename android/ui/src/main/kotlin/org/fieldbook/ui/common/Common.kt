package org.fieldbook.ui.common

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.Dp
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.ErrorInfo
import org.fieldbook.android.state.RecordSummary
import org.fieldbook.ui.strings.tr

@Composable
fun Loading(modifier: Modifier = Modifier) {
    Box(modifier.fillMaxSize(), contentAlignment = Alignment.Center) { CircularProgressIndicator() }
}

/**
 * The core's message (already in the person's language), or a generic one.
 * Something no supervisor signed is said in plain words first: the core's
 * detail names the rule it broke, which means little to most people.
 */
@Composable
fun ErrorMessage(error: ErrorInfo, onRetry: (() -> Unit)? = null, padding: Dp = 16.dp) {
    Column(Modifier.fillMaxWidth().padding(padding).testTag("error"), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        if (error.untrusted) {
            Text(tr("error_untrusted"), color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.titleSmall)
        }
        Text(
            error.detail ?: tr("error_generic"),
            color = MaterialTheme.colorScheme.error,
            style = if (error.untrusted) MaterialTheme.typography.bodySmall else MaterialTheme.typography.bodyMedium,
        )
        if (onRetry != null) TextButton(onClick = onRetry) { Text(tr("retry")) }
    }
}

@Composable
fun SectionHeader(text: String, modifier: Modifier = Modifier) {
    Text(
        text,
        style = MaterialTheme.typography.titleSmall,
        color = MaterialTheme.colorScheme.primary,
        modifier = modifier.padding(start = 16.dp, end = 16.dp, top = 16.dp, bottom = 4.dp),
    )
}

/** What an empty list says instead of a blank screen. */
@Composable
fun EmptyText(text: String) {
    Text(
        text,
        style = MaterialTheme.typography.bodyLarge,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
        modifier = Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 32.dp),
        textAlign = TextAlign.Center,
    )
}

/** A record's line in any list: what it is, its main value and details, and a conflict mark. */
@Composable
fun RecordRow(summary: RecordSummary, showKind: Boolean = true, onClick: (() -> Unit)? = null) {
    val overline = listOfNotNull(summary.kindTitle.takeIf { showKind }, summary.date?.let(::shortDate)).joinToString(" · ")
    ListItem(
        overlineContent = if (overline.isNotEmpty()) ({ Text(overline) }) else null,
        headlineContent = { Text(summary.headline) },
        supportingContent = if (summary.details.isNotEmpty()) ({ Text(summary.details.joinToString(" · ")) }) else null,
        trailingContent = if (summary.hasConflicts) {
            { Icon(Icons.Filled.Warning, contentDescription = tr("conflict_marker"), tint = MaterialTheme.colorScheme.tertiary) }
        } else {
            null
        },
        modifier = if (onClick != null) Modifier.clickable(onClick = onClick) else Modifier,
    )
}

/** `2026-11-03T09:30:00+07:00` shows as `2026-11-03 09:30`: the seconds and zone say nothing to a reader. */
fun shortDate(value: String): String =
    if (value.length > 16 && value[10] == 'T') value.substring(0, 10) + " " + value.substring(11, 16) else value

@Composable
fun UnreadableNote(count: Int) {
    if (count > 0) {
        Text(
            tr("unreadable_records", count),
            color = MaterialTheme.colorScheme.error,
            style = MaterialTheme.typography.bodySmall,
            modifier = Modifier.padding(horizontal = 16.dp, vertical = 4.dp),
        )
    }
}

/**
 * The floating "add" button. Its label is also its content description: the
 * extended button keeps its text out of the semantics, which would leave a
 * screen reader (and a UI test) with an unnamed button.
 */
@Composable
fun AddButton(label: String, onClick: () -> Unit, modifier: Modifier = Modifier) {
    ExtendedFloatingActionButton(
        onClick = onClick,
        icon = { Icon(Icons.Filled.Add, contentDescription = null) },
        text = { Text(label) },
        modifier = modifier.semantics { contentDescription = label },
    )
}

/**
 * A scrolling column of form-like content, no wider than a comfortable
 * line on a laptop and centred there; full width on a phone.
 */
@Composable
fun ReadableColumn(
    modifier: Modifier = Modifier,
    spacing: Int = 12,
    maxWidth: Int = 640,
    content: @Composable ColumnScope.() -> Unit,
) {
    Box(modifier.fillMaxSize().verticalScroll(rememberScrollState()), contentAlignment = Alignment.TopCenter) {
        Column(
            Modifier.widthIn(max = maxWidth.dp).fillMaxWidth().padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(spacing.dp),
            content = content,
        )
    }
}
