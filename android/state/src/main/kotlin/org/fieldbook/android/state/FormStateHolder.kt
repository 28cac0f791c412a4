package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.FieldIssue
import org.fieldbook.ffi.FieldSpec
import org.fieldbook.ffi.FieldType
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.FieldbookException
import org.fieldbook.ffi.FormSpec
import org.fieldbook.ffi.GroupSpec
import org.fieldbook.ffi.RecordKind
import java.time.Clock
import java.time.OffsetDateTime
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoUnit

/**
 * The one generic form renderer's state, for every kind: the core's form
 * definition says which fields exist, the core's skip logic which are shown
 * for the values so far, and the core's checks what is wrong with them.
 * Nothing here knows a field by name, so a field added to a form in the
 * core shows up without a change to the app.
 *
 * The internal maps are touched only from [scope]'s dispatcher (the main
 * thread in the app); store calls run off it through [StoreSession.call].
 */
class FormStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val kind: RecordKind,
    /** The record to edit; `null` for a new one. */
    private val recordId: String? = null,
    /** Values a new record starts with. */
    private val prefill: Map<String, FieldValue> = emptyMap(),
    /** The client a new record is about: set in the form's first link to clients. */
    private val clientId: String? = null,
    private val clock: Clock = Clock.systemDefaultZone(),
) {
    private val _state = MutableStateFlow(FormState(kind = kind, recordId = recordId))
    val state: StateFlow<FormState> = _state.asStateFlow()

    private var spec: FormSpec? = null
    private var original: Map<String, FieldValue> = emptyMap()
    private val values = mutableMapOf<String, FieldValue>()
    private val texts = mutableMapOf<String, String>()
    private val touched = mutableSetOf<String>()
    private var showAllMessages = false
    private var visible: List<String> = emptyList()
    private var issues: List<FieldIssue> = emptyList()
    private var linkOptions: Map<String, List<LinkOption>> = emptyMap()
    /** For fields whose choices depend on other answers: the values offered now. */
    private var offered: Map<String, List<String>> = emptyMap()
    /** Only the answer to the latest values may land on screen. */
    private var generation = 0

    fun load() {
        scope.launch {
            try {
                val language = session.language.value
                // A new record takes the form in use; a record is edited with
                // the version it was written with.
                val (record, form, options) = session.call { store ->
                    val record = recordId?.let { store.get(it).record }
                    val form = record?.let { store.formVersion(kind, it.formVersion, language) }
                        ?: session.forms().form(kind)
                    Triple(record, form, linkOptionsOf(form, store))
                }
                spec = form
                linkOptions = options
                original = record?.values ?: emptyMap()
                values.clear()
                if (record == null) {
                    form.fields.forEach { f -> f.defaultValue?.let { values[f.key] = it } }
                    form.fields.filter { it.required && it.fieldType == FieldType.DATETIME }.forEach {
                        values[it.key] = FieldValue.Datetime(now())
                    }
                    clientId?.let { id ->
                        form.fields.firstOrNull { it.linkKind == RecordKind.CLIENT }?.let { field ->
                            values[field.key] = if (field.multiple) FieldValue.Links(listOf(id)) else FieldValue.Link(id)
                        }
                    }
                    values.putAll(prefill)
                } else {
                    values.putAll(original)
                }
                texts.clear()
                values.forEach { (k, v) -> texts[k] = FieldInput.format(v) }
                _state.update { it.copy(title = form.title) }
                recompute()
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    /**
     * The person switched language: the same answers, the form's words (and
     * the core's messages, and the linked records' summaries) in the new one.
     */
    fun relabel() {
        val current = spec ?: return
        val language = session.language.value
        scope.launch {
            try {
                val (form, options) = session.call { store ->
                    val form = if (recordId == null) session.forms().form(kind)
                    else store.formVersion(kind, current.version, language)
                    form to linkOptionsOf(form, store)
                }
                if (form == current) return@launch
                spec = form
                linkOptions = options
                _state.update { it.copy(title = form.title) }
                recompute()
            } catch (e: Exception) {
                _state.update { it.copy(error = errorOf(e)) }
            }
        }
    }

    /** A value from a picker, a switch or a chip; `null` clears the field. */
    fun setValue(key: String, value: FieldValue?) {
        if (value == null) values.remove(key) else values[key] = value
        texts[key] = FieldInput.format(value)
        changed(key)
    }

    /** What the person typed in a text box, parsed by the field's type. */
    fun setText(key: String, raw: String) {
        val field = spec?.fields?.firstOrNull { it.key == key } ?: return
        texts[key] = raw
        val value = FieldInput.parse(field, raw)
        if (value == null) values.remove(key) else values[key] = value
        changed(key)
    }

    fun save() = write(allowDuplicate = false)

    /** After the duplicate warning: two people can share a code. */
    fun saveAnyway() = write(allowDuplicate = true)

    fun dismissDuplicate() = _state.update { it.copy(duplicate = null) }

    private fun changed(key: String) {
        touched += key
        // What was typed shows at once; skip logic and checks follow from the core.
        spec?.let(::publish)
        scope.launch { recompute() }
    }

    private suspend fun recompute(): List<FieldIssue> {
        val form = spec ?: return emptyList()
        val generation = ++generation
        val snapshot = values.toMap()
        return try {
            val (shown, found, sameCode, choices) = session.call { store ->
                val shown = store.visibleFields(kind, snapshot, form.version)
                val cleared = if (recordId == null) emptyList() else shown.filter { it in original && it !in snapshot }
                val choices = form.fields.filter { it.filteredChoices && it.key in shown }
                    .associate { it.key to store.visibleChoices(kind, it.key, snapshot, form.version) }
                Recomputed(shown, store.check(kind, payload(form, shown, snapshot), recordId, cleared), sameCodeOf(store, snapshot), choices)
            }
            if (generation == this.generation) {
                visible = shown
                issues = found
                offered = choices
                publish(form)
                _state.update { it.copy(sameCode = sameCode) }
            }
            found
        } catch (e: Exception) {
            _state.update { it.copy(loading = false, error = errorOf(e)) }
            emptyList()
        }
    }

    private fun write(allowDuplicate: Boolean) {
        val form = spec ?: return
        if (_state.value.saving) return
        showAllMessages = true
        _state.update { it.copy(saving = true, error = null, duplicate = null) }
        scope.launch {
            try {
                if (recompute().isNotEmpty()) {
                    _state.update { it.copy(saving = false, refusedSaves = it.refusedSaves + 1) }
                    return@launch
                }
                val snapshot = values.toMap()
                val payload = payload(form, visible, snapshot)
                val id = session.call { store ->
                    if (recordId == null) {
                        store.add(kind, payload, allowDuplicate)
                    } else {
                        val clear = visible.filter { it in original && it !in snapshot }
                        if (payload.isNotEmpty() || clear.isNotEmpty()) store.update(recordId, payload, clear)
                        recordId
                    }
                }
                _state.update { it.copy(saving = false, savedId = id) }
            } catch (e: FieldbookException.DuplicateClient) {
                _state.update { it.copy(saving = false, duplicate = duplicateOf(e.existingId)) }
            } catch (e: FieldbookException.Invalid) {
                issues = e.fields
                publish(form)
                _state.update {
                    it.copy(saving = false, error = if (e.fields.isEmpty()) ErrorInfo.of(e) else null, refusedSaves = it.refusedSaves + 1)
                }
            } catch (e: Exception) {
                _state.update { it.copy(saving = false, error = errorOf(e)) }
            }
        }
    }

    /**
     * What is written: for a new record every shown value; for an edit only
     * the values that changed. Fields skip logic hides are left out (the
     * core refuses them, and clears them itself on an edit), and so are
     * those the core or the form fills in (the client code, read-only and
     * hidden questions, calculations) and notes.
     */
    private fun payload(form: FormSpec, shown: List<String>, current: Map<String, FieldValue>): Map<String, FieldValue> {
        val fixed = form.fields.filter { !it.isEntered() }.map { it.key }.toSet()
        return shown.filter { it !in fixed }
            .mapNotNull { key -> current[key]?.let { key to it } }
            .filter { (key, value) -> recordId == null || original[key] != value }
            .toMap()
    }

    /** All the clients (or other records) the form's link fields may point to. */
    private fun linkOptionsOf(form: FormSpec, store: org.fieldbook.ffi.FieldbookStore): Map<String, List<LinkOption>> {
        val catalog = session.forms()
        val summarizer = RecordSummarizer(catalog)
        val byKind = mutableMapOf<RecordKind, List<LinkOption>>()
        return form.fields.mapNotNull { field ->
            val target = field.linkKind ?: return@mapNotNull null
            field.key to byKind.getOrPut(target) {
                val summaries = if (target == RecordKind.CLIENT) {
                    store.clients().clients.map(summarizer::summarize)
                } else {
                    store.list(target).records.map { summarizer.summarize(it) }
                }
                summaries.map { summary ->
                    LinkOption(summary.id, (listOf(summary.headline) + summary.details.take(1)).joinToString(" · "))
                }
            }
        }.toMap()
    }

    /** For a client: the others whose code these values give (the core computes it, keyed). */
    private fun sameCodeOf(store: org.fieldbook.ffi.FieldbookStore, values: Map<String, FieldValue>): DuplicateWarning? {
        if (kind != RecordKind.CLIENT) return null
        val code = store.clientCode(values) ?: return null
        val others = store.clientsWithCode(code).filter { it.id != recordId }
        if (others.isEmpty()) return null
        val summarizer = RecordSummarizer(session.forms())
        return DuplicateWarning(others.first().id, code, others.map(summarizer::summarize))
    }

    private suspend fun duplicateOf(existingId: String): DuplicateWarning {
        val summarizer = RecordSummarizer(session.forms())
        return session.call { store ->
            val code = (store.get(existingId).record.values["uic"] as? FieldValue.Text)?.value
            val matches = code?.let(store::clientsWithCode) ?: listOf(store.get(existingId).record)
            DuplicateWarning(existingId, code, matches.map(summarizer::summarize))
        }
    }

    private fun publish(form: FormSpec) {
        val byField = issues.groupBy { it.field }
        val shown = visible.toSet()
        val groups = form.groups.associateBy { it.key }
        var open = emptyList<String>()
        val fields = form.fields.filter { f -> f.key in shown || (f.system && values[f.key] != null) }.map { f ->
            // The sections this field enters, beyond those the one above it is in.
            val chain = groupChain(groups, f.group)
            val entered = chain.drop(chain.zip(open).takeWhile { (a, b) -> a == b }.size)
            open = chain
            FieldUi(
                spec = f,
                value = values[f.key],
                text = texts[f.key] ?: "",
                readOnly = f.system || f.readOnly,
                messages = if (showAllMessages || f.key in touched) byField[f.key].orEmpty().map { it.message } else emptyList(),
                linkOptions = linkOptions[f.key].orEmpty(),
                choices = offered[f.key]?.let { values -> f.choices.filter { it.value in values } } ?: f.choices,
                headings = entered.mapNotNull { groups[it]?.label },
            )
        }
        val formMessages = if (showAllMessages) issues.filter { it.field !in shown }.map { it.message } else emptyList()
        _state.update { it.copy(loading = false, fields = fields, formMessages = formMessages) }
    }

    private data class Recomputed(
        val shown: List<String>,
        val issues: List<FieldIssue>,
        val sameCode: DuplicateWarning?,
        val choices: Map<String, List<String>>,
    )

    /** The groups a field lies in, outermost first. */
    private fun groupChain(groups: Map<String, GroupSpec>, innermost: String?): List<String> {
        val chain = ArrayDeque<String>()
        var next = innermost
        while (next != null && next !in chain && chain.size <= groups.size) {
            chain.addFirst(next)
            next = groups[next]?.parent
        }
        return chain.toList()
    }

    // toString() drops ":00" seconds (12:30+07:00), which the core refuses: always write them.
    private fun now(): String =
        OffsetDateTime.now(clock).truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
}

/** Whether a person gives this field its value (not the core, not the form, not a note). */
fun FieldSpec.isEntered(): Boolean =
    !(system || readOnly || hidden || fieldType == FieldType.NOTE || fieldType == FieldType.CALCULATE)
