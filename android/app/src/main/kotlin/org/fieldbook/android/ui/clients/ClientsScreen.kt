package org.fieldbook.android.ui.clients

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.PersonAdd
import androidx.compose.material.icons.filled.Search
import androidx.compose.material3.ExtendedFloatingActionButton
import androidx.compose.material3.Icon
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import org.fieldbook.android.R
import org.fieldbook.android.state.ClientsStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.android.ui.common.EmptyText
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.RecordRow
import org.fieldbook.android.ui.common.UnreadableNote
import org.fieldbook.android.ui.rememberStateHolder

/** The clients, searched by alias or identifier code as the person types. */
@Composable
fun ClientsScreen(session: StoreSession, onOpen: (String) -> Unit, onAdd: () -> Unit) {
    val holder = rememberStateHolder { scope -> ClientsStateHolder(session, scope) }
    val state by holder.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { holder.refresh() }

    Box(Modifier.fillMaxSize()) {
        Column {
            OutlinedTextField(
                value = state.query,
                onValueChange = holder::setQuery,
                leadingIcon = { Icon(Icons.Filled.Search, contentDescription = null) },
                placeholder = { Text(stringResource(R.string.clients_search)) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().padding(16.dp),
            )
            if (state.loading) LinearProgressIndicator(Modifier.fillMaxWidth())
            state.error?.let { ErrorMessage(it, holder::refresh) }
            UnreadableNote(state.unreadable)
            if (!state.loading && state.clients.isEmpty() && state.error == null) {
                EmptyText(stringResource(R.string.clients_none))
            }
            LazyColumn {
                items(state.clients, key = { it.id }) { client ->
                    RecordRow(client, showKind = false, onClick = { onOpen(client.id) })
                }
            }
        }
        ExtendedFloatingActionButton(
            onClick = onAdd,
            icon = { Icon(Icons.Filled.PersonAdd, contentDescription = null) },
            text = { Text(stringResource(R.string.clients_add)) },
            modifier = Modifier.align(Alignment.BottomEnd).padding(16.dp),
        )
    }
}
