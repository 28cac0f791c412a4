import FieldbookKit
import SwiftUI

/// The team's devices (supervisors): invite a new one, revoke a lost one.
@MainActor
struct DevicesView: View {
    @State private var model: DevicesModel
    @State private var inviting = false
    @State private var revoking: TeamDevice?

    init(app: AppModel) {
        _model = State(initialValue: DevicesModel(app: app))
    }

    var body: some View {
        List {
            if model.error != nil {
                Section { ErrorText(model.error) }
            }
            if let epoch = model.lastRevocationEpoch {
                Section {
                    Text("Revoked. The team now uses key epoch \(Int(epoch)); the revoked device will be erased when it next reaches the hub.")
                }
            }
            if let fingerprint = model.fingerprint {
                Section {
                    Text(fingerprint).font(.body.monospaced()).textSelection(.enabled)
                } header: {
                    Text("Team fingerprint")
                } footer: {
                    Text("When setting up a new device or meeting another supervisor, compare this line in person: every device of the team shows the same.")
                }
            }
            Section("Active") {
                ForEach(model.active, id: \.deviceId) { device in
                    DeviceRow(device: device, isThisDevice: model.isThisDevice(device))
                        .swipeActions {
                            if !model.isThisDevice(device) {
                                Button("Revoke", role: .destructive) { revoking = device }
                            }
                        }
                }
            }
            if !model.revoked.isEmpty {
                Section("Revoked") {
                    ForEach(model.revoked, id: \.deviceId) { device in
                        DeviceRow(device: device, isThisDevice: false)
                    }
                }
            }
        }
        .navigationTitle("Devices")
        .overlay { if model.isWorking && model.devices.isEmpty { ProgressView() } }
        .toolbar {
            ToolbarItem(placement: .primaryAction) {
                Button {
                    inviting = true
                } label: {
                    Label("Invite a device", systemImage: "qrcode")
                }
            }
        }
        .refreshable { await model.load() }
        .task { await model.load() }
        .sheet(isPresented: $inviting, onDismiss: { model.dismissInvitation() }) {
            InviteView(model: model)
        }
        .confirmationDialog(
            "Revoke this device?",
            isPresented: Binding(get: { revoking != nil }, set: { if !$0 { revoking = nil } }),
            titleVisibility: .visible,
            presenting: revoking
        ) { device in
            Button("Revoke", role: .destructive) {
                Task { await model.revoke(device) }
            }
        } message: { _ in
            Text("The hub refuses it from now on and orders it erased at its next contact. The team moves to new keys it never gets.")
        }
    }
}

@MainActor
private struct DeviceRow: View {
    let device: TeamDevice
    let isThisDevice: Bool

    var body: some View {
        VStack(alignment: .leading, spacing: 2) {
            HStack {
                Text(device.label ?? String(device.deviceId.prefix(8))).font(.headline)
                if isThisDevice {
                    Text("This device").font(.caption).foregroundStyle(.secondary)
                }
            }
            Text(device.role.title).font(.subheadline).foregroundStyle(.secondary)
            if !device.verified {
                Label("Unverified: not in the team's signed roster. This device gets no keys.", systemImage: "exclamationmark.triangle.fill")
                    .font(.caption)
                    .foregroundStyle(.red)
            }
            if let seen = device.lastSeenAt {
                Text("Last seen \(FieldDates.displayInstant(seen))").font(.caption).foregroundStyle(.secondary)
            } else {
                Text("Never synced").font(.caption).foregroundStyle(.secondary)
            }
        }
    }
}
