import Foundation

/// The core's date formats: days as `YYYY-MM-DD` (the person's local day),
/// instants as RFC 3339. Gregorian and POSIX whatever the phone's calendar
/// and region, because these strings are data, not display.
public enum FieldDates {
    private static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: .gregorian)
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter
    }()

    public static func day(_ date: Date) -> String {
        dayFormatter.string(from: date)
    }

    public static func date(fromDay text: String) -> Date? {
        dayFormatter.date(from: text)
    }

    private static let instantFormatter: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter
    }()

    /// `2026-11-30T09:30:00Z`.
    public static func instant(_ date: Date) -> String {
        instantFormatter.string(from: date)
    }

    public static func date(fromInstant text: String) -> Date? {
        // The core writes up to nanoseconds, more digits than the formatter
        // reads; no screen needs less than a second.
        let whole = text.replacingOccurrences(of: #"\.\d+"#, with: "", options: .regularExpression)
        return instantFormatter.date(from: whole)
    }

    /// A form's date bound (`today` or `YYYY-MM-DD`) as a date for pickers.
    public static func bound(_ text: String?, now: Date = Date()) -> Date? {
        guard let text else { return nil }
        if text == "today" { return Calendar.current.startOfDay(for: now) }
        return date(fromDay: text)
    }

    /// A form's number bound (a number or `this_year`).
    public static func numberBound(_ text: String?, now: Date = Date()) -> Double? {
        guard let text else { return nil }
        if text == "this_year" { return Double(Calendar(identifier: .gregorian).component(.year, from: now)) }
        return Double(text)
    }

    public static func displayDay(_ text: String) -> String {
        date(fromDay: text)?.formatted(date: .abbreviated, time: .omitted) ?? text
    }

    public static func displayInstant(_ text: String) -> String {
        date(fromInstant: text)?.formatted(date: .abbreviated, time: .shortened) ?? text
    }
}
