package org.fieldbook.ui.hide

import androidx.compose.foundation.clickable
import androidx.compose.foundation.interaction.MutableInteractionSource
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.size
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.ui.strings.tr

/**
 * What quick-hide leaves on screen: the store is locked already, and
 * nothing here says what it held or that it was hidden in a hurry. A tap
 * anywhere brings back the unlock screen.
 */
@Composable
fun HiddenScreen(onReveal: () -> Unit) {
    Box(
        Modifier
            .fillMaxSize()
            // No ripple: a tap should not flash anything a bystander notices.
            .clickable(interactionSource = remember { MutableInteractionSource() }, indication = null, onClick = onReveal)
            .testTag("hidden-cover"),
        contentAlignment = Alignment.Center,
    ) {
        Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Icon(Icons.Filled.Lock, contentDescription = null, tint = MaterialTheme.colorScheme.primary, modifier = Modifier.size(56.dp))
            Text(tr("hidden_cover"), style = MaterialTheme.typography.titleLarge)
        }
    }
}
