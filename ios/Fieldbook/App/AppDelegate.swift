import UIKit

@MainActor
final class AppDelegate: NSObject, UIApplicationDelegate {
    let services = AppServices()

    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        services.background.register()
        return true
    }
}
