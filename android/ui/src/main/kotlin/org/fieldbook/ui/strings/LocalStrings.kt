package org.fieldbook.ui.strings

import androidx.compose.runtime.Composable
import androidx.compose.runtime.ReadOnlyComposable
import androidx.compose.runtime.staticCompositionLocalOf

/** The catalog in the person's language; the app's root provides it from the session's language. */
val LocalStrings = staticCompositionLocalOf<Strings> { error("no string catalog provided") }

/** A screen's text in the person's language. The key must be a literal (StringCatalogTest reads them). */
@Composable
@ReadOnlyComposable
fun tr(key: String, vararg args: Any): String = LocalStrings.current.text(key, *args)

/** A text that depends on a count ("1 day" / "2 days"). */
@Composable
@ReadOnlyComposable
fun trPlural(key: String, count: Int, vararg args: Any): String = LocalStrings.current.plural(key, count, *args)
