import Foundation

/// The periods a supervisor picks for indicators: whole calendar months,
/// as the monthly report counts them, up to today.
public enum ReportPeriod: String, CaseIterable, Identifiable, Sendable {
    case thisMonth, lastMonth, last3Months, last6Months, last12Months

    public var id: String { rawValue }

    /// The first and last day, both included.
    public func range(now: Date = Date(), calendar: Calendar = .current) -> (from: Date, to: Date) {
        let startOfThisMonth = calendar.dateInterval(of: .month, for: now)?.start ?? now
        func monthsBack(_ count: Int) -> Date {
            calendar.date(byAdding: .month, value: -count, to: startOfThisMonth) ?? startOfThisMonth
        }
        switch self {
        case .thisMonth:
            return (startOfThisMonth, now)
        case .lastMonth:
            let end = calendar.date(byAdding: .day, value: -1, to: startOfThisMonth) ?? startOfThisMonth
            return (monthsBack(1), end)
        case .last3Months:
            return (monthsBack(2), now)
        case .last6Months:
            return (monthsBack(5), now)
        case .last12Months:
            return (monthsBack(11), now)
        }
    }

    /// As the core takes it: `YYYY-MM-DD`.
    public func days(now: Date = Date(), calendar: Calendar = .current) -> (from: String, to: String) {
        let range = range(now: now, calendar: calendar)
        return (FieldDates.day(range.from), FieldDates.day(range.to))
    }
}
