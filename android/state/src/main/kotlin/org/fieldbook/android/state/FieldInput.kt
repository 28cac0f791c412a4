package org.fieldbook.android.state

import org.fieldbook.ffi.FieldSpec
import org.fieldbook.ffi.FieldType
import org.fieldbook.ffi.FieldValue

/**
 * Between what a person types in a text box and the typed value the core
 * checks. Text that is not a number yet is passed on as text, so the core
 * itself says, in the person's language, that the field wants a number.
 */
object FieldInput {
    fun parse(spec: FieldSpec, raw: String): FieldValue? {
        val text = raw.trim()
        if (text.isEmpty()) return null
        return when (spec.fieldType) {
            FieldType.INTEGER -> text.toLongOrNull()?.let { FieldValue.Integer(it) } ?: FieldValue.Text(text)
            FieldType.DECIMAL -> text.replace(',', '.').toDoubleOrNull()?.let { FieldValue.Decimal(it) } ?: FieldValue.Text(text)
            FieldType.DATE -> FieldValue.Date(text)
            FieldType.DATETIME -> FieldValue.Datetime(text)
            // Free text keeps the person's own spacing; a phone number's
            // spaces and dashes are the core's to drop.
            else -> FieldValue.Text(raw)
        }
    }

    fun format(value: FieldValue?): String = when (value) {
        null -> ""
        is FieldValue.Text -> value.value
        is FieldValue.Integer -> value.value.toString()
        is FieldValue.Decimal -> value.value.toString()
        is FieldValue.Date -> value.value
        is FieldValue.Datetime -> value.value
        is FieldValue.Choice -> value.value
        is FieldValue.Choices -> value.values.joinToString(", ")
        is FieldValue.YesNo -> value.value.toString()
        is FieldValue.Link -> value.id
        is FieldValue.Links -> value.ids.joinToString(", ")
        is FieldValue.Quantities -> value.items.joinToString(", ") { "${it.item} ${it.count}" }
    }
}
