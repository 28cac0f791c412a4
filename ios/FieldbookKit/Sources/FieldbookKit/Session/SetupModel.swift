import Foundation
import Observation

/// The first run: join a team on a hub with a supervisor's one-time code
/// (the usual way), or set up a device with a team of its own (a program
/// trying Fieldbook out, or a team's office device before a hub exists).
@MainActor
@Observable
public final class SetupModel {
    public enum Mode: Hashable, Sendable { case enroll, standalone }

    public var mode: Mode = .enroll
    public var code = ""
    public var hubURL = ""
    /// The hub certificate's SHA-256, as the supervisor's invite shows it;
    /// needed for an `https` hub, which is then the only certificate trusted.
    public var hubCertificateSHA256 = ""
    public var deviceLabel = ""
    public var role: Role = .supervisor
    public var pin = ""
    public var pinConfirmation = ""

    public private(set) var isWorking = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    /// The core's floor is six digits (or a passphrase of eight characters);
    /// it checks again, and refuses common PINs with its own message.
    public var pinIsLongEnough: Bool { pin.count >= 6 }
    public var pinsMatch: Bool { pin == pinConfirmation }

    public var canSubmit: Bool {
        guard !isWorking, pinIsLongEnough, pinsMatch else { return false }
        switch mode {
        case .enroll: return !trimmed(code).isEmpty && !trimmed(hubURL).isEmpty
        case .standalone: return true
        }
    }

    public func submit() async {
        guard canSubmit else { return }
        let pin = self.pin
        self.pin = ""
        pinConfirmation = ""
        isWorking = true
        defer { isWorking = false }
        error = nil
        let dir = app.location.directory.path
        let keyStore = app.keyStore
        let language = app.language
        do {
            try app.location.prepare()
            let store: FieldbookStore
            switch mode {
            case .enroll:
                let code = trimmed(self.code)
                let hub = trimmed(hubURL)
                let fingerprint = optional(hubCertificateSHA256)
                let label = optional(deviceLabel)
                store = try await Background.run {
                    try FieldbookStore.enroll(
                        dataDir: dir, pin: pin, code: code, hubUrl: hub,
                        hubCertificateSha256: fingerprint, label: label,
                        keyStore: keyStore, language: language
                    )
                }
                // A one-time code: it is spent, so do not keep it on screen.
                self.code = ""
            case .standalone:
                let role = self.role
                store = try await Background.run {
                    try FieldbookStore.create(dataDir: dir, pin: pin, role: role, keyStore: keyStore, language: language)
                }
            }
            await app.adopt(store)
        } catch {
            self.error = CoreError(error)
        }
    }

    private func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func optional(_ text: String) -> String? {
        let value = trimmed(text)
        return value.isEmpty ? nil : value
    }
}
