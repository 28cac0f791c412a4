import Foundation
import Observation

/// The team's overdue follow-ups (referrals past their follow-up date, case
/// notes past their next follow-up), grouped by the worker who wrote them,
/// the workers with most overdue first.
@MainActor
@Observable
public final class OverdueModel {
    public private(set) var list: OverdueList?
    public private(set) var directory = TeamDirectory()
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel

    public init(app: AppModel) {
        self.app = app
    }

    /// `day` as `YYYY-MM-DD`; the core's today when `nil`.
    public func load(day: String? = nil) async {
        isLoading = true
        defer { isLoading = false }
        do {
            list = try await app.perform { try $0.overdue(day: day) }
            error = nil
        } catch {
            self.error = CoreError(error)
        }
        directory = await TeamDirectory.load(app: app)
    }

    /// The worker's name, or `nil` when the records' history cannot be read here.
    public func workerName(_ worker: WorkerOverdue) -> String? {
        worker.worker.map { directory.name($0) }
    }
}
