package org.fieldbook.android.state

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import org.fieldbook.ffi.Invitation
import org.fieldbook.ffi.Role
import org.fieldbook.ffi.TeamDevice

data class DevicesState(
    val loading: Boolean = true,
    val devices: List<TeamDevice> = emptyList(),
    val thisDevice: String? = null,
    /**
     * The team's fingerprint as this device verified it, which a new
     * device's person compares in person with the one their code carried;
     * `null` before the team signed its roster.
     */
    val teamFingerprint: String? = null,
    /** The invitation just made: its code is shown once, then forgotten. */
    val invitation: Invitation? = null,
    /** The device waiting for the supervisor to confirm its revocation. */
    val confirmRevoke: TeamDevice? = null,
    /** The key epoch the team moved to after the last revocation. */
    val revokedEpoch: Int? = null,
    val busy: Boolean = false,
    val error: ErrorInfo? = null,
)

/**
 * The supervisor's device list: invite a device (code shown once), revoke
 * one, and the team's fingerprint. A device the hub lists but the signed
 * roster does not certify comes marked unverified ([TeamDevice.verified]).
 */
class DevicesStateHolder(private val session: StoreSession, private val scope: CoroutineScope) {
    private val _state = MutableStateFlow(DevicesState())
    val state: StateFlow<DevicesState> = _state.asStateFlow()

    fun refresh() {
        _state.update { it.copy(loading = true, error = null) }
        scope.launch {
            try {
                val (devices, me, fingerprint) = session.call { Triple(it.devices(), it.identity().deviceId, it.teamFingerprint()) }
                // A device no supervisor signed comes first, where a long list cannot hide it.
                _state.update { it.copy(loading = false, devices = devices, thisDevice = me, teamFingerprint = fingerprint) }
            } catch (e: Exception) {
                _state.update { it.copy(loading = false, error = errorOf(e)) }
            }
        }
    }

    fun invite(role: Role, days: Int = DEFAULT_INVITE_DAYS) {
        if (_state.value.busy) return
        _state.update { it.copy(busy = true, error = null) }
        scope.launch {
            try {
                val invitation = session.call { it.invite(role, days.toUInt()) }
                _state.update { it.copy(busy = false, invitation = invitation) }
                refresh()
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = errorOf(e)) }
            }
        }
    }

    /** The code was handed over (or the dialog closed): it is not kept. */
    fun dismissInvitation() = _state.update { it.copy(invitation = null) }

    fun askRevoke(device: TeamDevice) = _state.update { it.copy(confirmRevoke = device) }

    fun cancelRevoke() = _state.update { it.copy(confirmRevoke = null) }

    fun confirmRevoke() {
        val device = _state.value.confirmRevoke ?: return
        _state.update { it.copy(busy = true, confirmRevoke = null, error = null) }
        scope.launch {
            try {
                val epoch = session.call { it.revokeDevice(device.deviceId) }
                _state.update { it.copy(busy = false, revokedEpoch = epoch.toInt()) }
                refresh()
            } catch (e: Exception) {
                _state.update { it.copy(busy = false, error = errorOf(e)) }
            }
        }
    }

    companion object {
        const val DEFAULT_INVITE_DAYS = 7
    }
}
