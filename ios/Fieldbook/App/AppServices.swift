import FieldbookKit
import SwiftUI
import UIKit

/// What lives as long as the process: the store's model, sync, and the
/// background refresh. One instance, owned by the app delegate.
@MainActor
final class AppServices {
    let app: AppModel
    let sync: SyncModel
    let background: BackgroundSync

    init() {
        let location: StoreLocation
        do {
            location = try StoreLocation.applicationSupport()
        } catch {
            // Without Application Support there is nowhere safe to keep data;
            // a temporary folder would lose it, or back it up.
            fatalError("Application Support is unavailable")
        }
        // The language the UI is shown in, so labels and the core's messages agree.
        let language = Language.preferred(Bundle.main.preferredLocalizations)
        app = AppModel(location: location, keyStore: KeychainKeyStore(), language: language)
        sync = SyncModel(app: app)
        background = BackgroundSync(app: app, sync: sync)
        app.onStoreReplaced = { [weak sync = self.sync] in sync?.forgetLastResult() }
    }

    /// Leaving the foreground: a running sync is cancelled (it resumes next
    /// time from where it stopped) and the store locks, so a phone taken
    /// from a pocket shows nothing and holds no keys. The privacy cover is
    /// drawn by `RootView` from the same scene phase.
    func scenePhaseChanged(to phase: ScenePhase) {
        switch phase {
        case .background:
            sync.cancel()
            background.schedule()
            lockInBackground()
        case .active:
            Task { await app.checkAutoLock() }
        default:
            break
        }
    }

    private func lockInBackground() {
        // Locking waits for the store's current call (a cancelled sync
        // finishing its request); ask for the time to do it while suspended.
        // The id lives in a main-actor object, not a captured `var`: both
        // closures below may be concurrent (@Sendable), and the background
        // task ends once, by whichever comes first.
        let backgroundTask = BackgroundTask()
        backgroundTask.id = UIApplication.shared.beginBackgroundTask(withName: "lock-store") {
            // The system calls this on the main thread.
            MainActor.assumeIsolated { backgroundTask.end() }
        }
        Task {
            await app.lock()
            backgroundTask.end()
        }
    }
}

/// A background task's id, ended at most once.
@MainActor
private final class BackgroundTask {
    var id = UIBackgroundTaskIdentifier.invalid

    func end() {
        guard id != .invalid else { return }
        UIApplication.shared.endBackgroundTask(id)
        id = .invalid
    }
}
