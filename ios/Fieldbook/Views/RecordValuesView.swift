import FieldbookKit
import SwiftUI

/// A record's values in its form's order, with the form's labels; fields in
/// conflict are marked.
@MainActor
struct RecordValuesView: View {
    let record: Record
    let forms: FormCatalog
    /// Names for linked records, by id; a link without one shows its id.
    var linkTitles: [String: String] = [:]

    var body: some View {
        let spec = forms.spec(record.kind)
        ForEach(spec.fields.filter { record.values[$0.key] != nil }, id: \.key) { field in
            LabeledContent {
                HStack(spacing: 4) {
                    if record.conflicts.contains(field.key) {
                        Image(systemName: "arrow.triangle.branch").foregroundStyle(.orange)
                    }
                    Text(text(field))
                        .multilineTextAlignment(.trailing)
                }
            } label: {
                Text(field.label)
            }
        }
    }

    private func text(_ field: FieldSpec) -> String {
        switch record.values[field.key] {
        case let .link(id)?:
            return linkTitles[id] ?? id
        case let .links(ids)?:
            return ids.map { linkTitles[$0] ?? $0 }.joined(separator: ", ")
        case let value:
            return forms.display(value, kind: record.kind, key: field.key)
        }
    }
}
