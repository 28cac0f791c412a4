package org.fieldbook.android.state

import org.fieldbook.ffi.ChoiceSpec
import org.fieldbook.ffi.FieldSpec
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.RecordKind

/** A record a link field may point to. */
data class LinkOption(val id: String, val label: String)

/** One field as the generic renderer draws it. */
data class FieldUi(
    val spec: FieldSpec,
    val value: FieldValue?,
    /** What a text box shows: what was typed, even when it is not a valid number yet. */
    val text: String,
    /** Set by the core (the client code) or by the form (a read-only question): shown, never edited. */
    val readOnly: Boolean,
    /** The core's messages for this field, in the person's language. */
    val messages: List<String>,
    val linkOptions: List<LinkOption> = emptyList(),
    /** The choices offered: all of the spec's, or those its filter leaves for the other answers. */
    val choices: List<ChoiceSpec> = spec.choices,
    /** The headings of the form's sections that begin at this field, outermost first. */
    val headings: List<String> = emptyList(),
)

/** Another client has the identifier code this one would get. */
data class DuplicateWarning(val existingId: String, val code: String?, val matches: List<RecordSummary>)

data class FormState(
    val loading: Boolean = true,
    val kind: RecordKind,
    /** The record being edited; `null` for a new one. */
    val recordId: String? = null,
    val title: String = "",
    /** The fields the form shows for the values so far, in form order. */
    val fields: List<FieldUi> = emptyList(),
    /** Messages about the form as a whole (a rule across fields). */
    val formMessages: List<String> = emptyList(),
    val saving: Boolean = false,
    /** Set once the record is written: the screen closes. */
    val savedId: String? = null,
    /** The save was refused: another client has this code (save anyway, or open that one). */
    val duplicate: DuplicateWarning? = null,
    /** Counts saves refused for what the core found wrong: the screen brings the first flagged field into view. */
    val refusedSaves: Int = 0,
    /** Clients with the code the values typed so far give: the warning before saving. */
    val sameCode: DuplicateWarning? = null,
    val error: ErrorInfo? = null,
)
