package org.fieldbook.ui.strings

import org.fieldbook.ffi.Language
import org.w3c.dom.Element
import java.io.InputStream
import java.util.Locale
import javax.xml.parsers.DocumentBuilderFactory

/**
 * The screens' words in one language, read from the catalog the Android
 * app and the desktop app share (`strings/vi.xml`, `strings/en.xml`: the
 * Android resource format, so translators see what they know). Keys are
 * literal at every call site, so StringCatalogTest can check each one.
 */
class Strings private constructor(
    val language: Language,
    private val texts: Map<String, String>,
    private val plurals: Map<String, Map<String, String>>,
) {
    private val locale: Locale = if (language == Language.ENGLISH) Locale.ENGLISH else VIETNAMESE

    /** The text of [key], with `%1$s`-style arguments filled in. */
    fun text(key: String, vararg args: Any): String {
        val pattern = texts[key] ?: return missing(key)
        return if (args.isEmpty()) pattern else String.format(locale, pattern, *args)
    }

    /** The form of [key] for [count] (Vietnamese has one form, English two). */
    fun plural(key: String, count: Int, vararg args: Any): String {
        val forms = plurals[key] ?: return missing(key)
        val pattern = forms[quantity(count)] ?: forms.getValue(OTHER)
        return String.format(locale, pattern, *args)
    }

    private fun quantity(count: Int): String = if (language == Language.ENGLISH && count == 1) ONE else OTHER

    /** A screen asked for a key the catalog lacks: the test fails on it; the screen shows the key. */
    private fun missing(key: String) = "[$key]"

    companion object {
        const val ONE = "one"
        const val OTHER = "other"
        private val VIETNAMESE: Locale = Locale.forLanguageTag("vi")
        private val cache = mutableMapOf<Language, Strings>()

        @Synchronized
        fun of(language: Language): Strings = cache.getOrPut(language) { load(language) }

        /** The catalog file of a language on the classpath (absolute, so a shrunk Android build finds it too). */
        fun resource(language: Language): String = "/org/fieldbook/ui/strings/catalog/" + fileName(language)

        fun fileName(language: Language): String = when (language) {
            Language.VIETNAMESE -> "vi.xml"
            Language.ENGLISH -> "en.xml"
        }

        private fun load(language: Language): Strings {
            val stream = Strings::class.java.getResourceAsStream(resource(language))
                ?: error("the string catalog ${resource(language)} is not on the classpath")
            val catalog = stream.use(::parse)
            return Strings(language, catalog.texts, catalog.plurals)
        }

        /** Reads one catalog file: `<string name>` and `<plurals name><item quantity>`. */
        fun parse(input: InputStream): Catalog {
            val factory = DocumentBuilderFactory.newInstance().apply {
                isExpandEntityReferences = false
                // A catalog is data: no DTDs. Android's parser knows no such switch (and never loads external entities).
                try {
                    setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)
                } catch (e: javax.xml.parsers.ParserConfigurationException) {
                    // Android: see above.
                }
            }
            val root = factory.newDocumentBuilder().parse(input).documentElement
            val texts = linkedMapOf<String, String>()
            val plurals = linkedMapOf<String, Map<String, String>>()
            val children = root.childNodes
            for (i in 0 until children.length) {
                val node = children.item(i) as? Element ?: continue
                val name = node.getAttribute("name")
                when (node.tagName) {
                    "string" -> {
                        require(texts.put(name, unescape(node.textContent)) == null) { "'$name' is defined twice" }
                    }
                    "plurals" -> {
                        val items = linkedMapOf<String, String>()
                        val list = node.getElementsByTagName("item")
                        for (j in 0 until list.length) {
                            val item = list.item(j) as Element
                            items[item.getAttribute("quantity")] = unescape(item.textContent)
                        }
                        require(plurals.put(name, items) == null) { "'$name' is defined twice" }
                    }
                    else -> error("unexpected <${node.tagName}> in the string catalog")
                }
            }
            return Catalog(texts, plurals)
        }

        /** Android's escapes, the few the catalog uses. */
        private fun unescape(raw: String): String =
            raw.trim().replace("\\n", "\n").replace("\\'", "'").replace("\\\"", "\"")
    }

    /** One language's file as read: plain strings and plural forms by quantity. */
    data class Catalog(val texts: Map<String, String>, val plurals: Map<String, Map<String, String>>)
}
