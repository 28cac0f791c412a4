import BackgroundTasks
import FieldbookKit
import os

/// Periodic sync through BGAppRefreshTask: registered at launch, scheduled
/// each time the app leaves the foreground and after each run. The system
/// decides when it runs; the expiration handler cancels the sync through the
/// core's SyncCancellation, and what was saved stays saved.
///
/// The app locks the store when it leaves the foreground, so a run usually
/// finds it locked: the core still pushes what this device wrote and holds
/// what it pulls, sealed, until the next unlock merges it. With complete data
/// protection the store's files cannot be opened while the phone itself is
/// locked; such a run fails and says so, and the next one tries again.
@MainActor
final class BackgroundSync {
    static let identifier = "org.fieldbook.sync"
    /// Not more often than this; the system may wait much longer.
    static let interval: TimeInterval = 60 * 60

    private let app: AppModel
    private let sync: SyncModel
    private let log = Logger(subsystem: "org.fieldbook", category: "background-sync")

    init(app: AppModel, sync: SyncModel) {
        self.app = app
        self.sync = sync
    }

    func register() {
        let registered = BGTaskScheduler.shared.register(forTaskWithIdentifier: Self.identifier, using: .main) { task in
            // Delivered on the main queue, as asked above.
            MainActor.assumeIsolated {
                guard let task = task as? BGAppRefreshTask else {
                    task.setTaskCompleted(success: false)
                    return
                }
                self.handle(task)
            }
        }
        if !registered {
            log.error("background sync not registered: identifier missing from Info.plist")
        }
    }

    func schedule() {
        let request = BGAppRefreshTaskRequest(identifier: Self.identifier)
        request.earliestBeginDate = Date(timeIntervalSinceNow: Self.interval)
        do {
            try BGTaskScheduler.shared.submit(request)
        } catch {
            // Only the scheduler's error code: nothing about records.
            log.error("background sync not scheduled: \(String(describing: error), privacy: .public)")
        }
    }

    private func handle(_ task: BGAppRefreshTask) {
        // The next run first, as the system expects, whatever this one does.
        schedule()
        let completion = TaskCompletion(task)
        let sync = sync
        task.expirationHandler = {
            // Any thread. The core stops at its next request; the task is
            // reported now, not when that request gives up.
            Task { @MainActor in sync.cancel() }
            completion.complete(success: false)
        }
        Task {
            await app.startIfNeeded()
            let outcome = await sync.run(trigger: .background)
            completion.complete(success: outcome.succeeded)
        }
    }
}

/// Reports a background task's end exactly once, from whichever side ends first.
private final class TaskCompletion: @unchecked Sendable {
    // @unchecked: `done` is only touched under `lock`.
    private let task: BGTask
    private let lock = NSLock()
    private var done = false

    init(_ task: BGTask) {
        self.task = task
    }

    func complete(success: Bool) {
        let first = lock.withLock { () -> Bool in
            defer { done = true }
            return !done
        }
        if first { task.setTaskCompleted(success: success) }
    }
}
