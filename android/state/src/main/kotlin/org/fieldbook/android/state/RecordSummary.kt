package org.fieldbook.android.state

import org.fieldbook.ffi.ClientList
import org.fieldbook.ffi.ClientRow
import org.fieldbook.ffi.FieldValue
import org.fieldbook.ffi.Record
import org.fieldbook.ffi.RecordKind

/** One line a list shows for a record, with its choices in the person's language. */
data class RecordSummary(
    val id: String,
    val kind: RecordKind,
    val kindTitle: String,
    /** `YYYY-MM-DD` (or a timestamp for contacts), when the record has one. */
    val date: String?,
    val headline: String,
    val details: List<String>,
    val hasConflicts: Boolean,
)

/**
 * Turns records into [RecordSummary] lines; [clientAliases] names linked
 * clients. On one client's own timeline [aboutOneClient] leaves their name
 * out of every line (a case note then shows its goals instead).
 */
class RecordSummarizer(
    private val catalog: FormCatalog,
    private val clientAliases: Map<String, String> = emptyMap(),
    private val aboutOneClient: Boolean = false,
) {
    fun summarize(record: Record, date: String? = null): RecordSummary {
        val v = record.values
        val kind = record.kind
        fun choice(field: String) = (v[field] as? FieldValue.Choice)?.let { catalog.choiceLabel(kind, field, it.value) }
        fun text(field: String) = (v[field] as? FieldValue.Text)?.value?.takeIf { it.isNotBlank() }
        fun dateOf(field: String) = when (val value = v[field]) {
            is FieldValue.Date -> value.value
            is FieldValue.Datetime -> value.value
            else -> null
        }
        val client = (v["client_id"] as? FieldValue.Link)?.let { clientAliases[it.id] }?.takeUnless { aboutOneClient }
        val (headline, details) = when (kind) {
            RecordKind.CLIENT -> (text("alias") ?: "—") to listOfNotNull(text("uic"), text("area"), choice("status"))
            RecordKind.CONTACT -> (text("place") ?: client ?: catalog.title(kind)) to
                listOfNotNull(client, choice("visit_type"), services(record))
            RecordKind.CASE_NOTE -> (client ?: text("goals") ?: catalog.title(kind)) to
                listOfNotNull(dateOf("next_follow_up")?.let { "${catalog.fieldLabel(kind, "next_follow_up")}: $it" })
            RecordKind.REFERRAL -> (choice("service") ?: catalog.title(kind)) to
                listOfNotNull(client, choice("status"), text("facility"))
            RecordKind.MEETING -> (text("group_name") ?: catalog.title(kind)) to
                listOfNotNull(text("place"), (v["attendance_total"] as? FieldValue.Integer)?.let { "${catalog.fieldLabel(kind, "attendance_total")}: ${it.value}" })
        }
        val shownDate = date ?: when (kind) {
            RecordKind.CONTACT -> dateOf("at")
            RecordKind.CLIENT -> null
            else -> dateOf("date")
        }
        return RecordSummary(record.id, kind, catalog.title(kind), shownDate, headline, details, record.conflicts.isNotEmpty())
    }

    /** A client's line, from the row the clients list reads (the same line as from the full record). */
    fun summarize(client: ClientRow): RecordSummary {
        val kind = RecordKind.CLIENT
        val details = listOfNotNull(
            client.code?.takeIf { it.isNotBlank() },
            client.area?.takeIf { it.isNotBlank() },
            client.status?.let { catalog.choiceLabel(kind, "status", it) },
        )
        val headline = client.alias?.takeIf { it.isNotBlank() } ?: "—"
        return RecordSummary(client.id, kind, catalog.title(kind), null, headline, details, client.hasConflicts)
    }

    private fun services(record: Record): String? {
        val items = (record.values["services"] as? FieldValue.Quantities)?.items ?: return null
        if (items.isEmpty()) return null
        return items.joinToString(", ") { "${catalog.choiceLabel(record.kind, "services", it.item)} ${it.count}" }
    }
}

/** A client's alias, for lists that name clients by their link. */
fun Record.alias(): String? = (values["alias"] as? FieldValue.Text)?.value

/** Each client's alias by id, for lists that name clients by their link. */
fun ClientList.aliases(): Map<String, String> = clients.mapNotNull { c -> c.alias?.let { c.id to it } }.toMap()
