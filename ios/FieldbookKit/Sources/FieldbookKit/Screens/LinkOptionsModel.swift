import Foundation
import Observation

/// One record a link field can point to, as its picker shows it.
public struct LinkOption: Identifiable, Equatable, Sendable {
    public let id: String
    public let title: String
}

/// The records a link field can point to, for its picker: clients by the
/// core's search (their list rows), other kinds from their list.
@MainActor
@Observable
public final class LinkOptionsModel {
    public let kind: RecordKind
    public var query = ""
    public private(set) var options: [LinkOption] = []
    public private(set) var error: CoreError?

    private let app: AppModel
    @ObservationIgnored private var searchTask: Task<Void, Never>?

    public init(kind: RecordKind, app: AppModel) {
        self.kind = kind
        self.app = app
    }

    public func load() async {
        let kind = kind
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        let forms = app.forms
        do {
            if kind == .client {
                let list = try await app.perform { store -> ClientList in
                    if text.isEmpty { return try store.clients() }
                    return try store.searchClients(text: text, area: nil)
                }
                options = list.clients.map {
                    LinkOption(id: $0.id, title: RecordSummary($0, forms: forms).title)
                }
            } else {
                let list = try await app.perform { store in try store.list(kind: kind) }
                let all = list.records.map {
                    LinkOption(id: $0.id, title: RecordSummary($0, forms: forms).title)
                }
                options = text.isEmpty ? all : all.filter { $0.title.localizedStandardContains(text) }
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
