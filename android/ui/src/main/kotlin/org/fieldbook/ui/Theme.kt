package org.fieldbook.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

private val Teal = Color(0xFF00696B)
private val Amber = Color(0xFF8A5100)

val FieldbookLight = lightColorScheme(
    primary = Teal,
    secondary = Color(0xFF4A6363),
    tertiary = Amber,
    secondaryContainer = Color(0xFFCCE8E7),
    onSecondaryContainer = Color(0xFF051F1F),
)
val FieldbookDark = darkColorScheme(primary = Color(0xFF4CDADC), tertiary = Color(0xFFFFB86E))

/** Material 3 in the program's colours; Android passes the phone's own colours where it offers them. */
@Composable
fun FieldbookTheme(
    dark: Boolean = isSystemInDarkTheme(),
    colors: ColorScheme = if (dark) FieldbookDark else FieldbookLight,
    content: @Composable () -> Unit,
) {
    MaterialTheme(colorScheme = colors, content = content)
}
