package org.fieldbook.ui.navigation

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.automirrored.filled.ExitToApp
import androidx.compose.material.icons.filled.Close
import androidx.compose.material.icons.filled.Lock
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationRail
import androidx.compose.material3.NavigationRailItem
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.VerticalDivider
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.rememberCoroutineScope
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.launch
import org.fieldbook.ffi.DeviceIdentity
import org.fieldbook.ffi.Language
import org.fieldbook.ui.AppServices
import org.fieldbook.ui.offline.OfflineBanner
import org.fieldbook.ui.roleLabel
import org.fieldbook.ui.strings.LocalStrings
import org.fieldbook.ui.strings.tr

/**
 * A laptop window: a navigation rail with every destination, and for the
 * lists (today, clients, referrals, meetings, overdue) the list on the left
 * with what was opened from it on the right.
 */
@Composable
fun ExpandedLayout(services: AppServices, identity: DeviceIdentity, nav: Navigator) {
    val offline by services.session.offline.collectAsState()
    Row(Modifier.fillMaxSize()) {
        Rail(services, identity, nav)
        VerticalDivider()
        Column(Modifier.fillMaxSize()) {
            OfflineBanner(offline)
            Row(Modifier.fillMaxSize()) { Panes(services, nav) }
        }
    }
}

/** The list and its detail, or one screen across. */
@Composable
private fun Panes(services: AppServices, nav: Navigator) {
    val stack = nav.stack
    if (nav.top.hasDetailPane) {
        Pane(stack.first(), services, nav, Modifier.width(420.dp).fillMaxHeight(), closable = false)
        VerticalDivider()
        val detail = stack.drop(1).lastOrNull()
        if (detail == null) {
            Box(Modifier.fillMaxSize().padding(32.dp), contentAlignment = Alignment.Center) {
                Text(
                    tr("detail_empty"),
                    style = MaterialTheme.typography.bodyLarge,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    textAlign = TextAlign.Center,
                )
            }
        } else {
            Pane(detail, services, nav, Modifier.fillMaxSize(), closable = true)
        }
    } else {
        Pane(stack.last(), services, nav, Modifier.fillMaxSize(), closable = stack.size > 1)
    }
}

@Composable
private fun Pane(entry: BackStackEntry, services: AppServices, nav: Navigator, modifier: Modifier, closable: Boolean) {
    Column(modifier) {
        Row(Modifier.fillMaxWidth().height(56.dp).padding(horizontal = 8.dp), verticalAlignment = Alignment.CenterVertically) {
            if (closable) {
                IconButton(onClick = { nav.back() }, modifier = Modifier.testTag("nav-back")) {
                    val deeper = nav.stack.size > 2 || !nav.top.hasDetailPane
                    Icon(
                        if (deeper) Icons.AutoMirrored.Filled.ArrowBack else Icons.Filled.Close,
                        contentDescription = if (deeper) tr("back") else tr("close"),
                    )
                }
            } else {
                Spacer(Modifier.width(8.dp))
            }
            Text(
                titleOf(entry.route),
                style = MaterialTheme.typography.titleLarge,
                maxLines = 1,
                overflow = TextOverflow.Ellipsis,
            )
        }
        HorizontalDivider()
        Box(Modifier.fillMaxSize()) { key(entry) { RouteContent(entry, services, nav) } }
    }
}

@Composable
private fun Rail(services: AppServices, identity: DeviceIdentity, nav: Navigator) {
    val scope = rememberCoroutineScope()
    NavigationRail(Modifier.width(112.dp).fillMaxHeight()) {
        Text(
            roleLabel(identity.role),
            style = MaterialTheme.typography.labelMedium,
            color = MaterialTheme.colorScheme.primary,
            textAlign = TextAlign.Center,
            modifier = Modifier.fillMaxWidth().padding(horizontal = 4.dp, vertical = 8.dp),
        )
        railOf(nav.destinations).forEach { destination ->
            NavigationRailItem(
                selected = nav.top == destination,
                onClick = { nav.select(destination) },
                icon = { Icon(iconOf(destination), contentDescription = null) },
                label = { Text(navLabel(destination), textAlign = TextAlign.Center, maxLines = 2) },
                modifier = Modifier.testTag("nav-" + navTag(destination)),
            )
        }
        Spacer(Modifier.weight(1f))
        if (services.languageSwitch) LanguageSwitch(services)
        NavigationRailItem(
            selected = false,
            onClick = { scope.launch { services.session.quickHide() } },
            icon = { Icon(Icons.AutoMirrored.Filled.ExitToApp, contentDescription = tr("hide_now_description")) },
            label = { Text(tr("hide_now"), textAlign = TextAlign.Center) },
            modifier = Modifier.testTag("hide-now"),
        )
        NavigationRailItem(
            selected = false,
            onClick = { scope.launch { services.session.lock() } },
            icon = { Icon(Icons.Filled.Lock, contentDescription = null) },
            label = { Text(tr("lock_now")) },
            modifier = Modifier.testTag("lock"),
        )
    }
}

/** Vietnamese or English, for the screens and the core's messages alike. */
@Composable
private fun LanguageSwitch(services: AppServices) {
    val current = LocalStrings.current.language
    Row(horizontalArrangement = Arrangement.Center, modifier = Modifier.fillMaxWidth()) {
        listOf(Language.VIETNAMESE to "VI", Language.ENGLISH to "EN").forEach { (language, code) ->
            Surface(
                color = if (language == current) MaterialTheme.colorScheme.secondaryContainer else MaterialTheme.colorScheme.surface,
                shape = MaterialTheme.shapes.small,
            ) {
                TextButton(onClick = { services.session.setLanguage(language) }, modifier = Modifier.testTag("language-$code")) { Text(code) }
            }
        }
    }
}
