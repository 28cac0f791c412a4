import Foundation
import Observation

/// One client: their record (with any conflicting edits from other
/// devices) and their contacts, case notes, referrals and meetings, newest first.
@MainActor
@Observable
public final class TimelineModel {
    public let clientId: String
    public private(set) var client: RecordWithConflicts?
    public private(set) var entries: [TimelineEntry] = []
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(clientId: String, app: AppModel) {
        self.clientId = clientId
        self.app = app
    }

    public func load() async {
        let id = clientId
        isLoading = true
        defer { isLoading = false }
        do {
            let (client, entries) = try await app.perform { store -> (RecordWithConflicts, [TimelineEntry]) in
                let client = try store.get(id: id)
                let entries = try store.timeline(clientId: id)
                return (client, entries)
            }
            self.client = client
            self.entries = entries
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    /// Which kinds this device may add for the client (a peer leader writes no case notes).
    public func writableKinds() async -> [RecordKind] {
        await app.writableKinds()
    }

    /// The link field that ties a record of `kind` to this client, for prefilling a new one.
    public func prefill(for kind: RecordKind) -> [String: FieldValue] {
        guard let field = app.forms.spec(kind).fields.first(where: { $0.fieldType == .link && $0.linkKind == .client }) else {
            return [:]
        }
        return [field.key: field.multiple ? .links(ids: [clientId]) : .link(id: clientId)]
    }

    /// Deletes the client (their history stays, as every deletion's does).
    public func deleteClient() async -> Bool {
        let id = clientId
        do {
            try await app.perform { try $0.delete(id: id) }
            return true
        } catch {
            self.error = CoreError(error)
            return false
        }
    }
}
