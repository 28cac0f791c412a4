import Foundation
import Observation

/// Today: the follow-ups due, overdue first (the core's order), for this
/// device's records and what it synced.
@MainActor
@Observable
public final class TodayModel {
    public private(set) var items: [DueItem] = []
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    public var overdue: [DueItem] { items.filter(\.overdue) }
    public var dueToday: [DueItem] { items.filter { !$0.overdue } }

    /// `day` as `YYYY-MM-DD`; the core's today when `nil`.
    public func load(day: String? = nil) async {
        isLoading = true
        defer { isLoading = false }
        do {
            items = try await app.perform { try $0.due(day: day) }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }
}
