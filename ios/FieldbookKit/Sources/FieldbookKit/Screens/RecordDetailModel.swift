import Foundation
import Observation

/// One record opened from a list: its values, the values its conflicted
/// fields beat on other devices, and every version (a conflict is shown,
/// never silently dropped).
@MainActor
@Observable
public final class RecordDetailModel {
    public let recordId: String
    public private(set) var record: RecordWithConflicts?
    public private(set) var history: [HistoryEntry] = []
    /// Names of the records this one links to (its client), by id.
    public private(set) var linkTitles: [String: String] = [:]
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(recordId: String, app: AppModel) {
        self.recordId = recordId
        self.app = app
    }

    public func load() async {
        let id = recordId
        let forms = app.forms
        isLoading = true
        defer { isLoading = false }
        do {
            let (record, history, titles) = try await app.perform {
                store -> (RecordWithConflicts, [HistoryEntry], [String: String]) in
                let record = try store.get(id: id)
                let history = try store.history(id: id)
                var titles: [String: String] = [:]
                for value in record.record.values.values {
                    let ids: [String]
                    switch value {
                    case let .link(id): ids = [id]
                    case let .links(linked): ids = linked
                    default: ids = []
                    }
                    for linked in ids {
                        // A link this device cannot read stays an id.
                        if let target = try? store.get(id: linked).record {
                            titles[linked] = RecordSummary(target, forms: forms).title
                        }
                    }
                }
                return (record, history, titles)
            }
            self.record = record
            self.history = history
            linkTitles = titles
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    public func delete() async -> Bool {
        let id = recordId
        do {
            try await app.perform { try $0.delete(id: id) }
            return true
        } catch {
            self.error = CoreError(error)
            return false
        }
    }
}
