import Foundation

/// Every call into the core blocks: it takes the store's lock, reads and
/// writes SQLite, derives keys with Argon2id, or talks to the hub. The view
/// models run them here so the main actor never waits on any of that.
public enum Background {
    /// Runs `work` on a global queue and resumes the caller with its result.
    /// A concurrent queue on purpose: a sync runs for minutes on a bad
    /// network (taking the store only between requests), and a screen's read
    /// must never queue behind it on a serial queue.
    public static func run<T>(
        qos: DispatchQoS.QoSClass = .userInitiated,
        _ work: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: qos).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    /// The same for calls that cannot fail (a separate name, so overload
    /// resolution never has to choose between the two).
    public static func value<T>(
        qos: DispatchQoS.QoSClass = .userInitiated,
        _ work: @escaping @Sendable () -> T
    ) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: qos).async {
                continuation.resume(returning: work())
            }
        }
    }
}
