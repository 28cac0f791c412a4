import FieldbookKit
import SwiftUI

/// The clients: search by alias or identifier code, add a new one (the form
/// warns when the code matches an existing client).
@MainActor
struct ClientsView: View {
    let app: AppModel
    @State private var model: ClientsModel
    @State private var form: FormRequest?

    init(app: AppModel) {
        self.app = app
        _model = State(initialValue: ClientsModel(app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if model.unreadableCount > 0 {
                Section {
                    Label("\(model.unreadableCount) records cannot be read on this device (damaged or tampered with).",
                          systemImage: "exclamationmark.shield")
                        .foregroundStyle(.orange)
                }
            }
            ForEach(model.clients, id: \.id) { client in
                let summary = RecordSummary(client, forms: app.forms)
                NavigationLink(value: Route.client(client.id)) {
                    VStack(alignment: .leading) {
                        Text(summary.title).font(.headline)
                        if !summary.subtitle.isEmpty {
                            Text(summary.subtitle).font(.caption).foregroundStyle(.secondary)
                        }
                    }
                }
            }
        }
        .overlay {
            if model.clients.isEmpty && !model.isLoading && model.error == nil {
                ContentUnavailableView("No clients", systemImage: "person.2.slash",
                                       description: Text("Add a client, or search by alias or identifier code."))
            }
        }
        .navigationTitle("Clients")
        .searchable(text: $model.query, prompt: Text("Alias or code"))
        .autocorrectionDisabled()
        .onChange(of: model.query) { model.queryChanged() }
        .refreshable { await model.load() }
        .task { await model.load() }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button {
                    form = FormRequest(kind: .client)
                } label: {
                    Label("Add client", systemImage: "person.badge.plus")
                }
            }
        }
        .sheet(item: $form, onDismiss: { Task { await model.load() } }) { request in
            RecordFormView(model: request.model(app: app))
        }
    }
}
