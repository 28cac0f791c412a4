import FieldbookKit
import SwiftUI

/// Referrals grouped by status, in the order of the loop (draft, sent,
/// accepted, completed, then the ways it ends without completing).
@MainActor
struct ReferralsView: View {
    let app: AppModel
    @State private var model: ReferralsModel

    init(app: AppModel) {
        self.app = app
        _model = State(initialValue: ReferralsModel(app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            ForEach(model.groups, id: \.status) { group in
                Section {
                    ForEach(group.referrals, id: \.id) { referral in
                        let summary = RecordSummary(referral, forms: app.forms)
                        NavigationLink(value: Route.record(referral.id)) {
                            VStack(alignment: .leading) {
                                Text(summary.title).font(.headline)
                                if case let .date(due)? = referral.values["follow_up_due"] {
                                    Text("Follow up by \(FieldDates.displayDay(due))")
                                        .font(.caption)
                                        .foregroundStyle(isPast(due) && isOpen(group.status) ? Color.red : Color.secondary)
                                }
                            }
                        }
                    }
                } header: {
                    Text(verbatim: "\(model.statusLabel(group.status)) (\(group.referrals.count))")
                }
            }
        }
        .overlay {
            if model.groups.isEmpty && !model.isLoading && model.error == nil {
                ContentUnavailableView("No referrals", systemImage: "arrow.triangle.turn.up.right.diamond")
            }
        }
        .navigationTitle("Referrals")
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Menu {
                    Picker("Status", selection: $model.status) {
                        Text("All").tag(String?.none)
                        ForEach(model.statuses, id: \.value) { status in
                            Text(status.label).tag(String?.some(status.value))
                        }
                    }
                } label: {
                    Label("Filter", systemImage: "line.3.horizontal.decrease.circle")
                }
            }
        }
        .onChange(of: model.status) { Task { await model.load() } }
        .refreshable { await model.load() }
        .task { await model.load() }
    }

    private func isPast(_ day: String) -> Bool {
        day < FieldDates.day(Date())
    }

    /// Still waiting for an outcome.
    private func isOpen(_ status: String) -> Bool {
        ["draft", "sent", "accepted"].contains(status)
    }
}
