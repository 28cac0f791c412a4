import Foundation

/// Names for the workers in reports: the core reports by device id, and
/// the hub's device list gives each device's label and role. Best effort:
/// the list needs the hub, and a report offline still shows short ids.
public struct TeamDirectory: Equatable {
    public private(set) var devices: [TeamDevice] = []

    public init(devices: [TeamDevice] = []) {
        self.devices = devices
    }

    /// The devices of the team, or an empty directory when the hub cannot be reached.
    @MainActor
    public static func load(app: AppModel) async -> TeamDirectory {
        guard app.isSupervisor else { return TeamDirectory() }
        let devices = (try? await app.perform(qos: .utility) { try $0.devices() }) ?? []
        return TeamDirectory(devices: devices)
    }

    /// A device's label, else the start of its id (enough to tell workers apart).
    public func name(_ deviceId: String) -> String {
        if let label = devices.first(where: { $0.deviceId == deviceId })?.label, !label.isEmpty {
            return label
        }
        return String(deviceId.prefix(8))
    }

    public func role(_ deviceId: String) -> String? {
        devices.first { $0.deviceId == deviceId }?.role
    }
}
