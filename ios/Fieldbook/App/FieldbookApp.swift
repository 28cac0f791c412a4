import FieldbookKit
import SwiftUI

@main
@MainActor
struct FieldbookApp: App {
    // The delegate owns the services: the background task must be registered
    // before launch ends, even when the system launches the app only to sync.
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environment(delegate.services.app)
                .environment(delegate.services.sync)
        }
        .onChange(of: scenePhase) { _, phase in
            delegate.services.scenePhaseChanged(to: phase)
        }
    }
}
