import FieldbookKit
import SwiftUI

/// A one-time code for a new device. Shown once: it is forgotten when this
/// sheet closes, and never copied into logs or kept on disk.
@MainActor
struct InviteView: View {
    let model: DevicesModel
    @State private var role: Role = .outreach
    @State private var days = 7
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            Form {
                if let invitation = model.invitation {
                    Section {
                        Text(invitation.code)
                            .font(.title.monospaced().bold())
                            .textSelection(.enabled)
                            .frame(maxWidth: .infinity, alignment: .center)
                        LabeledContent("Role") { Text(invitation.role.title) }
                        LabeledContent("Hub address", value: invitation.hubUrl)
                        if let fingerprint = invitation.hubCertificateSha256 {
                            VStack(alignment: .leading) {
                                Text("Hub certificate SHA-256")
                                Text(fingerprint).font(.caption.monospaced()).textSelection(.enabled)
                            }
                        }
                        LabeledContent("Valid until", value: FieldDates.displayInstant(invitation.expiresAt))
                    } footer: {
                        Text("Type these into the new device. The code works once and is not shown again.")
                    }
                } else {
                    Section {
                        Picker("Role", selection: $role) {
                            ForEach(Role.allInOrder, id: \.self) { role in
                                Text(role.title).tag(role)
                            }
                        }
                        Stepper(value: $days, in: 1 ... 30) {
                            Text("Valid for \(days) days")
                        }
                    }
                    if model.error != nil {
                        Section { ErrorText(model.error) }
                    }
                    Section {
                        Button {
                            Task { await model.invite(role: role, days: UInt32(days)) }
                        } label: {
                            if model.isWorking { ProgressView() } else { Text("Make a code") }
                        }
                        .disabled(model.isWorking)
                    }
                }
            }
            .navigationTitle("Invite a device")
            .navigationBarTitleDisplayMode(.inline)
            .toolbar {
                ToolbarItem(placement: .confirmationAction) {
                    Button("Done") { dismiss() }
                }
            }
        }
        // Shown once: a stray swipe must not close it before it was passed on.
        .interactiveDismissDisabled(model.invitation != nil)
    }
}
