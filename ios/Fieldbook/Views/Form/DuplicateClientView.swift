import FieldbookKit
import SwiftUI

/// The core found a client with the code this one would get: most often the
/// same person registered again. Shows who, and lets the worker go back,
/// discard, or save anyway (two people can share a code).
@MainActor
struct DuplicateClientView: View {
    let warning: FormModel.DuplicateWarning
    let forms: FormCatalog
    let onSaveAnyway: () -> Void
    let onDiscard: () -> Void
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            List {
                Section {
                    Text(warning.message)
                } footer: {
                    Text("If this is the same person, discard this form and open the existing client instead.")
                }
                Section("Clients with this code") {
                    ForEach(warning.existing, id: \.id) { client in
                        let summary = RecordSummary(client, forms: forms)
                        VStack(alignment: .leading) {
                            Text(summary.title).font(.headline)
                            if !summary.subtitle.isEmpty {
                                Text(summary.subtitle).font(.caption).foregroundStyle(.secondary)
                            }
                            Text(verbatim: FieldDates.displayInstant(client.createdAt))
                                .font(.caption)
                                .foregroundStyle(.secondary)
                        }
                    }
                }
                Section {
                    Button("Back to the form") { dismiss() }
                    Button("Discard this form", role: .destructive) { onDiscard() }
                    Button("Save as a different person") { onSaveAnyway() }
                }
            }
            .navigationTitle("Possible duplicate")
            .navigationBarTitleDisplayMode(.inline)
        }
    }
}
