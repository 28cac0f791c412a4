import Foundation
import Observation

/// The supervisor's indicators for a period, for the team or one worker:
/// the totals, and the same figures month by month for the charts. Every
/// figure is computed by the core on this device from the records it holds
/// (the hub cannot read them), so a supervisor syncs first.
@MainActor
@Observable
public final class IndicatorsModel {
    public var period: ReportPeriod = .last6Months
    /// A worker's device id; `nil` for the whole team.
    public var worker: String?

    public private(set) var totals: Indicators?
    public private(set) var months: [Indicators] = []
    public private(set) var directory = TeamDirectory()
    public private(set) var isLoading = false
    public private(set) var error: CoreError?

    private let app: AppModel
    private let now: () -> Date

    public init(app: AppModel, now: @escaping () -> Date = { Date() }) {
        self.app = app
        self.now = now
    }

    public var forms: FormCatalog { app.forms }

    public func charts(labels: ChartLabels) -> IndicatorCharts {
        IndicatorCharts(months: months, forms: app.forms, labels: labels)
    }

    public func load() async {
        let (from, to) = period.days(now: now())
        await load(from: from, to: to)
    }

    /// Any period (`YYYY-MM-DD`, both days included).
    public func load(from: String, to: String) async {
        let worker = worker
        isLoading = true
        defer { isLoading = false }
        do {
            let (totals, months) = try await app.perform { store -> (Indicators, [Indicators]) in
                let totals = try store.indicators(from: from, to: to, worker: worker)
                let months = try store.monthlyIndicators(from: from, to: to, worker: worker)
                return (totals, months)
            }
            self.totals = totals
            self.months = months
            error = nil
        } catch {
            self.error = CoreError(error)
        }
    }

    /// The workers to pick from, with names where the hub can give them.
    public func loadDirectory() async {
        directory = await TeamDirectory.load(app: app)
    }
}
