import FieldbookKit
import SwiftUI

/// Where a tap in a list leads, for `navigationDestination`.
enum Route: Hashable {
    case client(String)
    case record(String)
}

/// A form to present: a new record of a kind (perhaps tied to a client), or an edit.
struct FormRequest: Identifiable {
    let id = UUID()
    let kind: RecordKind
    var editing: Record?
    var prefill: [String: FieldValue] = [:]

    @MainActor
    func model(app: AppModel) -> FormModel {
        if let editing {
            return FormModel(editing: editing, app: app)
        }
        return FormModel(newRecordOf: kind, app: app, prefill: prefill)
    }
}

extension View {
    /// The destinations every tab's stack shares.
    @MainActor
    func recordDestinations(app: AppModel) -> some View {
        navigationDestination(for: Route.self) { route in
            switch route {
            case let .client(id): ClientTimelineView(clientId: id, app: app)
            case let .record(id): RecordDetailView(recordId: id, app: app)
            }
        }
    }
}
