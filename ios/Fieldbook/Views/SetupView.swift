import FieldbookKit
import SwiftUI

/// The first run: enroll with a supervisor's code, or a device of its own.
@MainActor
struct SetupView: View {
    @State private var model: SetupModel

    init(app: AppModel) {
        _model = State(initialValue: SetupModel(app: app))
    }

    var body: some View {
        NavigationStack {
            Form {
                Section {
                    Picker("Set up", selection: $model.mode) {
                        Text("Join my team").tag(SetupModel.Mode.enroll)
                        Text("Device of its own").tag(SetupModel.Mode.standalone)
                    }
                    .pickerStyle(.segmented)
                }
                switch model.mode {
                case .enroll:
                    Section {
                        TextField("One-time code", text: $model.code)
                            .textInputAutocapitalization(.characters)
                        TextField("Hub address", text: $model.hubURL)
                            .keyboardType(.URL)
                            .textInputAutocapitalization(.never)
                        TextField("Hub certificate SHA-256", text: $model.hubCertificateSHA256, axis: .vertical)
                            .textInputAutocapitalization(.never)
                            .font(.callout.monospaced())
                        TextField("Name of this device (optional)", text: $model.deviceLabel)
                    } header: {
                        Text("From your supervisor")
                    } footer: {
                        Text("The code works once. For an https hub, the certificate fingerprint makes this device trust that hub only.")
                    }
                case .standalone:
                    Section {
                        Picker("Role", selection: $model.role) {
                            ForEach(Role.allInOrder, id: \.self) { role in
                                Text(role.title).tag(role)
                            }
                        }
                    } footer: {
                        Text("A team of its own, with no hub to sync with: for trying Fieldbook out.")
                    }
                }
                Section {
                    SecureField("PIN", text: $model.pin)
                        .keyboardType(.numberPad)
                        .textContentType(.oneTimeCode)
                    SecureField("PIN again", text: $model.pinConfirmation)
                        .keyboardType(.numberPad)
                        .textContentType(.oneTimeCode)
                } header: {
                    Text("PIN")
                } footer: {
                    if !model.pin.isEmpty && !model.pinIsLongEnough {
                        Text("At least 6 digits.")
                    } else if !model.pinConfirmation.isEmpty && !model.pinsMatch {
                        Text("The two PINs differ.").foregroundStyle(.red)
                    } else {
                        Text("Everything on this device is encrypted under this PIN. After 10 wrong PINs the data is erased.")
                    }
                }
                if model.error != nil {
                    Section { ErrorText(model.error) }
                }
                Section {
                    Button {
                        Task { await model.submit() }
                    } label: {
                        if model.isWorking {
                            ProgressView()
                        } else {
                            Text(model.mode == .enroll ? "Join" : "Create")
                        }
                    }
                    .disabled(!model.canSubmit)
                }
            }
            .navigationTitle("Fieldbook")
        }
    }
}
