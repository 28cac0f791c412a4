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
            keysLearned = 1u, keysRefused = 2u, rosterLinks = 5u, formsAdopted = 2u, rejected = 1u,
            errors = listOf("the hub did not answer", "a second line"),
            warnings = listOf("took the team's signed roster on first use; team fingerprint 1a2b 3c4d"),
            wiped = false, requests = 4u, cancelled = true,
        )
        val results = listOf(
            SyncResult.Finished(at, summary),
            SyncResult.Locked(at),
            SyncResult.Failed(at, ErrorInfo("damaged")),
            SyncResult.Failed(at, ErrorInfo("the roster does not verify", untrusted = true)),
            SyncResult.Failed(at, ErrorInfo(null)),
        )
        for (result in results) {
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
