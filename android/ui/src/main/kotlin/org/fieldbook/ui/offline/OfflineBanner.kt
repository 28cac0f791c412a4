package org.fieldbook.ui.offline

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import org.fieldbook.ffi.OfflineStatus
import org.fieldbook.ui.strings.trPlural

/**
 * From a week before the offline erase, above every main screen: sync
 * soon, or the store erases itself at its next open or unlock.
 */
@Composable
fun OfflineBanner(status: OfflineStatus?) {
    if (status == null || !status.warn) return
    val daysLeft = status.daysLeft.toInt()
    Surface(color = MaterialTheme.colorScheme.errorContainer, contentColor = MaterialTheme.colorScheme.onErrorContainer, modifier = Modifier.fillMaxWidth().testTag("offline-warning")) {
        Row(Modifier.padding(horizontal = 16.dp, vertical = 10.dp), horizontalArrangement = Arrangement.spacedBy(12.dp), verticalAlignment = Alignment.CenterVertically) {
            Icon(Icons.Filled.Warning, contentDescription = null, modifier = Modifier.size(20.dp))
            Text(trPlural("offline_warning", daysLeft, status.daysOffline.toInt(), daysLeft), style = MaterialTheme.typography.bodyMedium)
        }
    }
}
