package org.fieldbook.ui.team

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Column
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material.icons.filled.Edit
import androidx.compose.material.icons.filled.Phone
import androidx.compose.material.icons.filled.Settings
import androidx.compose.material.icons.filled.Share
import androidx.compose.material.icons.filled.Warning
import androidx.compose.material3.Icon
import androidx.compose.material3.ListItem
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.vector.ImageVector
import org.fieldbook.ui.strings.tr

/** The supervisor's tab on a phone: indicators, overdue follow-ups by worker, devices, the security policy, forms and export where files can be picked. */
@Composable
fun TeamScreen(
    onIndicators: () -> Unit,
    onOverdue: () -> Unit,
    onDevices: () -> Unit,
    onPolicy: () -> Unit,
    onForms: (() -> Unit)?,
    onExport: (() -> Unit)?,
) {
    Column {
        Entry(Icons.Filled.DateRange, tr("team_indicators"), tr("team_indicators_hint"), onIndicators)
        Entry(Icons.Filled.Warning, tr("team_overdue"), tr("team_overdue_hint"), onOverdue)
        Entry(Icons.Filled.Phone, tr("team_devices"), tr("team_devices_hint"), onDevices)
        Entry(Icons.Filled.Settings, tr("team_policy"), tr("team_policy_hint"), onPolicy)
        onForms?.let { Entry(Icons.Filled.Edit, tr("team_forms"), tr("team_forms_hint"), it) }
        onExport?.let { Entry(Icons.Filled.Share, tr("team_export"), tr("team_export_hint"), it) }
    }
}

@Composable
private fun Entry(icon: ImageVector, text: String, hint: String, onClick: () -> Unit) {
    ListItem(
        leadingContent = { Icon(icon, contentDescription = null) },
        headlineContent = { Text(text) },
        supportingContent = { Text(hint) },
        modifier = Modifier.clickable(onClick = onClick),
    )
}
