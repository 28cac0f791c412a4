package org.fieldbook.android.state

import kotlinx.coroutines.CancellationException
import org.fieldbook.ffi.FieldbookException

/**
 * What a screen shows when a call failed. [detail] is the core's message in
 * the store's language (it never carries record contents, keys or PINs);
 * `null` means an unexpected failure the screen words itself.
 */
data class ErrorInfo(val detail: String?) {
    companion object {
        fun of(error: Throwable): ErrorInfo = when (error) {
            is FieldbookException -> ErrorInfo(error.message)
            else -> ErrorInfo(null)
        }
    }
}

/** For a failed call's `catch`: a cancelled screen stays cancelled, anything else is shown. */
fun errorOf(error: Exception): ErrorInfo {
    if (error is CancellationException) throw error
    return ErrorInfo.of(error)
}
