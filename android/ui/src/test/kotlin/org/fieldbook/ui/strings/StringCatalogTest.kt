package org.fieldbook.ui.strings

import org.fieldbook.ffi.Language
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test
import java.io.File

/**
 * The one string catalog the Android app and the desktop app share: every
 * key in both languages with the same placeholders, every key a screen
 * asks for present, every key in the catalog asked for somewhere, and
 * every call site naming its key literally (so this test can see it).
 */
class StringCatalogTest {
    private val vi = catalog(Language.VIETNAMESE)
    private val en = catalog(Language.ENGLISH)

    /** The shared screens and the desktop app: the code that asks for strings. */
    private val sources: List<File> = run {
        val root = File(System.getProperty("fieldbook.sources") ?: ".")
        listOf("android/ui/src/main/kotlin", "desktop/src/main/kotlin")
            .map { File(root, it) }
            .onEach { assertTrue("no sources at ${it.absolutePath} (run with -Dfieldbook.sources=REPO)", it.isDirectory) }
            .flatMap { dir -> dir.walk().filter { it.isFile && it.extension == "kt" }.toList() }
            // The catalog's own API (tr, trPlural, Strings) takes keys as parameters.
            .filter { it.parentFile.name != "strings" }
    }

    @Test
    fun everyKeyHasBothLanguages() {
        assertEquals("keys only in one language", emptySet<String>(), vi.texts.keys xor en.texts.keys)
        assertEquals("plurals only in one language", emptySet<String>(), vi.plurals.keys xor en.plurals.keys)
        (vi.texts + en.texts).forEach { (key, text) -> assertTrue("'$key' is empty", text.isNotBlank()) }
    }

    @Test
    fun pluralsHaveTheFormsEachLanguageNeeds() {
        vi.plurals.forEach { (key, forms) -> assertTrue("vi '$key' needs 'other'", Strings.OTHER in forms) }
        en.plurals.forEach { (key, forms) -> assertEquals("en '$key'", setOf(Strings.ONE, Strings.OTHER), forms.keys) }
    }

    @Test
    fun bothLanguagesTakeTheSameArguments() {
        vi.texts.forEach { (key, text) -> assertEquals("placeholders of '$key'", placeholders(text), placeholders(en.texts.getValue(key))) }
        vi.plurals.forEach { (key, forms) ->
            val expected = placeholders(forms.getValue(Strings.OTHER))
            (forms.values + en.plurals.getValue(key).values).forEach { assertEquals("placeholders of '$key'", expected, placeholders(it)) }
        }
    }

    @Test
    fun everyKeyTheScreensUseExistsAndEveryKeyIsUsed() {
        val used = sources.flatMap { file -> keyCalls(file.readText()).map { it to file.name } }
        assertTrue("found no string keys in the sources", used.isNotEmpty())
        val unknown = used.filter { (key, _) -> key !in vi.texts && key !in vi.plurals }
        assertEquals("keys the screens use but the catalog lacks", emptyList<Pair<String, String>>(), unknown)
        val unused = (vi.texts.keys + vi.plurals.keys) - used.map { it.first }.toSet()
        assertEquals("keys no screen uses", emptySet<String>(), unused)
    }

    @Test
    fun everyCallNamesItsKeyLiterally() {
        val dynamic = sources.flatMap { file ->
            CALL.findAll(file.readText()).filter { !it.groupValues[2].startsWith("\"") }.map { "${file.name}: ${it.value}" }.toList()
        }
        assertEquals("calls whose key this test cannot read", emptyList<String>(), dynamic)
    }

    @Test
    fun theCatalogFormatsInEachLanguage() {
        assertEquals("Quá hạn 3 ngày", Strings.of(Language.VIETNAMESE).plural("days_overdue", 3, 3))
        assertEquals("1 day overdue", Strings.of(Language.ENGLISH).plural("days_overdue", 1, 1))
        assertEquals("3 days overdue", Strings.of(Language.ENGLISH).plural("days_overdue", 3, 3))
        assertEquals("Hạn: 2026-11-03", Strings.of(Language.VIETNAMESE).text("due_on", "2026-11-03"))
        assertEquals("[no_such_key]", Strings.of(Language.ENGLISH).text("no_such_key"))
    }

    private fun catalog(language: Language): Strings.Catalog {
        val stream = Strings::class.java.getResourceAsStream(Strings.resource(language))
        assertTrue("${Strings.resource(language)} is on the classpath", stream != null)
        return stream!!.use(Strings::parse)
    }

    private fun placeholders(text: String): List<String> = PLACEHOLDER.findAll(text).map { it.value }.sorted().toList()

    private fun keyCalls(source: String): List<String> =
        CALL.findAll(source).mapNotNull { Regex("^\"([a-z0-9_]+)\"").find(it.groupValues[2])?.groupValues?.get(1) }.toList()

    private infix fun Set<String>.xor(other: Set<String>) = (this - other) + (other - this)

    private companion object {
        /** `tr("key"…)`, `trPlural("key"…)`, `strings.text("key"…)`, `.plural("key"…)`: what asks the catalog. */
        val CALL = Regex("""\b(tr|trPlural|strings\.text|strings\.plural|\.plural)\(\s*([^)\s][^,)]*)""")
        val PLACEHOLDER = Regex("""%\d+\$[sd]""")
    }
}
