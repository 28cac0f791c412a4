import FieldbookKit
import SwiftUI

/// One record: its values, the values that lost to a concurrent edit on
/// another device (shown, never dropped), and every version.
@MainActor
struct RecordDetailView: View {
    let app: AppModel
    @State private var model: RecordDetailModel
    @State private var form: FormRequest?
    @State private var confirmDelete = false
    @Environment(\.dismiss) private var dismiss

    init(recordId: String, app: AppModel) {
        self.app = app
        _model = State(initialValue: RecordDetailModel(recordId: recordId, app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if let details = model.record {
                let record = details.record
                Section(app.forms.title(record.kind)) {
                    RecordValuesView(record: record, forms: app.forms, linkTitles: model.linkTitles)
                    if let client = clientId(of: record) {
                        NavigationLink(value: Route.client(client)) {
                            Label("Open the client", systemImage: "person")
                        }
                    }
                }
                if !details.conflicts.isEmpty {
                    Section {
                        ForEach(details.conflicts, id: \.field) { conflict in
                            ConflictRow(conflict: conflict, kind: record.kind, forms: app.forms)
                        }
                    } header: {
                        Text("Edited on two devices")
                    } footer: {
                        Text("The value shown won by the rule every device applies (the later edit). Edit the record to keep another value.")
                    }
                }
                Section("History") {
                    ForEach(model.history.reversed(), id: \.versionId) { entry in
                        HistoryRow(entry: entry, kind: record.kind, forms: app.forms)
                    }
                }
            }
        }
        .navigationTitle(model.record.map { RecordSummary($0.record, forms: app.forms).title } ?? "")
        .navigationBarTitleDisplayMode(.inline)
        .task { await model.load() }
        .refreshable { await model.load() }
        .toolbar {
            ToolbarItemGroup(placement: .primaryAction) {
                Button {
                    if let record = model.record?.record {
                        form = FormRequest(kind: record.kind, editing: record)
                    }
                } label: {
                    Label("Edit", systemImage: "pencil")
                }
                Button(role: .destructive) {
                    confirmDelete = true
                } label: {
                    Label("Delete", systemImage: "trash")
                }
            }
        }
        .disabled(model.record == nil && model.isLoading)
        .confirmationDialog("Delete this record?", isPresented: $confirmDelete, titleVisibility: .visible) {
            Button("Delete", role: .destructive) {
                Task {
                    if await model.delete() { dismiss() }
                }
            }
        } message: {
            Text("Its history keeps every version.")
        }
        .sheet(item: $form, onDismiss: { Task { await model.load() } }) { request in
            RecordFormView(model: request.model(app: app))
        }
    }

    private func clientId(of record: Record) -> String? {
        if case let .link(id)? = record.values["client_id"] { return id }
        return nil
    }
}

@MainActor
private struct ConflictRow: View {
    let conflict: FieldConflict
    let kind: RecordKind
    let forms: FormCatalog

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(forms.field(kind, conflict.field)?.label ?? conflict.field).font(.headline)
            Text(forms.display(conflict.value, kind: kind, key: conflict.field))
            ForEach(Array(conflict.losingValues.enumerated()), id: \.offset) { _, losing in
                HStack(alignment: .firstTextBaseline) {
                    Image(systemName: "arrow.uturn.backward").foregroundStyle(.secondary)
                    VStack(alignment: .leading) {
                        Text(forms.display(losing.value, kind: kind, key: conflict.field))
                            .strikethrough()
                        Text(verbatim: "\(FieldDates.displayInstant(losing.writtenAt)) · \(losing.device.prefix(8))")
                            .font(.caption)
                            .foregroundStyle(.secondary)
                    }
                }
            }
        }
    }
}

@MainActor
private struct HistoryRow: View {
    let entry: HistoryEntry
    let kind: RecordKind
    let forms: FormCatalog

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            Text(verbatim: "\(FieldDates.displayInstant(entry.writtenAt)) · \(entry.device.prefix(8))")
                .font(.caption)
                .foregroundStyle(.secondary)
            if entry.deletes {
                Text("Deleted").foregroundStyle(.red)
            }
            ForEach(entry.changes, id: \.field) { change in
                HStack(alignment: .firstTextBaseline) {
                    Text(forms.field(kind, change.field)?.label ?? change.field)
                        .foregroundStyle(.secondary)
                    Spacer()
                    if change.value == nil {
                        Text("cleared").italic()
                    } else {
                        Text(forms.display(change.value, kind: kind, key: change.field))
                    }
                }
                .font(.callout)
            }
        }
    }
}
