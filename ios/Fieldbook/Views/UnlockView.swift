import FieldbookKit
import SwiftUI

/// The PIN. What the core answered decides what is said: attempts left,
/// how long to wait, or (via the app model) that the data was erased.
@MainActor
struct UnlockView: View {
    @State private var model: UnlockModel
    @FocusState private var focused: Bool

    init(app: AppModel) {
        _model = State(initialValue: UnlockModel(app: app))
    }

    var body: some View {
        VStack(spacing: 24) {
            Spacer()
            Image(systemName: "lock.fill")
                .font(.system(size: 44))
                .foregroundStyle(.tint)
            Text("Enter your PIN")
                .font(.title2.bold())
            SecureField("PIN", text: $model.pin)
                .keyboardType(.numberPad)
                .textContentType(.oneTimeCode)
                .multilineTextAlignment(.center)
                .font(.title)
                .focused($focused)
                .frame(maxWidth: 240)
                .onSubmit { Task { await model.unlock() } }
            status
            // Re-evaluated each second so the button enables when a wait ends.
            TimelineView(.periodic(from: .now, by: 1)) { _ in
                Button {
                    Task { await model.unlock() }
                } label: {
                    if model.status == .checking {
                        ProgressView()
                    } else {
                        Text("Unlock").frame(maxWidth: 200)
                    }
                }
                .buttonStyle(.borderedProminent)
                .disabled(!model.canSubmit)
            }
            Spacer()
        }
        .padding()
        .onAppear { focused = true }
    }

    @ViewBuilder private var status: some View {
        switch model.status {
        case let .wrongPin(attemptsLeft, _):
            Text("Wrong PIN. \(Int(attemptsLeft)) tries left before this device's data is erased.")
                .foregroundStyle(.red)
                .multilineTextAlignment(.center)
        case let .waiting(until, _):
            TimelineView(.periodic(from: .now, by: 1)) { context in
                if until > context.date {
                    Text("Too many wrong PINs. Try again in \(until, style: .relative).")
                        .foregroundStyle(.orange)
                        .multilineTextAlignment(.center)
                } else {
                    Text("You can try again.")
                }
            }
        case let .failed(error):
            ErrorText(error)
        case .idle, .checking:
            EmptyView()
        }
    }
}
