package org.fieldbook.android.ui.team

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.BarChart
import androidx.compose.material.icons.filled.Devices
import androidx.compose.material.icons.filled.Schedule
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.res.stringResource
import org.fieldbook.android.R

/** The supervisor's tab: indicators, overdue follow-ups by worker, devices. */
@Composable
fun TeamScreen(onIndicators: () -> Unit, onOverdue: () -> Unit, onDevices: () -> Unit) {
    Column {
        Entry(Icons.Filled.BarChart, stringResource(R.string.team_indicators), onIndicators)
        Entry(Icons.Filled.Schedule, stringResource(R.string.team_overdue), onOverdue)
        Entry(Icons.Filled.Devices, stringResource(R.string.team_devices), onDevices)
    }
}

@Composable
private fun Entry(icon: ImageVector, text: String, onClick: () -> Unit) {
    ListItem(
        leadingContent = { Icon(icon, contentDescription = null) },
        headlineContent = { Text(text) },
        modifier = Modifier.clickable(onClick = onClick),
    )
}
