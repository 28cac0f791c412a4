import Foundation
import Observation

/// Sync with the office hub, from "sync now" or a background refresh: one
/// run at a time, progress while it runs, and the last result as the core
/// told it (never "done" when something failed). Cancelling stops at the
/// next request; what was saved stays saved and the next run resumes.
@MainActor
@Observable
public final class SyncModel {
    public enum Trigger: String, Sendable { case manual, background }

    public enum Outcome: Equatable {
        case finished(SyncSummary)
        /// The store refused (locked, damaged) or the device is not enrolled.
        case failed(CoreError)
        /// No store is open yet (not set up, erased, or still starting).
        case skippedNoStore
        case alreadyRunning

        public var succeeded: Bool {
            if case let .finished(summary) = self { return summary.ok }
            return false
        }
    }

    public struct Progress: Equatable {
        public let phase: SyncPhase
        public let done: UInt64
        /// Unknown while pulling.
        public let total: UInt64?

        public var fraction: Double? {
            guard let total else { return nil }
            return total == 0 ? 1 : min(1, Double(done) / Double(total))
        }
    }

    public private(set) var isRunning = false
    public private(set) var progress: Progress?
    public private(set) var lastOutcome: Outcome?
    public private(set) var lastTrigger: Trigger?
    /// When the last run ended and whether it succeeded; kept across launches
    /// (a date and a yes/no: nothing about any record).
    public private(set) var lastFinishedAt: Date?
    public private(set) var lastSucceeded: Bool?

    private let app: AppModel
    private let defaults: UserDefaults
    @ObservationIgnored private var cancellation: SyncCancellation?
    @ObservationIgnored private var runNumber = 0

    private static let finishedKey = "sync.lastFinishedAt"
    private static let succeededKey = "sync.lastSucceeded"

    public init(app: AppModel, defaults: UserDefaults = .standard) {
        self.app = app
        self.defaults = defaults
        if defaults.object(forKey: Self.finishedKey) != nil {
            lastFinishedAt = Date(timeIntervalSince1970: defaults.double(forKey: Self.finishedKey))
            lastSucceeded = defaults.bool(forKey: Self.succeededKey)
        }
    }

    @discardableResult
    public func run(trigger: Trigger) async -> Outcome {
        guard !isRunning else { return .alreadyRunning }
        // A locked store syncs too (a background refresh while nobody has
        // typed the PIN): the core pushes, and holds what it pulls, sealed,
        // until the next unlock merges it.
        guard let store = app.store, app.phase == .unlocked || app.phase == .locked else {
            return finish(.skippedNoStore, trigger: trigger, record: false)
        }
        runNumber += 1
        let run = runNumber
        isRunning = true
        progress = nil
        let cancellation = SyncCancellation()
        self.cancellation = cancellation
        let relay = ProgressRelay { [weak self] progress in
            guard let model = self else { return }
            Task { @MainActor in model.show(progress, run: run) }
        }
        let qos: DispatchQoS.QoSClass = trigger == .background ? .utility : .userInitiated
        let outcome: Outcome
        do {
            // Not through `app.perform`, which needs an unlocked store.
            let summary = try await Background.run(qos: qos) {
                try store.sync(listener: relay, cancellation: cancellation)
            }
            outcome = .finished(summary)
            if summary.wiped {
                // The hub ordered this device erased and the core did it.
                app.markErased()
            } else if summary.formsAdopted > 0 {
                await app.reloadForms()
            }
        } catch {
            app.route(error)
            outcome = .failed(CoreError(error))
        }
        self.cancellation = nil
        isRunning = false
        progress = nil
        return finish(outcome, trigger: trigger, record: true)
    }

    private func show(_ progress: Progress, run: Int) {
        // A late callback must not show progress for a finished run.
        guard isRunning, runNumber == run else { return }
        self.progress = progress
    }

    /// Forgets the last result, here and across launches: after a duress
    /// unlock, the empty store must not show the real one's last sync.
    public func forgetLastResult() {
        lastOutcome = nil
        lastTrigger = nil
        lastFinishedAt = nil
        lastSucceeded = nil
        defaults.removeObject(forKey: Self.finishedKey)
        defaults.removeObject(forKey: Self.succeededKey)
    }

    /// Stops a running sync at its next request or batch.
    public func cancel() {
        cancellation?.cancel()
    }

    private func finish(_ outcome: Outcome, trigger: Trigger, record: Bool) -> Outcome {
        lastOutcome = outcome
        lastTrigger = trigger
        if record {
            let now = Date()
            lastFinishedAt = now
            lastSucceeded = outcome.succeeded
            defaults.set(now.timeIntervalSince1970, forKey: Self.finishedKey)
            defaults.set(outcome.succeeded, forKey: Self.succeededKey)
        }
        return outcome
    }
}
