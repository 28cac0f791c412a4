import Foundation
import Observation

/// The client list and its search: alias prefix (accents folded by the
/// core) or an exact identifier code, optionally within an area.
@MainActor
@Observable
public final class ClientsModel {
    public var query = ""
    public var area = ""
    /// What the list shows of each client; a detail screen opens the record.
    public private(set) var clients: [ClientRow] = []
    /// Records the core could not decrypt: said, never hidden.
    public private(set) var unreadableCount = 0
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel
    @ObservationIgnored private var searchTask: Task<Void, Never>?

    public init(app: AppModel) {
        self.app = app
    }

    public func load() async {
        let text = Self.optional(query), area = Self.optional(area)
        isLoading = true
        defer { isLoading = false }
        do {
            let list = try await app.perform { store -> ClientList in
                if text == nil && area == nil { return try store.clients() }
                return try store.searchClients(text: text, area: area)
            }
            clients = list.clients
            unreadableCount = list.unreadableIds.count
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    /// Called as the person types: searches after a short pause.
    public func queryChanged() {
        searchTask?.cancel()
        searchTask = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(250))
            guard !Task.isCancelled else { return }
            await self?.load()
        }
    }

    private static func optional(_ text: String) -> String? {
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }
}
