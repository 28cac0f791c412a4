import FieldbookKit
import SwiftUI

/// The unlocked app. Supervisors also get the team tab (devices,
/// indicators, overdue list).
@MainActor
struct MainView: View {
    let app: AppModel

    var body: some View {
        tabs
            .safeAreaInset(edge: .top) {
                if let offline = app.offline, offline.warn {
                    OfflineWarning(status: offline)
                }
            }
            .overlay(alignment: .topTrailing) {
                Button {
                    Task { await app.quickHide() }
                } label: {
                    Label("Hide now", systemImage: "eye.slash")
                        .labelStyle(.iconOnly)
                        .padding(10)
                }
                .accessibilityLabel(Text("Hide now: lock and show a blank screen"))
            }
    }

    private var tabs: some View {
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

/// From a week before the offline erase: sync soon, or the store goes.
@MainActor
struct OfflineWarning: View {
    let status: OfflineStatus

    var body: some View {
        Label {
            Text("Not synced for \(Int(status.daysOffline)) days. Sync within \(Int(status.daysLeft)) days, or this phone erases its records.")
        } icon: {
            Image(systemName: "exclamationmark.triangle")
        }
        .font(.footnote)
        .padding(8)
        .frame(maxWidth: .infinity)
        .background(.yellow.opacity(0.25))
    }
}
