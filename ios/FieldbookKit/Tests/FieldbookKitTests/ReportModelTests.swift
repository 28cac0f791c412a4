import XCTest
@testable import FieldbookKit

/// The supervisor's indicators, charts and overdue list against a hand
/// count (the same dataset as the Kotlin test of the bindings).
@MainActor
final class ReportModelTests: XCTestCase {
    func testIndicatorsAndChartsMatchAHandCount() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let samePerson: [String: FieldValue] = [
            "sex": choice("female"), "birth_year": .integer(value: 1996),
            "uic_mother_name": text("Lan"), "uic_father_name": text("Hải"),
        ]
        let a = try await fixture.add(.client, samePerson.merging(["alias": text("Chị Hoa")]) { $1 }, allowDuplicate: true)
        let b = try await fixture.add(.client, samePerson.merging(["alias": text("Hoa")]) { $1 }, allowDuplicate: true)
        let c = try await fixture.add(.client, ["alias": text("Anh Ba")])
        func contact(_ client: String?, _ at: String, _ services: [Quantity] = []) async throws {
            var values: [String: FieldValue] = ["at": .datetime(value: at)]
            if let client { values["client_id"] = .link(id: client) }
            if !services.isEmpty { values["services"] = .quantities(items: services) }
            _ = try await fixture.add(.contact, values)
        }
        try await contact(a, "2026-11-05T09:00:00Z", [Quantity(item: "syringes", count: 10)])
        try await contact(b, "2026-11-10T09:00:00Z", [Quantity(item: "syringes", count: 5), Quantity(item: "condoms", count: 3)])
        try await contact(nil, "2026-11-12T09:00:00Z")
        try await contact(c, "2026-10-20T09:00:00Z")
        _ = try await fixture.add(.referral, [
            "client_id": .link(id: c), "service": choice("methadone"), "date": day("2026-11-03"),
            "status": choice("completed"), "completed_date": day("2026-11-08"),
        ])
        _ = try await fixture.add(.meeting, [
            "group_name": text("Nhóm Lê Chân"), "date": day("2026-11-20"),
            "attendance_total": .integer(value: 9), "attendance_women": .integer(value: 4),
        ])

        let model = IndicatorsModel(app: app)
        await model.load(from: "2026-10-01", to: "2026-11-30")
        XCTAssertNil(model.error)
        let totals = try XCTUnwrap(model.totals)
        XCTAssertEqual(totals.contacts.total.total, 4)
        XCTAssertEqual(model.months.map(\.from), ["2026-10-01", "2026-11-01"])
        let november = model.months[1]
        XCTAssertEqual(november.uniqueClientsReached.total, 1, "the same person twice counts once")
        XCTAssertEqual(november.contacts.anonymous, 1)
        XCTAssertEqual(november.referralsCompleted.total, 1)
        XCTAssertEqual(november.attendanceTotal, 9)

        let labels = ChartLabels(
            uniqueClients: "reached", newClients: "new", referralsMade: "made",
            referralsCompleted: "completed", meetings: "meetings", attendance: "attendance", unknown: "unknown"
        )
        let charts = model.charts(labels: labels)
        let novemberStart = try XCTUnwrap(FieldDates.date(fromDay: "2026-11-01"))
        XCTAssertEqual(charts.reach.first { $0.series == "reached" && $0.month == novemberStart }?.value, 1)
        XCTAssertEqual(charts.referrals.first { $0.series == "completed" && $0.month == novemberStart }?.value, 1)
        let syringes = app.forms.choiceLabel(.contact, "services", "syringes")
        XCTAssertEqual(charts.services.first { $0.series == syringes && $0.month == novemberStart }?.value, 15)
        XCTAssertEqual(charts.meetings.first { $0.series == "attendance" && $0.month == novemberStart }?.value, 9)
        let octoberContacts = charts.contactsByVisitType
            .filter { $0.month != novemberStart }
            .reduce(0) { $0 + $1.value }
        XCTAssertEqual(octoberContacts, 1)

        // One worker: this device wrote everything.
        model.worker = app.identity?.deviceId
        await model.load(from: "2026-11-01", to: "2026-11-30")
        XCTAssertEqual(model.totals?.contacts.total.total, 3)

        await model.load(from: "2026-11-30", to: "2026-11-01")
        XCTAssertEqual(model.error?.reason, .invalid, "a period that ends before it starts")
    }

    func testOverdueListGroupsByWorker() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let client = try await fixture.add(.client, ["alias": text("Minh")])
        _ = try await fixture.add(.referral, [
            "client_id": .link(id: client), "service": choice("hiv_test"), "date": day("2026-11-01"),
            "status": choice("sent"), "follow_up_due": day("2026-11-10"),
        ])
        let model = OverdueModel(app: app)
        await model.load(day: "2026-11-20")
        let list = try XCTUnwrap(model.list)
        XCTAssertEqual(list.total, 1)
        let worker = try XCTUnwrap(list.workers.first)
        XCTAssertEqual(worker.worker, app.identity?.deviceId)
        XCTAssertEqual(worker.items.first?.daysOverdue, 10)
        // No hub to ask for labels: the worker still gets a short name.
        XCTAssertEqual(model.workerName(worker)?.count, 8)
    }

    func testPeriodsAreWholeMonthsUpToToday() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let now = try XCTUnwrap(FieldDates.date(fromDay: "2026-12-15"))
        XCTAssertEqual(ReportPeriod.thisMonth.days(now: now, calendar: calendar).from, "2026-12-01")
        XCTAssertEqual(ReportPeriod.lastMonth.days(now: now, calendar: calendar).from, "2026-11-01")
        XCTAssertEqual(ReportPeriod.lastMonth.days(now: now, calendar: calendar).to, "2026-11-30")
        XCTAssertEqual(ReportPeriod.last6Months.days(now: now, calendar: calendar).from, "2026-07-01")
        XCTAssertEqual(ReportPeriod.last12Months.days(now: now, calendar: calendar).to, "2026-12-15")
    }
}
