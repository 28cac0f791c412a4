package org.fieldbook.android.ui.form

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.DuplicateWarning
import org.fieldbook.android.state.FormStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.Loading
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.ffi.RecordKind

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
    val holder = rememberStateHolder("${kind.name}/$recordId/$clientId") { scope ->
        FormStateHolder(session, scope, kind, recordId = recordId, clientId = clientId).also { it.load() }
    }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(state.savedId) { state.savedId?.let(onSaved) }

    if (state.loading) {
        Loading()
        state.error?.let { ErrorMessage(it) }
        return
    }
    LazyColumn(
        Modifier.padding(horizontal = 16.dp),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        item {
            Text(
                state.title + if (recordId != null) " · " + stringResource(R.string.title_form_edit) else "",
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
        item {
            Button(onClick = holder::save, enabled = !state.saving, modifier = Modifier.fillMaxWidth().padding(vertical = 16.dp)) {
                Text(stringResource(R.string.save))
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
    Card(colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.errorContainer), modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(stringResource(R.string.duplicate_title), style = MaterialTheme.typography.titleSmall)
            Text(stringResource(R.string.duplicate_body, same.code.orEmpty()))
            same.matches.forEach { Text("• " + (listOf(it.headline) + it.details).joinToString(" · ")) }
            TextButton(onClick = onOpen) { Text(stringResource(R.string.duplicate_open)) }
        }
    }
}

/** Another client has this identifier code: open that one, or save a different person. */
@Composable
private fun DuplicateDialog(warning: DuplicateWarning, onOpen: () -> Unit, onSaveAnyway: () -> Unit, onDismiss: () -> Unit) {
    AlertDialog(
        onDismissRequest = onDismiss,
        title = { Text(stringResource(R.string.duplicate_title)) },
        text = {
            Column(verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(stringResource(R.string.duplicate_body, warning.code.orEmpty()))
                warning.matches.forEach { match ->
                    Text("• " + (listOf(match.headline) + match.details).joinToString(" · "))
                }
                TextButton(onClick = onSaveAnyway) { Text(stringResource(R.string.duplicate_save_anyway)) }
            }
        },
        confirmButton = { Button(onClick = onOpen) { Text(stringResource(R.string.duplicate_open)) } },
        dismissButton = { TextButton(onClick = onDismiss) { Text(stringResource(R.string.cancel)) } },
    )
}
