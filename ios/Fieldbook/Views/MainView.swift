import FieldbookKit
import SwiftUI

/// The unlocked app. Supervisors also get the team tab (devices,
/// indicators, overdue list).
@MainActor
struct MainView: View {
    let app: AppModel

    var body: some View {
        TabView {
            NavigationStack { TodayView(app: app).recordDestinations(app: app) }
                .tabItem { Label("Today", systemImage: "calendar") }
            NavigationStack { ClientsView(app: app).recordDestinations(app: app) }
                .tabItem { Label("Clients", systemImage: "person.2") }
            NavigationStack { ReferralsView(app: app).recordDestinations(app: app) }
                .tabItem { Label("Referrals", systemImage: "arrow.triangle.turn.up.right.diamond") }
            NavigationStack { SyncView() }
                .tabItem { Label("Sync", systemImage: "arrow.triangle.2.circlepath") }
            if app.isSupervisor {
                NavigationStack { TeamView(app: app).recordDestinations(app: app) }
                    .tabItem { Label("Team", systemImage: "chart.bar.xaxis") }
            }
        }
    }
}
