import Foundation
import Observation

/// The supervisor's devices screen: the team's devices as the hub lists
/// them, a one-time code for a new device (shown once, then forgotten), and
/// revocation (the hub orders the device erased, and the team moves to a
/// key epoch the device never gets).
@MainActor
@Observable
public final class DevicesModel {
    public private(set) var devices: [TeamDevice] = []
    /// The team's fingerprint as this device verified it, for supervisors to
    /// compare in person; `nil` before the team signed its roster.
    public private(set) var fingerprint: String?
    /// The code just made. Held only while its sheet is open.
    public private(set) var invitation: Invitation?
    public private(set) var isWorking = false
    public private(set) var error: CoreError?
    /// The key epoch the last revocation moved the team to.
    public private(set) var lastRevocationEpoch: UInt32?

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    /// Unverified devices first (the core lists them so): the hub lists them,
    /// the signed roster does not.
    public var active: [TeamDevice] {
        devices.filter { $0.status != .revoked }
    }
    public var revoked: [TeamDevice] { devices.filter { $0.status == .revoked } }

    public func isThisDevice(_ device: TeamDevice) -> Bool {
        device.deviceId == app.identity?.deviceId
    }

    public func load() async {
        isWorking = true
        defer { isWorking = false }
        do {
            devices = try await app.perform { try $0.devices() }
            fingerprint = try await app.perform { try $0.teamFingerprint() }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    /// `days` from 1 to 30 (the hub's limit).
    public func invite(role: Role, days: UInt32) async {
        isWorking = true
        defer { isWorking = false }
        do {
            invitation = try await app.perform { try $0.invite(role: role, days: days) }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    /// Forgets the code once the supervisor has passed it on.
    public func dismissInvitation() {
        invitation = nil
    }

    @discardableResult
    public func revoke(_ device: TeamDevice) async -> Bool {
        let id = device.deviceId
        isWorking = true
        defer { isWorking = false }
        do {
            lastRevocationEpoch = try await app.perform { try $0.revokeDevice(deviceId: id) }
            error = nil
        } catch {
            self.error = CoreError(error)
            return false
        }
        await load()
        return true
    }
}
