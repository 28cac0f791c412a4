package org.fieldbook.android.ui.timeline

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Add
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.FormCatalog
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.TimelineStateHolder
import org.fieldbook.android.ui.common.EmptyText
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.Loading
import org.fieldbook.android.ui.common.RecordRow
import org.fieldbook.android.ui.rememberStateHolder
import org.fieldbook.ffi.RecordKind

/** A client and everything recorded about them, newest first; add a record from here. */
@Composable
fun TimelineScreen(
    session: StoreSession,
    clientId: String,
    onAdd: (RecordKind) -> Unit,
    onEdit: (RecordKind, String) -> Unit,
) {
    val holder = rememberStateHolder(clientId) { scope -> TimelineStateHolder(session, scope, clientId) }
    val state by holder.state.collectAsStateWithLifecycle()
    val language by session.language.collectAsStateWithLifecycle()
    var menu by remember { mutableStateOf(false) }
    LaunchedEffect(Unit) { holder.refresh() }

    if (state.loading && state.client == null) {
        Loading()
        return
    }
    Box(Modifier.fillMaxSize()) {
        LazyColumn {
            state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
            state.client?.let { client ->
                item {
                    RecordRow(client, showKind = false)
                    TextButton(onClick = { onEdit(RecordKind.CLIENT, client.id) }, modifier = Modifier.padding(horizontal = 8.dp)) {
                        Text(stringResource(R.string.timeline_edit_client))
                    }
                    HorizontalDivider()
                }
            }
            if (state.entries.isEmpty()) item { EmptyText(stringResource(R.string.timeline_empty)) }
            items(state.entries, key = { it.id }) { entry ->
                RecordRow(entry, onClick = { onEdit(entry.kind, entry.id) })
            }
        }
        if (state.canAdd.isNotEmpty()) {
            Box(Modifier.align(Alignment.BottomEnd).padding(16.dp)) {
                ExtendedFloatingActionButton(
                    onClick = { menu = true },
                    icon = { Icon(Icons.Filled.Add, contentDescription = null) },
                    text = { Text(stringResource(R.string.timeline_add)) },
                )
                DropdownMenu(expanded = menu, onDismissRequest = { menu = false }) {
                    val catalog = FormCatalog.of(language)
                    state.canAdd.forEach { kind ->
                        DropdownMenuItem(
                            text = { Text(catalog.title(kind)) },
                            onClick = {
                                menu = false
                                onAdd(kind)
                            },
                        )
                    }
                }
            }
        }
    }
}
