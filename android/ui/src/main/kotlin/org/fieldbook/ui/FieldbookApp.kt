package org.fieldbook.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import kotlinx.coroutines.launch
import org.fieldbook.android.state.SessionState
import org.fieldbook.ui.common.ErrorMessage
import org.fieldbook.ui.common.Loading
import org.fieldbook.ui.common.ReadableColumn
import org.fieldbook.ui.hide.HiddenScreen
import org.fieldbook.ui.navigation.MainScreen
import org.fieldbook.ui.setup.SetupScreen
import org.fieldbook.ui.strings.LocalStrings
import org.fieldbook.ui.strings.Strings
import org.fieldbook.ui.strings.tr
import org.fieldbook.ui.unlock.UnlockScreen

/**
 * The app follows the store's state: set up, PIN, or the screens. When the
 * store locks (background, idle, the lock button) every screen leaves the
 * composition and takes what it showed with it. Shared by the Android app
 * and the desktop app.
 */
@Composable
fun FieldbookApp(services: AppServices, modifier: Modifier = Modifier) {
    val language by services.session.language.collectAsState()
    CompositionLocalProvider(LocalStrings provides Strings.of(language)) {
        val session by services.session.state.collectAsState()
        val hidden by services.session.hidden.collectAsState()
        Surface(modifier.fillMaxSize()) {
            // Quick-hide: the store is locked; a neutral screen until the person taps it.
            if (hidden) {
                HiddenScreen(onReveal = services.session::reveal)
                return@Surface
            }
            when (val state = session) {
                SessionState.Starting -> Loading()
                SessionState.NoStore -> SetupScreen(services.session)
                SessionState.Locked -> UnlockScreen(services.session)
                SessionState.Erased -> ErasedScreen(services)
                is SessionState.Failed -> Column {
                    Text(tr("store_failed"), style = MaterialTheme.typography.titleLarge)
                    ErrorMessage(state.error)
                }
                is SessionState.Unlocked -> MainScreen(services, state.identity)
            }
        }
    }
}

@Composable
private fun ErasedScreen(services: AppServices) {
    val scope = rememberCoroutineScope()
    ReadableColumn(spacing = 16) {
        Text(tr("erased_title"), style = MaterialTheme.typography.headlineSmall)
        Text(tr("erased_body"))
        Button(onClick = { scope.launch { services.session.startOver() } }) {
            Text(tr("erased_start_over"))
        }
    }
}
