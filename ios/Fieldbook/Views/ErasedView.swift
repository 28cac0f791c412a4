import FieldbookKit
import SwiftUI

/// After a crypto-erase: the data is gone for good, and saying so plainly is
/// the point. A new store can be set up (enrolling again with a new code).
@MainActor
struct ErasedView: View {
    @Environment(AppModel.self) private var app
    @State private var error: String?

    var body: some View {
        ContentUnavailableView {
            Label("This device's data was erased", systemImage: "trash.slash")
        } description: {
            Text("Too many wrong PINs, a wipe order from the office, or too long without reaching the hub. Ask your supervisor for a new code to set the device up again.")
            if let error { Text(error).foregroundStyle(.red) }
        } actions: {
            Button("Set up again") {
                do {
                    try app.setUpAgain()
                } catch {
                    self.error = String(localized: "The old files could not be removed.")
                }
            }
            .buttonStyle(.borderedProminent)
        }
    }
}
