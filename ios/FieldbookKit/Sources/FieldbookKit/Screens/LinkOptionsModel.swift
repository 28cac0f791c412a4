import Foundation
import Observation

/// The records a link field can point to, for its picker: clients by the
/// core's search, other kinds from their list.
@MainActor
@Observable
public final class LinkOptionsModel {
    public let kind: RecordKind
    public var query = ""
    public private(set) var records: [Record] = []
    public private(set) var error: CoreError?

    private let app: AppModel
    @ObservationIgnored private var searchTask: Task<Void, Never>?

    public init(kind: RecordKind, app: AppModel) {
        self.kind = kind
        self.app = app
    }

    public func title(_ record: Record) -> String {
        RecordSummary(record, forms: app.forms).title
    }

    public func load() async {
        let kind = kind
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            let list = try await app.perform { store -> RecordList in
                if kind == .client {
                    if text.isEmpty { return try store.clients() }
                    return try store.searchClients(text: text, area: nil)
                }
                return try store.list(kind: kind)
            }
            if kind == .client || text.isEmpty {
                records = list.records
            } else {
                let forms = app.forms
                records = list.records.filter {
                    RecordSummary($0, forms: forms).title.localizedStandardContains(text)
                }
            }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    public func queryChanged() {
        searchTask?.cancel()
        searchTask = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(250))
            guard !Task.isCancelled else { return }
            await self?.load()
        }
    }
}
