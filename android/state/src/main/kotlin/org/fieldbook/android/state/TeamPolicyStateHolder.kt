package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.PolicyChange
import org.fieldbook.ffi.PolicyValues
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.TeamPolicy

/** One setting of the team's security policy, in the order the screen lists them. */
enum class PolicySetting(val read: (PolicyValues) -> Long) {
    OFFLINE_ERASE_DAYS({ it.offlineEraseDays.toLong() }),
    MIN_PIN_DIGITS({ it.minPinDigits.toLong() }),
    MAX_FAILED_UNLOCKS({ it.maxFailedUnlocks.toLong() }),
    FREE_ATTEMPTS({ it.freeAttempts.toLong() }),
    BACKOFF_BASE_SECS({ it.backoffBaseSecs.toLong() }),
    BACKOFF_MAX_SECS({ it.backoffMaxSecs.toLong() }),
    AUTO_LOCK_SECS({ it.autoLockSecs.toLong() }),
}

/** How the last signing went. */
sealed interface PolicySignStatus {
    data object Idle : PolicySignStatus
    data object Signing : PolicySignStatus

    /** Signed into the roster on the hub: every device follows it at its next sync. */
    data object Signed : PolicySignStatus

    /** Nothing was changed from the team's policy; nothing was signed. */
    data object NoChange : PolicySignStatus

    /** A value that is not a whole number; nothing was sent. */
    data class NotANumber(val setting: PolicySetting) : PolicySignStatus

    /** The core refused (a value out of its bounds, not a supervisor, no hub), in the store's language. */
    data class Failed(val error: ErrorInfo) : PolicySignStatus
}

data class TeamPolicyState(
    val loading: Boolean = true,
    /** The team's policy as this device verified it, and what this device follows. */
    val policy: TeamPolicy? = null,
    /** Whether this device signed the policy shown. */
    val signedHere: Boolean = false,
    /** Only a supervisor's device signs a policy; others read it. */
    val canSign: Boolean = false,
    /** The supervisor's edits, as typed, by setting; a setting not here keeps the team's value. */
    val drafts: Map<PolicySetting, String> = emptyMap(),
    val status: PolicySignStatus = PolicySignStatus.Idle,
    val error: ErrorInfo? = null,
) {
    val busy: Boolean get() = loading || status == PolicySignStatus.Signing

    /** What the field of [setting] shows: the edit, or the team's value. */
    fun text(setting: PolicySetting): String =
        drafts[setting] ?: policy?.let { setting.read(it.team).toString() }.orEmpty()
}

/**
 * The team's security policy: how long a device may stay away from the hub
 * before it erases itself, how long a PIN must be, how many wrong PINs and
 * how long the waits, when the app locks. Every device shows the policy its
 * verified roster holds (who signed it, when) and what it follows; a
 * supervisor changes values and signs the new policy into the roster. The
 * core checks every value against its floor and ceiling.
 */
class TeamPolicyStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(TeamPolicyState())
    val state: StateFlow<TeamPolicyState> = _state.asStateFlow()

    fun load() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (policy, identity) = session.call { it.teamPolicy() to it.identity() }
                _state.update {
                    it.copy(
                        loading = false,
                        policy = policy,
                        signedHere = policy.signedBy == identity.deviceId,
                        canSign = identity.role == Role.SUPERVISOR,
                    )
                }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    fun edit(setting: PolicySetting, text: String) =
        _state.update { it.copy(drafts = it.drafts + (setting to text.trim()), status = PolicySignStatus.Idle) }

    /** Signs the edited values into the team's roster on the hub. */
    fun sign() {
        val current = _state.value
        val team = current.policy?.team ?: return
        if (current.busy || !current.canSign) return
        val changed = mutableMapOf<PolicySetting, Long>()
        for ((setting, text) in current.drafts) {
            val value = text.toLongOrNull()
            if (value == null || value < 0) {
                _state.update { it.copy(status = PolicySignStatus.NotANumber(setting)) }
                return
            }
            if (value != setting.read(team)) changed[setting] = value
        }
        if (changed.isEmpty()) {
            _state.update { it.copy(status = PolicySignStatus.NoChange) }
            return
        }
        _state.update { it.copy(status = PolicySignStatus.Signing) }
        scope.launch {
            try {
                val policy = session.call { it.setTeamPolicy(changeOf(changed)) }
                _state.update { it.copy(policy = policy, signedHere = true, drafts = emptyMap(), status = PolicySignStatus.Signed) }
            } catch (e: Exception) {
                _state.update { it.copy(status = PolicySignStatus.Failed(errorOf(e))) }
            }
        }
    }

    private companion object {
        /** A value too large for its setting is left to the core's bounds, which refuse it by name. */
        fun changeOf(values: Map<PolicySetting, Long>): PolicyChange {
            fun u32(setting: PolicySetting) = values[setting]?.coerceAtMost(UInt.MAX_VALUE.toLong())?.toUInt()
            fun u64(setting: PolicySetting) = values[setting]?.toULong()
            return PolicyChange(
                autoLockSecs = u64(PolicySetting.AUTO_LOCK_SECS),
                maxFailedUnlocks = u32(PolicySetting.MAX_FAILED_UNLOCKS),
                freeAttempts = u32(PolicySetting.FREE_ATTEMPTS),
                backoffBaseSecs = u64(PolicySetting.BACKOFF_BASE_SECS),
                backoffMaxSecs = u64(PolicySetting.BACKOFF_MAX_SECS),
                offlineEraseDays = u32(PolicySetting.OFFLINE_ERASE_DAYS),
                minPinDigits = u32(PolicySetting.MIN_PIN_DIGITS),
            )
        }
    }
}
