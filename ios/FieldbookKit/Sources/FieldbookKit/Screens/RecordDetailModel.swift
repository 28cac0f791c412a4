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
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(recordId: String, app: AppModel) {
        self.recordId = recordId
        self.app = app
    }

    public func load() async {
        let id = recordId
        isLoading = true
        defer { isLoading = false }
        do {
            let (record, history) = try await app.perform { store -> (RecordWithConflicts, [HistoryEntry]) in
                let record = try store.get(id: id)
                let history = try store.history(id: id)
                return (record, history)
            }
            self.record = record
            self.history = history
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
