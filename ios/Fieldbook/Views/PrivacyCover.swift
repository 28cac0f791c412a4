import SwiftUI

/// Drawn over everything whenever the app is not in front (app switcher,
/// notification centre, a call), so nobody glimpses a client's record.
@MainActor
struct PrivacyCover: View {
    var body: some View {
        ZStack {
            Rectangle().fill(.background)
            VStack(spacing: 12) {
                Image(systemName: "lock.shield")
                    .font(.system(size: 56))
                    .foregroundStyle(.tint)
                Text("Fieldbook")
                    .font(.title2.bold())
            }
        }
        .ignoresSafeArea()
        .accessibilityHidden(true)
    }
}
