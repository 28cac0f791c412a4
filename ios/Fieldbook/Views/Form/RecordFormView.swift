import FieldbookKit
import SwiftUI

/// The one form renderer: any kind, new or edited, drawn from the core's
/// `FormSpec`. Which fields show and what is wrong with them come from the
/// core as the person types; saving is the core's call too.
@MainActor
struct RecordFormView: View {
    @State private var model: FormModel
    @Environment(\.dismiss) private var dismiss

    init(model: FormModel) {
        _model = State(initialValue: model)
    }

    var body: some View {
        NavigationStack {
            Form {
                if model.formError != nil {
                    Section { ErrorText(model.formError) }
                }
                if !model.systemFields.isEmpty {
                    Section {
                        ForEach(model.systemFields, id: \.key) { field in
                            LabeledContent(field.label, value: display(field))
                        }
                    }
                }
                Section {
                    ForEach(model.shownFields, id: \.key) { field in
                        FieldInputView(field: field, model: model)
                    }
                }
                if !model.generalProblems.isEmpty {
                    Section {
                        ForEach(model.generalProblems, id: \.self) { problem in
                            Text(problem.message).foregroundStyle(.red)
                        }
                    }
                }
            }
            .navigationTitle(model.spec.title)
            .navigationBarTitleDisplayMode(.inline)
            .scrollDismissesKeyboard(.interactively)
            .disabled(model.isSaving)
            .toolbar {
                ToolbarItem(placement: .cancellationAction) {
                    Button("Cancel") { dismiss() }
                }
                ToolbarItem(placement: .confirmationAction) {
                    Button {
                        Task {
                            if await model.save() { dismiss() }
                        }
                    } label: {
                        if model.isSaving { ProgressView() } else { Text("Save") }
                    }
                }
            }
            .task { await model.start() }
            .sheet(isPresented: duplicateShown) {
                if let warning = model.duplicate {
                    DuplicateClientView(warning: warning, forms: model.forms) {
                        Task {
                            if await model.save(allowDuplicate: true) { dismiss() }
                        }
                    } onDiscard: {
                        model.dismissDuplicate()
                        dismiss()
                    }
                    .presentationDetents([.medium, .large])
                }
            }
        }
        // Once something is typed, only Cancel or Save closes the form, so
        // work is not lost to a stray swipe.
        .interactiveDismissDisabled(!model.touched.isEmpty)
    }

    private var duplicateShown: Binding<Bool> {
        Binding(
            get: { model.duplicate != nil },
            set: { if !$0 { model.dismissDuplicate() } }
        )
    }

    private func display(_ field: FieldSpec) -> String {
        model.forms.display(model.value(field.key), kind: model.kind, key: field.key)
    }
}
