package org.fieldbook.android.sync

import android.content.Context
import org.fieldbook.android.state.LastSyncStore
import org.fieldbook.android.state.SyncResult
import org.fieldbook.android.state.SyncResultCodec

/**
 * The last sync's result between launches, in the app's preferences (which,
 * like the rest of the app, are excluded from every backup). The entries
 * are SyncResultCodec's: counts, flags and the core's messages, never record
 * contents. Plain android.* only, so it compiles here against android-all.
 */
class PreferencesLastSyncStore(context: Context) : LastSyncStore {
    private val prefs = context.getSharedPreferences("last-sync", Context.MODE_PRIVATE)

    override fun load(): SyncResult? =
        SyncResultCodec.decode(prefs.all.mapNotNull { (key, value) -> (value as? String)?.let { key to it } }.toMap())

    override fun save(result: SyncResult) {
        val editor = prefs.edit().clear()
        SyncResultCodec.encode(result).forEach { (key, value) -> editor.putString(key, value) }
        editor.apply()
    }

    override fun clear() {
        prefs.edit().clear().apply()
    }
}
