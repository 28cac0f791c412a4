package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.CheckReport

data class StoreCheckState(
    val running: Boolean = false,
    /** The last check's report: what was read, what was damaged and what became of it. */
    val report: CheckReport? = null,
    val error: ErrorInfo? = null,
)

/**
 * Checks every sealed record, version and team key on this device, the
 * audit trail and the file's header, and repairs what it can: rebuilt from
 * what the device holds intact, or restored from the hub's copy. Each
 * finding comes worded by the core in the person's language, naming the
 * record and what became of it.
 */
class StoreCheckStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(StoreCheckState())
    val state: StateFlow<StoreCheckState> = _state.asStateFlow()

    fun check() {
        if (_state.value.running) return
        _state.update { it.copy(running = true, error = null) }
        scope.launch {
            try {
                val report = session.call { it.checkStore(true) }
                _state.update { it.copy(running = false, report = report) }
            } catch (e: Exception) {
                _state.update { it.copy(running = false, error = errorOf(e)) }
            }
        }
    }
}
