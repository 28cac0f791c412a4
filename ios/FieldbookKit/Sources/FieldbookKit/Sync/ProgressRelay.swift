import Foundation

/// The core's progress callbacks (on the syncing thread) handed to a
/// closure that takes them to the main actor.
final class ProgressRelay: SyncProgressListener, @unchecked Sendable {
    // @unchecked: the one stored property is an immutable @Sendable closure.
    private let deliver: @Sendable (SyncModel.Progress) -> Void

    init(_ deliver: @escaping @Sendable (SyncModel.Progress) -> Void) {
        self.deliver = deliver
    }

    func onProgress(phase: SyncPhase, done: UInt64, total: UInt64?) {
        deliver(SyncModel.Progress(phase: phase, done: done, total: total))
    }
}
