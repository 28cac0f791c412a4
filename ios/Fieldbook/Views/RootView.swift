import FieldbookKit
import SwiftUI

/// Which screen the app is on follows the store: setting up, unlock,
/// the app, or erased. Anything drawn over the store's data is dropped when
/// it locks, so no record stays in memory behind the unlock screen.
@MainActor
struct RootView: View {
    @Environment(AppModel.self) private var app
    @Environment(\.scenePhase) private var scenePhase

    var body: some View {
        content
            .overlay {
                // Also what the app switcher's snapshot shows.
                if scenePhase != .active { PrivacyCover() }
            }
            .overlay {
                // Quick-hide: locked already; a tap brings back the unlock screen.
                if app.hidden {
                    PrivacyCover().onTapGesture { app.reveal() }
                }
            }
            .task { await app.startIfNeeded() }
            .task(id: app.phase) { await watchIdleTime() }
    }

    @ViewBuilder private var content: some View {
        switch app.phase {
        case .starting:
            ProgressView()
        case .setup:
            SetupView(app: app)
        case .locked:
            UnlockView(app: app)
        case .unlocked:
            MainView(app: app)
        case .erased:
            ErasedView()
        case let .failed(error):
            ContentUnavailableView {
                Label("The store cannot be opened", systemImage: "exclamationmark.lock")
            } description: {
                Text(error.message)
            }
        }
    }

    /// The core locks an idle store, but only notices when asked: ask every
    /// half minute while the app shows data.
    private func watchIdleTime() async {
        guard app.phase == .unlocked else { return }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(30))
            await app.checkAutoLock()
        }
    }
}
