import Foundation
import Observation

/// The unlock screen: the PIN, and what the core answered. The core counts
/// each wrong PIN before checking it, makes later tries wait, and erases the
/// store at the limit; this model only shows those answers.
@MainActor
@Observable
public final class UnlockModel {
    public enum Status: Equatable {
        case idle
        case checking
        case wrongPin(attemptsLeft: UInt32, message: String)
        /// No try is accepted before `until`.
        case waiting(until: Date, message: String)
        case failed(CoreError)
    }

    /// Bound to the secure field; emptied after every try so the PIN does not
    /// linger in the model.
    public var pin = ""
    public private(set) var status: Status = .idle

    private let app: AppModel
    private let now: () -> Date

    public init(app: AppModel, now: @escaping () -> Date = { Date() }) {
        self.app = app
        self.now = now
    }

    public var canSubmit: Bool {
        guard pin.count >= 4 else { return false }
        switch status {
        case .checking: return false
        case let .waiting(until, _): return now() >= until
        default: return true
        }
    }

    public func unlock() async {
        guard let store = app.store, canSubmit else { return }
        let pin = self.pin
        self.pin = ""
        status = .checking
        do {
            // Argon2id takes a noticeable moment: off the main actor.
            try await Background.run { try store.unlock(pin: pin) }
            status = .idle
            await app.adopt(store)
        } catch let FieldbookError.WrongPin(attemptsLeft, detail) {
            status = .wrongPin(attemptsLeft: attemptsLeft, message: detail)
        } catch let FieldbookError.TryLater(retryAfterSecs, detail) {
            status = .waiting(until: now().addingTimeInterval(TimeInterval(retryAfterSecs)), message: detail)
        } catch FieldbookError.Erased {
            status = .idle
            app.markErased()
        } catch {
            status = .failed(CoreError(error))
        }
    }
}
