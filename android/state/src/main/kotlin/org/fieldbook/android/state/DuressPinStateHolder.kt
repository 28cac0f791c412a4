package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/** How the last save or removal of the duress PIN went. */
sealed interface DuressPinStatus {
    data object Idle : DuressPinStatus
    data object Saving : DuressPinStatus
    data object Saved : DuressPinStatus
    data object Removed : DuressPinStatus

    /** The two PINs typed differ; nothing was sent to the core. */
    data object Mismatch : DuressPinStatus

    /** The core refused (too short, too common, the real PIN), in the store's language. */
    data class Failed(val error: ErrorInfo) : DuressPinStatus
}

data class DuressPinState(
    val loading: Boolean = true,
    /** Whether a duress PIN is set now. */
    val isSet: Boolean = false,
    val status: DuressPinStatus = DuressPinStatus.Idle,
) {
    val busy: Boolean get() = loading || status == DuressPinStatus.Saving
}

/**
 * Setting the duress PIN: a second PIN that, typed at the unlock screen,
 * erases the store without a sign and opens an empty one. The core checks
 * it (six digits or more, not a common PIN, not the real PIN) and says why
 * in the store's language. Like the unlock screen's, the PINs are never
 * kept in the state: they go straight to the core.
 */
class DuressPinStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(DuressPinState())
    val state: StateFlow<DuressPinState> = _state.asStateFlow()

    fun load() {
        scope.launch {
            try {
                val isSet = session.call { it.hasDuressPin() }
                _state.update { it.copy(loading = false, isSet = isSet) }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, status = DuressPinStatus.Failed(errorOf(e))) }
            }
        }
    }

    fun save(pin: String, confirmation: String) {
        if (_state.value.busy || pin.isEmpty() || confirmation.isEmpty()) return
        if (pin != confirmation) {
            _state.update { it.copy(status = DuressPinStatus.Mismatch) }
            return
        }
        _state.update { it.copy(status = DuressPinStatus.Saving) }
        scope.launch {
            try {
                session.call { it.setDuressPin(pin) }
                _state.update { it.copy(isSet = true, status = DuressPinStatus.Saved) }
            } catch (e: Exception) {
                _state.update { it.copy(status = DuressPinStatus.Failed(errorOf(e))) }
            }
        }
    }

    fun clear() {
        if (_state.value.busy) return
        _state.update { it.copy(status = DuressPinStatus.Saving) }
        scope.launch {
            try {
                session.call { it.clearDuressPin() }
                _state.update { it.copy(isSet = false, status = DuressPinStatus.Removed) }
            } catch (e: Exception) {
                _state.update { it.copy(status = DuressPinStatus.Failed(errorOf(e))) }
            }
        }
    }
}
