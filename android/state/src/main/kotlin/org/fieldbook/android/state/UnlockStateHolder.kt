package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.FieldbookException
import java.time.Clock
import java.time.Instant

data class UnlockState(
    val busy: Boolean = false,
    /** Tries left before the store erases itself, after a wrong PIN. */
    val attemptsLeft: Int? = null,
    /** When told to wait: the next try is refused until then. */
    val retryAt: Instant? = null,
    val secondsToWait: Long = 0,
    val erased: Boolean = false,
    val error: ErrorInfo? = null,
) {
    val canTry: Boolean get() = !busy && !erased && secondsToWait <= 0
}

/**
 * The PIN screen. The PIN itself is never kept in the state: it is passed
 * straight to the core, which counts a wrong one before checking it.
 */
class UnlockStateHolder(
    private val session: StoreSession,
    private val scope: CoroutineScope,
    private val clock: Clock = Clock.systemUTC(),
) {
    private val _state = MutableStateFlow(UnlockState())
    val state: StateFlow<UnlockState> = _state.asStateFlow()
    private var countdown: Job? = null

    fun unlock(pin: String) {
        if (!_state.value.canTry || pin.isEmpty()) return
        _state.update { it.copy(busy = true, error = null) }
        scope.launch {
            try {
                session.unlock(pin)
                _state.value = UnlockState()
            } catch (e: FieldbookException.WrongPin) {
                _state.update { it.copy(busy = false, attemptsLeft = e.attemptsLeft.toInt(), error = ErrorInfo.of(e)) }
            } catch (e: FieldbookException.TryLater) {
                val retryAt = clock.instant().plusSeconds(e.retryAfterSecs.toLong())
                _state.update {
                    it.copy(busy = false, retryAt = retryAt, secondsToWait = e.retryAfterSecs.toLong(), error = ErrorInfo.of(e))
                }
                startCountdown(retryAt)
            } catch (e: FieldbookException.Erased) {
                _state.update { it.copy(busy = false, erased = true, error = ErrorInfo.of(e)) }
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = errorOf(e)) }
            }
        }
    }

    /** Counts the wait down on screen; the core enforces it either way. */
    private fun startCountdown(retryAt: Instant) {
        countdown?.cancel()
        countdown = scope.launch {
            while (true) {
                val left = retryAt.epochSecond - clock.instant().epochSecond
                _state.update { it.copy(secondsToWait = left.coerceAtLeast(0)) }
                if (left <= 0) break
                delay(1_000)
            }
        }
    }
}
