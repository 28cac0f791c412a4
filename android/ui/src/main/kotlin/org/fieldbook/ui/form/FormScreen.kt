package org.fieldbook.ui.form

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.widthIn
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.lazy.rememberLazyListState
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.DuplicateWarning
import org.fieldbook.android.state.FormStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.Loading
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.LocalStrings
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.strings.trPlural

/**
 * The one form screen for every kind (client, contact, case note, referral,
 * meeting), new or edited: drawn from the core's form definition.
 */
@Composable
fun FormScreen(
    session: StoreSession,
    kind: RecordKind,
    recordId: String?,
    clientId: String?,
    onSaved: (String) -> Unit,
    onOpenClient: (String) -> Unit,
) {
    val holder = rememberHolder("${kind.name}/$recordId/$clientId") { scope ->
        FormStateHolder(session, scope, kind, recordId = recordId, clientId = clientId).also { it.load() }
    }
    // The form's labels and messages come from the core in the person's language; what was typed stays.
    val language = LocalStrings.current.language
    LaunchedEffect(language) { holder.relabel() }
    val state by holder.state.collectAsState()
    val list = rememberLazyListState()
    LaunchedEffect(state.savedId) { state.savedId?.let(onSaved) }
    // A refused save: the first field the core flagged comes into view (the title and a warning card come first).
    LaunchedEffect(state.refusedSaves) {
        if (state.refusedSaves == 0) return@LaunchedEffect
        val first = state.fields.indexOfFirst { it.messages.isNotEmpty() }
        if (first >= 0) list.animateScrollToItem(first + 1 + (if (state.sameCode != null) 1 else 0))
    }

    if (state.loading) {
        Column {
            state.error?.let { ErrorMessage(it) } ?: Loading()
        }
        return
    }
    Box(Modifier.fillMaxSize(), contentAlignment = Alignment.TopCenter) {
        LazyColumn(
            Modifier.widthIn(max = 720.dp).fillMaxWidth().testTag("form-list"),
            state = list,
            contentPadding = PaddingValues(horizontal = 16.dp, vertical = 8.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            item {
                Text(
                    state.title + if (recordId != null) " · " + tr("title_form_edit") else "",
                    style = MaterialTheme.typography.titleLarge,
                    modifier = Modifier.padding(vertical = 8.dp),
                )
            }
            state.sameCode?.let { same ->
                item { SameCodeCard(same, onOpen = { onOpenClient(same.existingId) }) }
            }
            items(state.fields, key = { it.spec.key }) { field ->
                FieldEditor(
                    field,
                    onText = { holder.setText(field.spec.key, it) },
                    onValue = { holder.setValue(field.spec.key, it) },
                )
            }
            items(state.formMessages) { Text(it, color = MaterialTheme.colorScheme.error) }
            state.error?.let { error -> item { ErrorMessage(error) } }
            val flagged = state.fields.count { it.messages.isNotEmpty() }
            if (flagged > 0 && state.refusedSaves > 0) {
                item { Text(trPlural("form_fix_fields", flagged, flagged), color = MaterialTheme.colorScheme.error) }
            }
            item {
                Button(
                    onClick = holder::save,
                    enabled = !state.saving,
                    modifier = Modifier.fillMaxWidth().padding(vertical = 16.dp).testTag("form-save"),
                ) {
                    Text(tr("save"))
                }
            }
        }
    }
    state.duplicate?.let { warning ->
        DuplicateDialog(
            warning,
            onOpen = {
                holder.dismissDuplicate()
                onOpenClient(warning.existingId)
            },
            onSaveAnyway = holder::saveAnyway,
            onDismiss = holder::dismissDuplicate,
        )
    }
}

/** As the person types: the clients who already have the code these answers give. */
@Composable
private fun SameCodeCard(same: DuplicateWarning, onOpen: () -> Unit) {
    Card(
        colors = CardDefaults.cardColors(
            containerColor = MaterialTheme.colorScheme.errorContainer,
            contentColor = MaterialTheme.colorScheme.onErrorContainer,
        ),
        modifier = Modifier.fillMaxWidth().testTag("same-code"),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(tr("duplicate_title"), style = MaterialTheme.typography.titleMedium)
            Text(tr("duplicate_body", same.code.orEmpty()), style = MaterialTheme.typography.bodyMedium)
            same.matches.forEach { Text("• " + (listOf(it.headline) + it.details).joinToString(" · "), style = MaterialTheme.typography.bodyMedium) }
            TextButton(onClick = onOpen) { Text(tr("duplicate_open")) }
        }
    }
}

/** Another client has this identifier code: open that one, or save a different person. */
@Composable
private fun DuplicateDialog(warning: DuplicateWarning, onOpen: () -> Unit, onSaveAnyway: () -> Unit, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(tr("duplicate_title")) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(tr("duplicate_body", warning.code.orEmpty()))
                warning.matches.forEach { match ->
                    Text("• " + (listOf(match.headline) + match.details).joinToString(" · "))
                }
                TextButton(onClick = onSaveAnyway) { Text(tr("duplicate_save_anyway")) }
            }
        },
        confirmButton = { Button(onClick = onOpen) { Text(tr("duplicate_open")) } },
        dismissButton = { TextButton(onClick = onDismiss) { Text(tr("cancel")) } },
    )
}
