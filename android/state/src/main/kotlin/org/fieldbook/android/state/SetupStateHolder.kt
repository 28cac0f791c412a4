package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.Role

/** Why the setup form cannot be sent yet; the screen words each. */
enum class SetupProblem { PIN_TOO_SHORT, PINS_DIFFER, CODE_MISSING, HUB_MISSING }

data class SetupState(
    val busy: Boolean = false,
    val problems: Set<SetupProblem> = emptySet(),
    val error: ErrorInfo? = null,
)

/**
 * First run: join the team with the one-time code a supervisor showed, or
 * start a team of one without a hub. Neither the PIN nor the code is kept
 * in the state.
 */
class SetupStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(SetupState())
    val state: StateFlow<SetupState> = _state.asStateFlow()

    fun enroll(pin: String, pinAgain: String, code: String, hubUrl: String, hubCertificateSha256: String, label: String) {
        val problems = pinProblems(pin, pinAgain).toMutableSet()
        if (code.isBlank()) problems += SetupProblem.CODE_MISSING
        if (hubUrl.isBlank()) problems += SetupProblem.HUB_MISSING
        run(problems) {
            session.enroll(
                pin,
                code.trim(),
                hubUrl.trim(),
                hubCertificateSha256.trim().ifEmpty { null },
                label.trim().ifEmpty { null },
            )
        }
    }

    fun createStandalone(pin: String, pinAgain: String, role: Role) {
        run(pinProblems(pin, pinAgain)) { session.create(pin, role) }
    }

    private fun pinProblems(pin: String, pinAgain: String) = buildSet {
        if (pin.length < MIN_PIN_LENGTH) add(SetupProblem.PIN_TOO_SHORT)
        if (pin != pinAgain) add(SetupProblem.PINS_DIFFER)
    }

    private fun run(problems: Set<SetupProblem>, action: suspend () -> Unit) {
        if (_state.value.busy) return
        _state.value = SetupState(problems = problems)
        if (problems.isNotEmpty()) return
        _state.update { it.copy(busy = true) }
        scope.launch {
            try {
                action()
                _state.value = SetupState()
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = errorOf(e)) }
            }
        }
    }

    companion object {
        /**
         * The core's floor (six digits; a passphrase needs eight characters).
         * Said before the core is asked; the core also refuses patterns and
         * common PINs, and its message is shown as it words it.
         */
        const val MIN_PIN_LENGTH = 6
    }
}
