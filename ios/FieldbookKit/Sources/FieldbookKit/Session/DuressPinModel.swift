import Foundation
import Observation

/// Setting the duress PIN: a second PIN that, typed at the unlock screen,
/// erases the store without a sign and opens an empty one. The core checks
/// it (six digits or more, not a common PIN, not the real PIN) and says why
/// in the store's language.
@MainActor
@Observable
public final class DuressPinModel {
    public enum Status: Equatable {
        case idle
        case saving
        case saved
        case mismatch
        case failed(CoreError)
    }

    public var pin = ""
    public var confirmation = ""
    public private(set) var status: Status = .idle
    public private(set) var isSet = false

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public func load() async {
        isSet = (try? await app.perform { try $0.hasDuressPin() }) ?? false
    }

    public var canSave: Bool { !pin.isEmpty && !confirmation.isEmpty && status != .saving }

    public func save() async {
        guard canSave else { return }
        let pin = self.pin
        let matches = pin == confirmation
        self.pin = ""
        confirmation = ""
        guard matches else {
            status = .mismatch
            return
        }
        status = .saving
        do {
            try await app.perform { try $0.setDuressPin(duressPin: pin) }
            isSet = true
            status = .saved
        } catch {
            status = .failed(CoreError(error))
        }
    }

    public func clear() async {
        do {
            try await app.perform { try $0.clearDuressPin() }
            isSet = false
            status = .idle
        } catch {
            status = .failed(CoreError(error))
        }
    }
}
