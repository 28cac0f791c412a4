package org.fieldbook.android.state

import org.fieldbook.ffi.FormSpec
import org.fieldbook.ffi.Language
import org.fieldbook.ffi.RecordKind
import org.fieldbook.ffi.allForms

/**
 * The forms in one language: titles, field labels and choice labels for
 * lists and summaries, so no screen hard-codes what the forms already say in
 * Vietnamese and English. A session's catalog ([StoreSession.forms]) holds
 * the forms its store uses, which the team's supervisors may have published
 * since the app was built; [of] holds the built-in ones.
 */
class FormCatalog(val language: Language, specs: List<FormSpec> = allForms(language)) {
    private val forms: Map<RecordKind, FormSpec> = specs.associateBy { it.kind }

    fun form(kind: RecordKind): FormSpec = forms.getValue(kind)

    fun title(kind: RecordKind): String = form(kind).title

    fun fieldLabel(kind: RecordKind, field: String): String =
        form(kind).fields.firstOrNull { it.key == field }?.label ?: field

    /** A choice's label; the raw value when the form no longer lists it. */
    fun choiceLabel(kind: RecordKind, field: String, value: String): String =
        form(kind).fields.firstOrNull { it.key == field }?.choices?.firstOrNull { it.value == value }?.label ?: value

    companion object {
        private val cache = mutableMapOf<Language, FormCatalog>()

        /** The built-in forms are compiled into the core: one catalog per language is enough. */
        @Synchronized
        fun of(language: Language): FormCatalog = cache.getOrPut(language) { FormCatalog(language) }
    }
}
