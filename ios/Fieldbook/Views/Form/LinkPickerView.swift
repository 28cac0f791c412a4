import FieldbookKit
import SwiftUI

/// Picks the record a link field points to (the client of a contact, the
/// attendees of a meeting), searching as the client list does.
@MainActor
struct LinkPickerView: View {
    let field: FieldSpec
    let form: FormModel
    @State private var options: LinkOptionsModel
    @Environment(\.dismiss) private var dismiss

    init(field: FieldSpec, form: FormModel, app: AppModel) {
        self.field = field
        self.form = form
        _options = State(initialValue: LinkOptionsModel(kind: field.linkKind ?? .client, app: app))
    }

    var body: some View {
        List {
            if options.error != nil {
                Section { ErrorText(options.error) }
            }
            if !field.multiple, !form.linkedIds(field.key).isEmpty {
                Button(role: .destructive) {
                    form.setLink(field.key, nil)
                    dismiss()
                } label: {
                    Label("No link", systemImage: "xmark")
                }
            }
            ForEach(options.options) { option in
                Button {
                    if field.multiple {
                        form.toggleLink(field.key, option)
                    } else {
                        form.setLink(field.key, option)
                        dismiss()
                    }
                } label: {
                    HStack {
                        Text(option.title).foregroundStyle(.primary)
                        Spacer()
                        if form.linkedIds(field.key).contains(option.id) {
                            Image(systemName: "checkmark").foregroundStyle(.tint)
                        }
                    }
                }
            }
        }
        .navigationTitle(field.label)
        .searchable(text: $options.query)
        .autocorrectionDisabled()
        .onChange(of: options.query) { options.queryChanged() }
        .task { await options.load() }
    }
}
