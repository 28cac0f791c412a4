import FieldbookKit
import SwiftUI

/// An error from the core, in its own words (already in the person's language).
@MainActor
struct ErrorText: View {
    let error: CoreError?

    init(_ error: CoreError?) {
        self.error = error
    }

    var body: some View {
        if let error, !error.message.isEmpty {
            Label {
                Text(error.message)
            } icon: {
                Image(systemName: "exclamationmark.triangle.fill")
            }
            .foregroundStyle(.red)
            .font(.callout)
        }
    }
}
