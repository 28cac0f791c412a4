package org.fieldbook.ui.meetings

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.RecordListStateHolder
import org.fieldbook.android.state.StoreSession
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ui.common.AddButton
import org.fieldbook.ui.common.EmptyText
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.RecordRow
import org.fieldbook.ui.common.UnreadableNote
import org.fieldbook.ui.navigation.RefreshOnReturn
import org.fieldbook.ui.navigation.rememberHolder
import org.fieldbook.ui.strings.tr

/** The peer groups' meetings, newest first; log a new one. */
@Composable
fun MeetingsScreen(session: StoreSession, onOpen: (String) -> Unit, onAdd: () -> Unit) {
    val holder = rememberHolder { scope -> RecordListStateHolder(session, scope, RecordKind.MEETING) }
    val state by holder.state.collectAsState()
    RefreshOnReturn(holder::refresh)

    Box(Modifier.fillMaxSize()) {
        LazyColumn(contentPadding = PaddingValues(bottom = 88.dp)) {
            if (state.loading) item { LinearProgressIndicator(Modifier.fillMaxWidth()) }
            state.error?.let { error -> item { ErrorMessage(error, holder::refresh) } }
            item { UnreadableNote(state.unreadable) }
            if (!state.loading && state.records.isEmpty() && state.error == null) item { EmptyText(tr("meetings_none")) }
            items(state.records, key = { it.id }) { meeting ->
                RecordRow(meeting, showKind = false, onClick = { onOpen(meeting.id) })
            }
        }
        if (state.canAdd) {
            AddButton(tr("meetings_add"), onAdd, Modifier.align(Alignment.BottomEnd).padding(16.dp).testTag("meetings-add"))
        }
    }
}
