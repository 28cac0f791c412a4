import FieldbookKit
import SwiftUI

/// The supervisor's tab: the team's figures, what is overdue, and devices.
@MainActor
struct TeamView: View {
    let app: AppModel

    var body: some View {
        List {
            NavigationLink {
                IndicatorsView(app: app)
            } label: {
                Label("Indicators", systemImage: "chart.bar.xaxis")
            }
            NavigationLink {
                OverdueView(app: app)
            } label: {
                Label("Overdue follow-ups", systemImage: "clock.badge.exclamationmark")
            }
            NavigationLink {
                DevicesView(app: app)
            } label: {
                Label("Devices", systemImage: "iphone.gen3")
            }
        }
        .navigationTitle("Team")
    }
}
