package org.fieldbook.android.sync

import android.content.Context
import androidx.core.content.edit
import org.fieldbook.android.state.ErrorInfo
import org.fieldbook.android.state.LastSyncStore
import org.fieldbook.android.state.SyncResult
import org.fieldbook.ffi.SyncSummary
import java.time.Instant

/**
 * The last sync's result between launches: counts, flags and the core's
 * error messages (about the network and the hub, never record contents).
 * The preferences are excluded from every backup like the rest of the app.
 */
class PreferencesLastSyncStore(context: Context) : LastSyncStore {
    private val prefs = context.getSharedPreferences("last-sync", Context.MODE_PRIVATE)

    override fun load(): SyncResult? {
        val at = Instant.ofEpochMilli(prefs.getLong(AT, -1).takeIf { it >= 0 } ?: return null)
        return when (prefs.getString(KIND, null)) {
            LOCKED -> SyncResult.Locked(at)
            FAILED -> SyncResult.Failed(at, ErrorInfo(prefs.getString(DETAIL, null)))
            FINISHED -> SyncResult.Finished(
                at,
                SyncSummary(
                    ok = prefs.getBoolean("ok", false),
                    pushed = prefs.getInt("pushed", 0).toUInt(),
                    pushDuplicates = prefs.getInt("push_duplicates", 0).toUInt(),
                    pulled = prefs.getInt("pulled", 0).toUInt(),
                    merged = prefs.getInt("merged", 0).toUInt(),
                    held = prefs.getInt("held", 0).toUInt(),
                    conflicts = prefs.getInt("conflicts", 0).toUInt(),
                    keysLearned = prefs.getInt("keys_learned", 0).toUInt(),
                    rejected = prefs.getInt("rejected", 0).toUInt(),
                    errors = prefs.getString("errors", "").orEmpty().split('\n').filter { it.isNotEmpty() },
                    wiped = prefs.getBoolean("wiped", false),
                    requests = prefs.getInt("requests", 0).toUInt(),
                    cancelled = prefs.getBoolean("cancelled", false),
                ),
            )
            else -> null
        }
    }

    override fun save(result: SyncResult) {
        prefs.edit {
            clear()
            putLong(AT, result.at.toEpochMilli())
            when (result) {
                is SyncResult.Locked -> putString(KIND, LOCKED)
                is SyncResult.Failed -> {
                    putString(KIND, FAILED)
                    putString(DETAIL, result.error.detail)
                }
                is SyncResult.Finished -> {
                    val s = result.summary
                    putString(KIND, FINISHED)
                    putBoolean("ok", s.ok)
                    putInt("pushed", s.pushed.toInt())
                    putInt("push_duplicates", s.pushDuplicates.toInt())
                    putInt("pulled", s.pulled.toInt())
                    putInt("merged", s.merged.toInt())
                    putInt("held", s.held.toInt())
                    putInt("conflicts", s.conflicts.toInt())
                    putInt("keys_learned", s.keysLearned.toInt())
                    putInt("rejected", s.rejected.toInt())
                    putString("errors", s.errors.joinToString("\n"))
                    putBoolean("wiped", s.wiped)
                    putInt("requests", s.requests.toInt())
                    putBoolean("cancelled", s.cancelled)
                }
            }
        }
    }

    private companion object {
        const val AT = "at"
        const val KIND = "kind"
        const val DETAIL = "detail"
        const val LOCKED = "locked"
        const val FAILED = "failed"
        const val FINISHED = "finished"
    }
}
