package org.fieldbook.desktop

import org.fieldbook.ffi.Language
import java.io.File
import java.util.Properties

/** The person's choices that outlive a run: for now the language. Nothing about records. */
class Preferences(private val file: File) {
    fun language(): Language? = load().getProperty(LANGUAGE)?.let { value -> Language.entries.firstOrNull { it.name == value } }

    fun setLanguage(language: Language) {
        val props = load().apply { setProperty(LANGUAGE, language.name) }
        file.parentFile?.mkdirs()
        file.outputStream().use { props.store(it, null) }
    }

    private fun load() = Properties().apply { if (file.exists()) file.inputStream().use(::load) }

    private companion object {
        const val LANGUAGE = "language"
    }
}
