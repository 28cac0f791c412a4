import FieldbookKit
import SwiftUI

/// One client: their details (and conflicting edits, if any) and everything
/// recorded about them, newest first, with ways to add more.
@MainActor
struct ClientTimelineView: View {
    let app: AppModel
    @State private var model: TimelineModel
    @State private var form: FormRequest?
    @State private var writable: [RecordKind] = []
    @State private var confirmDelete = false
    @Environment(\.dismiss) private var dismiss

    init(clientId: String, app: AppModel) {
        self.app = app
        _model = State(initialValue: TimelineModel(clientId: clientId, app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if let client = model.client {
                Section {
                    RecordValuesView(record: client.record, forms: app.forms)
                    if !client.conflicts.isEmpty {
                        NavigationLink(value: Route.record(client.record.id)) {
                            Label("Edited on two devices: see both values", systemImage: "arrow.triangle.branch")
                                .foregroundStyle(.orange)
                        }
                    }
                }
            }
            Section("Timeline") {
                if model.entries.isEmpty && !model.isLoading {
                    Text("Nothing recorded yet.").foregroundStyle(.secondary)
                }
                ForEach(model.entries, id: \.record.id) { entry in
                    let summary = RecordSummary(entry.record, forms: app.forms)
                    NavigationLink(value: Route.record(entry.record.id)) {
                        HStack(alignment: .top) {
                            Image(systemName: entry.record.kind.systemImage).foregroundStyle(.tint)
                            VStack(alignment: .leading) {
                                Text(summary.title).font(.headline)
                                Text(app.forms.title(entry.record.kind)).font(.caption).foregroundStyle(.secondary)
                                if let date = entry.date {
                                    Text(FieldDates.displayDay(date)).font(.caption).foregroundStyle(.secondary)
                                }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(model.client.map { RecordSummary($0.record, forms: app.forms).title } ?? "")
        .refreshable { await model.load() }
        .task {
            await model.load()
            writable = await model.writableKinds()
        }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Menu {
                    ForEach(writable, id: \.self) { kind in
                        Button {
                            form = FormRequest(kind: kind, prefill: model.prefill(for: kind))
                        } label: {
                            Label(app.forms.title(kind), systemImage: kind.systemImage)
                        }
                    }
                    if let client = model.client {
                        Divider()
                        Button {
                            form = FormRequest(kind: .client, editing: client.record)
                        } label: {
                            Label("Edit client", systemImage: "pencil")
                        }
                        Button(role: .destructive) {
                            confirmDelete = true
                        } label: {
                            Label("Delete client", systemImage: "trash")
                        }
                    }
                } label: {
                    Label("Add", systemImage: "plus")
                }
            }
        }
        .confirmationDialog("Delete this client?", isPresented: $confirmDelete, titleVisibility: .visible) {
            Button("Delete", role: .destructive) {
                Task {
                    if await model.deleteClient() { dismiss() }
                }
            }
        } message: {
            Text("Their records stay; the client's history keeps every version.")
        }
        .sheet(item: $form, onDismiss: { Task { await model.load() } }) { request in
            RecordFormView(model: request.model(app: app))
        }
    }
}
