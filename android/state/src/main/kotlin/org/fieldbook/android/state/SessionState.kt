package org.fieldbook.android.state

import org.fieldbook.ffi.DeviceIdentity

/** Where the app's one store stands; navigation follows it. */
sealed interface SessionState {
    /** Not looked at yet. */
    data object Starting : SessionState

    /** No store on this device: enroll with a code (or start a team of one). */
    data object NoStore : SessionState

    data object Locked : SessionState

    data class Unlocked(val identity: DeviceIdentity) : SessionState

    /** Crypto-erased (too many wrong PINs, a wipe order): the data is gone. */
    data object Erased : SessionState

    /** The store cannot be opened (damaged, the key store failed). */
    data class Failed(val error: ErrorInfo) : SessionState
}
