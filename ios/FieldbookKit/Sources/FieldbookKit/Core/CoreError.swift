import Foundation

/// An error as a screen shows it. The core writes its messages in the
/// store's language and never puts record contents, keys or PINs in them,
/// so `message` can be shown as is (never logged with data around it).
public struct CoreError: Error, Equatable, Sendable {
    public enum Reason: Equatable, Sendable {
        case locked, wrongPin, tryLater, erased, noStore, storeExists
        case invalid, duplicateClient, notFound, damaged, notPermitted
        /// A supervisor's device is revoked by another supervisor, after a hand-over.
        case handOverFirst
        case hub, untrusted, keyStore, storageFull, internalError
    }

    public let reason: Reason
    public let message: String

    public init(reason: Reason, message: String) {
        self.reason = reason
        self.message = message
    }

    public init(_ error: Error) {
        if let error = error as? CoreError {
            self = error
            return
        }
        guard let error = error as? FieldbookError else {
            // UniffiInternalError and the like: a bug, not the person's doing.
            self.init(reason: .internalError, message: String(describing: type(of: error)))
            return
        }
        self.init(reason: error.reason, message: error.detail)
    }
}

public extension FieldbookError {
    /// The core's message for the person, in the store's language.
    var detail: String {
        switch self {
        case let .Locked(detail), let .Erased(detail), let .NoStore(detail),
             let .StoreExists(detail), let .NotFound(detail), let .Damaged(detail),
             let .NotPermitted(detail), let .Hub(detail), let .Untrusted(detail), let .KeyStore(detail),
             let .StorageFull(detail), let .Internal(detail):
            return detail
        case let .WrongPin(_, detail), let .TryLater(_, detail),
             let .Invalid(_, detail), let .DuplicateClient(_, detail),
             let .HandOverFirst(_, detail):
            return detail
        }
    }

    var reason: CoreError.Reason {
        switch self {
        case .Locked: return .locked
        case .WrongPin: return .wrongPin
        case .TryLater: return .tryLater
        case .Erased: return .erased
        case .NoStore: return .noStore
        case .StoreExists: return .storeExists
        case .Invalid: return .invalid
        case .DuplicateClient: return .duplicateClient
        case .NotFound: return .notFound
        case .Damaged: return .damaged
        case .NotPermitted: return .notPermitted
        case .HandOverFirst: return .handOverFirst
        case .Hub: return .hub
        // The hub said something no supervisor signed: shown, never acted on.
        case .Untrusted: return .untrusted
        case .KeyStore: return .keyStore
        // Nothing was written; reading goes on. The person frees some space.
        case .StorageFull: return .storageFull
        case .Internal: return .internalError
        }
    }
}
