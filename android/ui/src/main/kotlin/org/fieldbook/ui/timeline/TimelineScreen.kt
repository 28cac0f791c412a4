package org.fieldbook.ui.timeline

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.FormCatalog
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.state.TimelineStateHolder
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ui.common.AddButton
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.Loading
import org.fieldbook.ui.common.RecordRow
import org.fieldbook.ui.common.SectionHeader
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr

/** A client and everything recorded about them, newest first; add a record from here. */
@Composable
fun TimelineScreen(
    session: StoreSession,
    clientId: String,
    onAdd: (RecordKind) -> Unit,
    onEdit: (RecordKind, String) -> Unit,
) {
    val holder = rememberHolder(clientId) { scope -> TimelineStateHolder(session, scope, clientId) }
    val state by holder.state.collectAsState()
    val language by session.language.collectAsState()
    var menu by remember { mutableStateOf(false) }
    RefreshOnReturn(holder::refresh)

    if (state.loading && state.client == null) {
        Loading()
        return
    }
    Box(Modifier.fillMaxSize()) {
        LazyColumn(contentPadding = PaddingValues(bottom = 88.dp)) {
            state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
            state.client?.let { client ->
                item {
                    Text(client.headline, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.padding(start = 16.dp, end = 16.dp, top = 16.dp))
                    if (client.details.isNotEmpty()) {
                        Text(client.details.joinToString(" · "), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.padding(horizontal = 16.dp))
                    }
                    TextButton(onClick = { onEdit(RecordKind.CLIENT, client.id) }, modifier = Modifier.padding(horizontal = 8.dp)) {
                        Icon(Icons.Filled.Edit, contentDescription = null)
                        Text(tr("timeline_edit_client"), modifier = Modifier.padding(start = 8.dp))
                    }
                    HorizontalDivider()
                    SectionHeader(tr("timeline_activity"))
                }
            }
            if (state.entries.isEmpty() && state.error == null) item { EmptyText(tr("timeline_empty")) }
            items(state.entries, key = { it.id }) { entry ->
                RecordRow(entry, onClick = { onEdit(entry.kind, entry.id) })
            }
        }
        if (state.canAdd.isNotEmpty()) {
            Box(Modifier.align(Alignment.BottomEnd).padding(16.dp)) {
                AddButton(tr("timeline_add"), { menu = true }, Modifier.testTag("timeline-add"))
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
