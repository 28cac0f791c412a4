package org.fieldbook.android.state

import kotlinx.coroutines.CancellationException
import org.fieldbook.ffi.FieldbookException

/**
 * What a screen shows when a call failed. [detail] is the core's message in
 * the store's language (it never carries record contents, keys or PINs);
 * `null` means an unexpected failure the screen words itself. [untrusted]:
 * the hub said something no supervisor of the team signed (a breached hub,
 * a code for another team); the core acted on none of it, and the screen
 * says so before the detail.
 */
data class ErrorInfo(val detail: String?, val untrusted: Boolean = false) {
    companion object {
        fun of(error: Throwable): ErrorInfo = when (error) {
            is FieldbookException.Untrusted -> ErrorInfo(error.detail, untrusted = true)
            is FieldbookException -> ErrorInfo(detailOf(error))
            else -> ErrorInfo(null)
        }

        /**
         * The person's message of any core error. Not `message`: the
         * bindings' exceptions spell all their fields there
         * (`attemptsLeft=2, detail=…`). Exhaustive, so a new error of the
         * core fails the build here until it is handled.
         */
        fun detailOf(error: FieldbookException): String = when (error) {
            is FieldbookException.Locked -> error.detail
            is FieldbookException.WrongPin -> error.detail
            is FieldbookException.TryLater -> error.detail
            is FieldbookException.Erased -> error.detail
            is FieldbookException.NoStore -> error.detail
            is FieldbookException.StoreExists -> error.detail
            is FieldbookException.Invalid -> error.detail
            is FieldbookException.DuplicateClient -> error.detail
            is FieldbookException.NotFound -> error.detail
            is FieldbookException.Damaged -> error.detail
            is FieldbookException.NotPermitted -> error.detail
            is FieldbookException.HandOverFirst -> error.detail
            is FieldbookException.Hub -> error.detail
            is FieldbookException.Untrusted -> error.detail
            is FieldbookException.KeyStore -> error.detail
            is FieldbookException.StorageFull -> error.detail
            is FieldbookException.Internal -> error.detail
        }
    }
}

/** For a failed call's `catch`: a cancelled screen stays cancelled, anything else is shown. */
fun errorOf(error: Exception): ErrorInfo {
    if (error is CancellationException) throw error
    return ErrorInfo.of(error)
}
