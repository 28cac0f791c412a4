package org.fieldbook.android.state

import org.fieldbook.ffi.SyncSummary
import java.time.Instant

/**
 * The last sync's result as flat text entries, for the platforms' small
 * settings stores (Android's preferences, the desktop's properties file):
 * counts, flags and the core's messages about the network and the hub,
 * never record contents.
 */
object SyncResultCodec {
    fun encode(result: SyncResult): Map<String, String> = buildMap {
        put(AT, result.at.toEpochMilli().toString())
        when (result) {
            is SyncResult.Locked -> put(KIND, LOCKED)
            is SyncResult.Failed -> {
                put(KIND, FAILED)
                result.error.detail?.let { put(DETAIL, it) }
                if (result.error.untrusted) put(UNTRUSTED, "true")
            }
            is SyncResult.Finished -> {
                val s = result.summary
                put(KIND, FINISHED)
                put("ok", s.ok.toString())
                put("pushed", s.pushed.toString())
                put("push_duplicates", s.pushDuplicates.toString())
                put("pulled", s.pulled.toString())
                put("merged", s.merged.toString())
                put("held", s.held.toString())
                put("conflicts", s.conflicts.toString())
                put("keys_learned", s.keysLearned.toString())
                put("keys_refused", s.keysRefused.toString())
                put("roster_links", s.rosterLinks.toString())
                put("forms_adopted", s.formsAdopted.toString())
                put("rejected", s.rejected.toString())
                put("errors", s.errors.joinToString("\n"))
                put("warnings", s.warnings.joinToString("\n"))
                put("wiped", s.wiped.toString())
                put("requests", s.requests.toString())
                put("cancelled", s.cancelled.toString())
            }
        }
    }

    /** `null` when nothing was saved, or what was saved cannot be read (an older format): no result is shown. */
    fun decode(entries: Map<String, String>): SyncResult? {
        val at = entries[AT]?.toLongOrNull()?.let(Instant::ofEpochMilli) ?: return null
        fun count(key: String) = entries[key]?.toUIntOrNull() ?: 0u
        fun flag(key: String) = entries[key]?.toBooleanStrictOrNull() ?: false
        fun lines(key: String) = entries[key].orEmpty().split('\n').filter { it.isNotEmpty() }
        return when (entries[KIND]) {
            LOCKED -> SyncResult.Locked(at)
            FAILED -> SyncResult.Failed(at, ErrorInfo(entries[DETAIL], untrusted = flag(UNTRUSTED)))
            FINISHED -> SyncResult.Finished(
                at,
                SyncSummary(
                    ok = flag("ok"),
                    pushed = count("pushed"),
                    pushDuplicates = count("push_duplicates"),
                    pulled = count("pulled"),
                    merged = count("merged"),
                    held = count("held"),
                    conflicts = count("conflicts"),
                    keysLearned = count("keys_learned"),
                    keysRefused = count("keys_refused"),
                    rosterLinks = count("roster_links"),
                    formsAdopted = count("forms_adopted"),
                    rejected = count("rejected"),
                    errors = lines("errors"),
                    warnings = lines("warnings"),
                    wiped = flag("wiped"),
                    requests = count("requests"),
                    cancelled = flag("cancelled"),
                ),
            )
            else -> null
        }
    }

    private const val AT = "at"
    private const val KIND = "kind"
    private const val DETAIL = "detail"
    private const val UNTRUSTED = "untrusted"
    private const val LOCKED = "locked"
    private const val FAILED = "failed"
    private const val FINISHED = "finished"
}
