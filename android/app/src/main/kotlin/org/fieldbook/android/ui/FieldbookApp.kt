package org.fieldbook.android.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import kotlinx.coroutines.launch
import org.fieldbook.android.AppContainer
import org.fieldbook.android.R
import org.fieldbook.android.state.SessionState
import org.fieldbook.android.ui.common.ErrorMessage
import org.fieldbook.android.ui.common.Loading
import org.fieldbook.android.ui.setup.SetupScreen
import org.fieldbook.android.ui.unlock.UnlockScreen

/**
 * The app follows the store's state: set up, PIN, or the screens. When the
 * store locks (background, idle) every screen leaves and takes what it
 * showed with it.
 */
@Composable
fun FieldbookApp(container: AppContainer) {
    val session by container.session.state.collectAsStateWithLifecycle()
    val unlocked = unlockedViewModels()
    // Runs after the screens left the composition; a rotation keeps them (still unlocked).
    LaunchedEffect(session is SessionState.Unlocked) {
        if (session !is SessionState.Unlocked) unlocked.dropAll()
    }
    Surface(Modifier.fillMaxSize()) {
        when (val state = session) {
            SessionState.Starting -> Loading()
            SessionState.NoStore -> SetupScreen(container.session)
            SessionState.Locked -> UnlockScreen(container.session)
            SessionState.Erased -> ErasedScreen(container)
            is SessionState.Failed -> Column(Modifier.padding(24.dp)) {
                Text(stringResource(R.string.store_failed), style = MaterialTheme.typography.titleLarge)
                ErrorMessage(state.error)
            }
            is SessionState.Unlocked -> UnlockedScope(unlocked) { MainNavigation(container, state.identity) }
        }
    }
}

@Composable
private fun ErasedScreen(container: AppContainer) {
    val scope = rememberCoroutineScope()
    Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text(stringResource(R.string.erased_title), style = MaterialTheme.typography.headlineSmall)
        Text(stringResource(R.string.erased_body))
        Button(onClick = { scope.launch { container.session.startOver() } }) {
            Text(stringResource(R.string.erased_start_over))
        }
    }
}
