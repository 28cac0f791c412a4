import FieldbookKit
import SwiftUI

/// Where a worker sets the duress PIN, with what it does said plainly.
@MainActor
struct DuressPinView: View {
    @State private var model: DuressPinModel

    init(app: AppModel) {
        _model = State(initialValue: DuressPinModel(app: app))
    }

    var body: some View {
        @Bindable var model = model
        Form {
            Section {
                Text("If someone makes you unlock this phone, type the duress PIN instead of your PIN. Every record on the phone is erased without any sign, and an empty Fieldbook opens.")
                    .font(.callout)
            }
            Section(model.isSet ? "Change the duress PIN" : "Set a duress PIN") {
                SecureField("Duress PIN", text: $model.pin)
                    .keyboardType(.numberPad)
                    .textContentType(.oneTimeCode)
                SecureField("Duress PIN again", text: $model.confirmation)
                    .keyboardType(.numberPad)
                    .textContentType(.oneTimeCode)
                Button("Save") { Task { await model.save() } }
                    .disabled(!model.canSave)
                status
            }
            if model.isSet {
                Section {
                    Button("Remove the duress PIN", role: .destructive) { Task { await model.clear() } }
                }
            }
        }
        .navigationTitle("Duress PIN")
        .task { await model.load() }
    }

    @ViewBuilder private var status: some View {
        switch model.status {
        case .idle, .saving:
            EmptyView()
        case .saved:
            Label("Duress PIN saved", systemImage: "checkmark.shield")
        case .mismatch:
            Label("The two PINs differ", systemImage: "exclamationmark.triangle.fill")
                .foregroundStyle(.red)
                .font(.callout)
        case let .failed(error):
            ErrorText(error.message)
        }
    }
}
