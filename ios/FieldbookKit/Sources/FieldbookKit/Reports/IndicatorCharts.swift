import Foundation

/// One bar or point of a chart: a month, the series it belongs to, a value.
public struct ChartPoint: Identifiable, Equatable, Sendable {
    public var id: String { "\(series)|\(month.timeIntervalSince1970)" }
    public let month: Date
    public let series: String
    public let value: Double
}

/// The names of the series that do not come from the forms, in the
/// person's language (the app's string catalog has them).
public struct ChartLabels: Sendable {
    public var uniqueClients: String
    public var newClients: String
    public var referralsMade: String
    public var referralsCompleted: String
    public var meetings: String
    public var attendance: String
    public var unknown: String

    public init(
        uniqueClients: String, newClients: String, referralsMade: String,
        referralsCompleted: String, meetings: String, attendance: String, unknown: String
    ) {
        self.uniqueClients = uniqueClients
        self.newClients = newClients
        self.referralsMade = referralsMade
        self.referralsCompleted = referralsCompleted
        self.meetings = meetings
        self.attendance = attendance
        self.unknown = unknown
    }
}

/// The monthly series the indicators screen draws, from `monthlyIndicators`
/// (one `Indicators` per month, oldest first). Form-defined names (service
/// items, visit types) come in the forms' language from the core.
public struct IndicatorCharts: Equatable {
    public let reach: [ChartPoint]
    public let contactsByVisitType: [ChartPoint]
    public let referrals: [ChartPoint]
    public let services: [ChartPoint]
    public let meetings: [ChartPoint]

    public init(months: [Indicators], forms: FormCatalog, labels: ChartLabels) {
        var reach: [ChartPoint] = []
        var contacts: [ChartPoint] = []
        var referrals: [ChartPoint] = []
        var services: [ChartPoint] = []
        var meetings: [ChartPoint] = []
        let visitTypes = forms.field(.contact, "visit_type")?.choices.map(\.value) ?? []
        for month in months {
            guard let start = FieldDates.date(fromDay: month.from) else { continue }
            func point(_ series: String, _ value: UInt64) -> ChartPoint {
                ChartPoint(month: start, series: series, value: Double(value))
            }
            reach.append(point(labels.uniqueClients, month.uniqueClientsReached.total))
            reach.append(point(labels.newClients, month.newClients.total))
            // The form's visit types in order, then the core's `unknown`.
            for key in visitTypes + ["unknown"] {
                let count = month.contacts.byVisitType[key] ?? 0
                let label = key == "unknown" ? labels.unknown : forms.choiceLabel(.contact, "visit_type", key)
                contacts.append(point(label, count))
            }
            referrals.append(point(labels.referralsMade, month.referralsMade.total))
            referrals.append(point(labels.referralsCompleted, month.referralsCompleted.total))
            for service in month.services where service.quantity > 0 {
                services.append(point(forms.choiceLabel(.contact, "services", service.item), service.quantity))
            }
            meetings.append(point(labels.meetings, month.meetings))
            meetings.append(point(labels.attendance, month.attendanceTotal))
        }
        self.reach = reach
        self.contactsByVisitType = contacts
        self.referrals = referrals
        self.services = services
        self.meetings = meetings
    }
}
