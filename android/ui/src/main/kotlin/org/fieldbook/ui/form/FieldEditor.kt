package org.fieldbook.ui.form

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.DateRange
import androidx.compose.material3.DatePicker
import androidx.compose.material3.DatePickerDialog
import androidx.compose.material3.DropdownMenu
import androidx.compose.material3.DropdownMenuItem
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.material3.rememberDatePickerState
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import org.fieldbook.android.state.FieldUi
import org.fieldbook.ffi.FieldType
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Quantity
import org.fieldbook.ui.strings.tr
import java.time.Instant
import java.time.ZoneOffset

/**
 * Draws one field of any form from its spec: the field's type picks the
 * editor, the spec gives label, hint and choices, the core's messages show
 * underneath. Adding a field to a form in the core needs nothing here.
 */
@Composable
fun FieldEditor(field: FieldUi, onText: (String) -> Unit, onValue: (FieldValue?) -> Unit) {
    val spec = field.spec
    val label = spec.label + if (spec.required) " *" else ""
    field.headings.forEach { heading ->
        Text(heading, style = MaterialTheme.typography.titleMedium, color = MaterialTheme.colorScheme.primary, modifier = Modifier.padding(top = 12.dp))
    }
    if (spec.fieldType == FieldType.NOTE) {
        Column(Modifier.fillMaxWidth().padding(vertical = 4.dp).testTag("field-" + spec.key)) {
            Text(spec.label, style = MaterialTheme.typography.bodyLarge)
            spec.hint?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        }
        return
    }
    if (field.readOnly) {
        Column(Modifier.fillMaxWidth().padding(vertical = 4.dp).testTag("field-" + spec.key)) {
            Text(spec.label, style = MaterialTheme.typography.labelMedium)
            Text(field.text, style = MaterialTheme.typography.bodyLarge)
            Text(if (spec.system) tr("form_system_value") else tr("form_filled_by_form"), style = MaterialTheme.typography.bodySmall)
            field.messages.forEach { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
        }
        return
    }
    when (spec.fieldType) {
        FieldType.TEXT, FieldType.INTEGER, FieldType.DECIMAL, FieldType.DATETIME, FieldType.PHONE -> TextEditor(field, label, onText)
        FieldType.DATE -> DateEditor(field, label, onText)
        FieldType.SINGLE_CHOICE -> Labeled(field, label) {
            if (spec.dropdown) SingleChoiceMenu(field, onValue) else SingleChoice(field, onValue)
        }
        FieldType.MULTIPLE_CHOICE -> Labeled(field, label) {
            if (spec.dropdown) MultipleChoiceMenu(field, onValue) else MultipleChoice(field, onValue)
        }
        FieldType.YES_NO -> Labeled(field, label) { YesNo(field, onValue) }
        FieldType.LINK -> Labeled(field, label) {
            if (spec.multiple) MultipleLinks(field, onValue) else SingleLink(field, onValue)
        }
        FieldType.QUANTITIES -> Labeled(field, label) { Quantities(field, onValue) }
        // Worked out by the core on save, never drawn (the state leaves it out).
        FieldType.NOTE, FieldType.CALCULATE -> Unit
    }
}

@Composable
private fun TextEditor(field: FieldUi, label: String, onText: (String) -> Unit) {
    val keyboard = when {
        field.spec.fieldType == FieldType.INTEGER -> KeyboardType.Number
        field.spec.fieldType == FieldType.DECIMAL -> KeyboardType.Decimal
        field.spec.fieldType == FieldType.PHONE -> KeyboardType.Phone
        field.spec.numberPad -> KeyboardType.Number
        else -> KeyboardType.Text
    }
    // The form says which text fields take several lines; the others refuse line breaks.
    val long = field.spec.multiline
    OutlinedTextField(
        value = field.text,
        onValueChange = onText,
        label = { Text(label) },
        supportingText = supporting(field),
        isError = field.messages.isNotEmpty(),
        singleLine = !long,
        minLines = if (long) 3 else 1,
        keyboardOptions = KeyboardOptions(keyboardType = keyboard),
        modifier = Modifier.fillMaxWidth().testTag("field-" + field.spec.key),
    )
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
private fun DateEditor(field: FieldUi, label: String, onText: (String) -> Unit) {
    var picking by remember { mutableStateOf(false) }
    OutlinedTextField(
        value = field.text,
        onValueChange = onText,
        label = { Text(label) },
        placeholder = { Text("YYYY-MM-DD") },
        supportingText = supporting(field),
        isError = field.messages.isNotEmpty(),
        singleLine = true,
        trailingIcon = {
            IconButton(onClick = { picking = true }) {
                Icon(Icons.Filled.DateRange, contentDescription = tr("form_pick_date"))
            }
        },
        modifier = Modifier.fillMaxWidth().testTag("field-" + field.spec.key),
    )
    if (picking) {
        val picker = rememberDatePickerState()
        DatePickerDialog(
            onDismissRequest = { picking = false },
            confirmButton = {
                TextButton(onClick = {
                    picker.selectedDateMillis?.let { millis ->
                        // The picker's millis are midnight UTC of the chosen day.
                        onText(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate().toString())
                    }
                    picking = false
                }) { Text(tr("apply")) }
            },
            dismissButton = { TextButton(onClick = { picking = false }) { Text(tr("cancel")) } },
        ) { DatePicker(picker) }
    }
}

/** The core's messages when there are some, else the form's hint. */
private fun supporting(field: FieldUi): (@Composable () -> Unit)? {
    val text = if (field.messages.isNotEmpty()) field.messages.joinToString("\n") else field.spec.hint ?: return null
    return { Text(text) }
}

@Composable
private fun Labeled(field: FieldUi, label: String, content: @Composable () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(vertical = 4.dp).testTag("field-" + field.spec.key), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Text(label, style = MaterialTheme.typography.titleSmall)
        field.spec.hint?.let { Text(it, style = MaterialTheme.typography.bodySmall) }
        content()
        field.messages.forEach { Text(it, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodySmall) }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun SingleChoice(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    val selected = (field.value as? FieldValue.Choice)?.value
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        field.choices.forEach { choice ->
            FilterChip(
                selected = choice.value == selected,
                // Tapping the chosen answer again takes it back.
                onClick = { onValue(if (choice.value == selected) null else FieldValue.Choice(choice.value)) },
                label = { Text(choice.label) },
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun MultipleChoice(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    val selected = (field.value as? FieldValue.Choices)?.values.orEmpty()
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        field.choices.forEach { choice ->
            val on = choice.value in selected
            FilterChip(
                selected = on,
                onClick = {
                    val next = if (on) selected - choice.value else selected + choice.value
                    // In the form's order of choices, whatever order they were tapped in.
                    val ordered = field.spec.choices.map { it.value }.filter { it in next }
                    onValue(if (ordered.isEmpty()) null else FieldValue.Choices(ordered))
                },
                label = { Text(choice.label) },
            )
        }
    }
}

/** A long list as a drop-down (the form's `minimal` appearance). */
@Composable
private fun SingleChoiceMenu(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    var open by remember { mutableStateOf(false) }
    val selected = (field.value as? FieldValue.Choice)?.value
    val shown = field.spec.choices.firstOrNull { it.value == selected }?.label ?: tr("form_choose")
    Box {
        OutlinedButton(onClick = { open = true }, modifier = Modifier.fillMaxWidth().testTag("menu-" + field.spec.key)) { Text(shown) }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            if (selected != null) {
                DropdownMenuItem(text = { Text(tr("form_clear_choice")) }, onClick = {
                    open = false
                    onValue(null)
                })
            }
            field.choices.forEach { choice ->
                DropdownMenuItem(text = { Text(choice.label) }, onClick = {
                    open = false
                    onValue(FieldValue.Choice(choice.value))
                })
            }
        }
    }
}

/** Several answers from a long list: the menu stays open, each tap ticks or unticks one. */
@Composable
private fun MultipleChoiceMenu(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    var open by remember { mutableStateOf(false) }
    val selected = (field.value as? FieldValue.Choices)?.values.orEmpty()
    val shown = field.spec.choices.filter { it.value in selected }.joinToString(", ") { it.label }.ifEmpty { tr("form_choose") }
    Box {
        OutlinedButton(onClick = { open = true }, modifier = Modifier.fillMaxWidth().testTag("menu-" + field.spec.key)) { Text(shown) }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            field.choices.forEach { choice ->
                val on = choice.value in selected
                DropdownMenuItem(
                    text = { Text(choice.label) },
                    leadingIcon = { if (on) Icon(Icons.Filled.Check, contentDescription = null) },
                    onClick = {
                        val next = if (on) selected - choice.value else selected + choice.value
                        val ordered = field.spec.choices.map { it.value }.filter { it in next }
                        onValue(if (ordered.isEmpty()) null else FieldValue.Choices(ordered))
                    },
                )
            }
        }
    }
}

@Composable
private fun YesNo(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    val value = (field.value as? FieldValue.YesNo)?.value
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        FilterChip(selected = value == true, onClick = { onValue(if (value == true) null else FieldValue.YesNo(true)) }, label = { Text(tr("form_yes")) })
        FilterChip(selected = value == false, onClick = { onValue(if (value == false) null else FieldValue.YesNo(false)) }, label = { Text(tr("form_no")) })
    }
}

@Composable
private fun SingleLink(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    var open by remember { mutableStateOf(false) }
    val selected = (field.value as? FieldValue.Link)?.id
    val shown = field.linkOptions.firstOrNull { it.id == selected }?.label ?: tr("form_choose")
    Box {
        OutlinedButton(onClick = { open = true }, modifier = Modifier.fillMaxWidth()) { Text(shown) }
        DropdownMenu(expanded = open, onDismissRequest = { open = false }) {
            field.linkOptions.forEach { option ->
                DropdownMenuItem(text = { Text(option.label) }, onClick = {
                    open = false
                    onValue(FieldValue.Link(option.id))
                })
            }
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun MultipleLinks(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    val selected = (field.value as? FieldValue.Links)?.ids.orEmpty()
    FlowRow(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        field.linkOptions.forEach { option ->
            val on = option.id in selected
            FilterChip(
                selected = on,
                onClick = {
                    val next = if (on) selected - option.id else selected + option.id
                    onValue(if (next.isEmpty()) null else FieldValue.Links(next))
                },
                label = { Text(option.label) },
            )
        }
    }
}

@Composable
private fun Quantities(field: FieldUi, onValue: (FieldValue?) -> Unit) {
    val items = (field.value as? FieldValue.Quantities)?.items.orEmpty()
    field.spec.choices.forEach { choice ->
        val count = items.firstOrNull { it.item == choice.value }?.count
        Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
            Text(choice.label, modifier = Modifier.weight(1f))
            OutlinedTextField(
                value = count?.toString().orEmpty(),
                onValueChange = { raw ->
                    val digits = raw.filter(Char::isDigit).take(6)
                    val others = items.filter { it.item != choice.value }
                    val mine = digits.toULongOrNull()?.takeIf { it > 0u }?.let { Quantity(choice.value, it) }
                    // Kept in the form's order of items.
                    val next = field.spec.choices.mapNotNull { c ->
                        if (c.value == choice.value) mine else others.firstOrNull { it.item == c.value }
                    }
                    onValue(if (next.isEmpty()) null else FieldValue.Quantities(next))
                },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                modifier = Modifier.width(96.dp).testTag("field-" + field.spec.key + "-" + choice.value),
            )
        }
    }
}
