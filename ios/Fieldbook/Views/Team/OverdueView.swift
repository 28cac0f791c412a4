import FieldbookKit
import SwiftUI

/// The team's overdue follow-ups by worker, most overdue first: what a
/// supervisor chases so referrals are not lost.
@MainActor
struct OverdueView: View {
    let app: AppModel
    @State private var model: OverdueModel

    init(app: AppModel) {
        self.app = app
        _model = State(initialValue: OverdueModel(app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if let list = model.list {
                if list.unreadableRecords > 0 {
                    Section {
                        Label("\(Int(list.unreadableRecords)) records could not be read and are not listed.",
                              systemImage: "exclamationmark.shield")
                            .foregroundStyle(.orange)
                    }
                }
                ForEach(Array(list.workers.enumerated()), id: \.offset) { _, worker in
                    Section {
                        ForEach(worker.items, id: \.recordId) { item in
                            DueRow(item: item, forms: app.forms)
                        }
                    } header: {
                        if let name = model.workerName(worker) {
                            Text(verbatim: "\(name) (\(worker.items.count))")
                        } else {
                            Text("Worker unknown (\(worker.items.count))")
                        }
                    }
                }
            }
        }
        .overlay {
            if let list = model.list, list.total == 0 {
                ContentUnavailableView("Nothing overdue", systemImage: "checkmark.circle")
            } else if model.list == nil && model.isLoading {
                ProgressView()
            }
        }
        .navigationTitle("Overdue follow-ups")
        .refreshable { await model.load() }
        .task { await model.load() }
    }
}
