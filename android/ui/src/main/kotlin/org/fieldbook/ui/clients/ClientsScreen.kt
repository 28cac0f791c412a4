package org.fieldbook.ui.clients

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.ClientsStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ui.common.AddButton
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.RecordRow
import org.fieldbook.ui.common.UnreadableNote
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr

/** The clients, searched by alias or identifier code as the person types. */
@Composable
fun ClientsScreen(session: StoreSession, onOpen: (String) -> Unit, onAdd: () -> Unit) {
    val holder = rememberHolder { scope -> ClientsStateHolder(session, scope) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::refresh)

    Box(Modifier.fillMaxSize()) {
        Column {
            OutlinedTextField(
                value = state.query,
                onValueChange = holder::setQuery,
                leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                placeholder = { Text(tr("clients_search"), maxLines = 1, overflow = TextOverflow.Ellipsis) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(16.dp).testTag("clients-search"),
            )
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            state.error?.let { ErrorMessage(it, holder::refresh) }
            UnreadableNote(state.unreadable)
            if (!state.loading && state.clients.isEmpty() && state.error == null) {
                EmptyText(if (state.query.isBlank()) tr("clients_none") else tr("clients_no_match"))
            }
            // Room at the end so the add button never covers the last client.
            LazyColumn(contentPadding = PaddingValues(bottom = 88.dp)) {
                items(state.clients, key = { it.id }) { client ->
                    RecordRow(client, showKind = false, onClick = { onOpen(client.id) })
                }
            }
        }
        AddButton(tr("clients_add"), onAdd, Modifier.align(Alignment.BottomEnd).padding(16.dp).testTag("clients-add"))
    }
}
