package org.fieldbook.android.state

import org.fieldbook.ffi.SyncSummary
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import java.time.Instant

/** The last sync's result survives the trip through a settings store, and what cannot be read is dropped, not guessed. */
class SyncResultCodecTest {
    private val at = Instant.parse("2026-11-03T02:30:00Z")

    @Test
    fun everyKindOfResultComesBackAsItWent() {
        val summary = SyncSummary(
            ok = false, pushed = 3u, pushDuplicates = 1u, pulled = 7u, merged = 6u, held = 2u, conflicts = 1u,
            keysLearned = 1u, rejected = 1u, errors = listOf("the hub did not answer", "a second line"),
            wiped = false, requests = 4u, cancelled = true,
        )
        for (result in listOf(SyncResult.Finished(at, summary), SyncResult.Locked(at), SyncResult.Failed(at, ErrorInfo("damaged")), SyncResult.Failed(at, ErrorInfo(null)))) {
            assertEquals(result, SyncResultCodec.decode(SyncResultCodec.encode(result)))
        }
    }

    @Test
    fun nothingSavedOrAnUnknownFormatIsNoResult() {
        assertNull(SyncResultCodec.decode(emptyMap()))
        assertNull(SyncResultCodec.decode(mapOf("at" to "yesterday", "kind" to "finished")))
        assertNull(SyncResultCodec.decode(mapOf("at" to "1", "kind" to "something-new")))
    }
}
