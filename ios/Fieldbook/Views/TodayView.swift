import FieldbookKit
import SwiftUI

/// Follow-ups due today, overdue first, and quick ways to record work.
@MainActor
struct TodayView: View {
    let app: AppModel
    @State private var model: TodayModel
    @State private var form: FormRequest?
    @State private var writable: [RecordKind] = []

    init(app: AppModel) {
        self.app = app
        _model = State(initialValue: TodayModel(app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if !model.overdue.isEmpty {
                Section("Overdue") {
                    ForEach(model.overdue, id: \.recordId) { DueRow(item: $0, forms: app.forms) }
                }
            }
            Section("Due today") {
                if model.dueToday.isEmpty && !model.isLoading {
                    Text("Nothing due today.").foregroundStyle(.secondary)
                }
                ForEach(model.dueToday, id: \.recordId) { DueRow(item: $0, forms: app.forms) }
            }
        }
        .navigationTitle("Today")
        .overlay { if model.isLoading && model.items.isEmpty { ProgressView() } }
        .refreshable { await model.load() }
        .task {
            await model.load()
            writable = await app.writableKinds()
        }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Menu {
                    ForEach(writable, id: \.self) { kind in
                        Button {
                            form = FormRequest(kind: kind)
                        } label: {
                            Label(app.forms.title(kind), systemImage: kind.systemImage)
                        }
                    }
                } label: {
                    Label("New record", systemImage: "plus")
                }
                .disabled(writable.isEmpty)
            }
        }
        .sheet(item: $form, onDismiss: { Task { await model.load() } }) { request in
            RecordFormView(model: request.model(app: app))
        }
    }
}

@MainActor
struct DueRow: View {
    let item: DueItem
    let forms: FormCatalog

    var body: some View {
        NavigationLink(value: item.clientId.map(Route.client) ?? Route.record(item.recordId)) {
            HStack {
                Image(systemName: item.reason.systemImage)
                    .foregroundStyle(.tint)
                VStack(alignment: .leading) {
                    Text(item.clientAlias ?? String(localized: "Client not readable here"))
                        .font(.headline)
                    HStack(spacing: 4) {
                        Text(item.reason.title)
                        if let service = item.service {
                            Text(verbatim: "· " + forms.choiceLabel(.referral, "service", service))
                        }
                    }
                    .font(.subheadline)
                    .foregroundStyle(.secondary)
                    Text(FieldDates.displayDay(item.dueDate))
                        .font(.caption)
                        .foregroundStyle(.secondary)
                }
                Spacer()
                OverdueBadge(item: item)
            }
        }
    }
}
