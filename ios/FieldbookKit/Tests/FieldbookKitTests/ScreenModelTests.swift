import XCTest
@testable import FieldbookKit

/// Today, clients, timeline, referrals and sync over the real core.
@MainActor
final class ScreenModelTests: XCTestCase {
    func testTodayPutsOverdueFirst() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore(role: .caseManager)
        let client = try await fixture.add(.client, ["alias": text("Minh")])
        _ = try await fixture.add(.referral, [
            "client_id": .link(id: client), "service": choice("hiv_test"),
            "date": day("2026-11-01"), "status": choice("sent"), "follow_up_due": day("2026-11-10"),
        ])
        _ = try await fixture.add(.caseNote, [
            "client_id": .link(id: client), "date": day("2026-11-20"), "next_follow_up": day("2026-11-25"),
        ])
        let today = TodayModel(app: app)
        await today.load(day: "2026-11-25")
        XCTAssertNil(today.error)
        XCTAssertEqual(today.items.map(\.reason), [.referralFollowUp, .caseNoteFollowUp])
        XCTAssertEqual(today.overdue.first?.daysOverdue, 15)
        XCTAssertEqual(today.dueToday.first?.clientAlias, "Minh")

        await today.load(day: "25/11/2026")
        XCTAssertEqual(today.error?.reason, .invalid)
    }

    func testClientSearchAndTimeline() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let tuan = try await fixture.add(.client, ["alias": text("Anh Tuấn"), "area": text("Hoàng Mai")])
        _ = try await fixture.add(.client, ["alias": text("Chị Hoa")])
        _ = try await fixture.add(.contact, ["client_id": .link(id: tuan), "at": .datetime(value: "2026-11-30T09:30:00Z")])

        let clients = ClientsModel(app: app)
        await clients.load()
        XCTAssertEqual(clients.clients.count, 2)
        clients.query = "tuan"
        await clients.load()
        XCTAssertEqual(clients.clients.map(\.id), [tuan], "accents folded by the core")
        XCTAssertEqual(RecordSummary(clients.clients[0], forms: app.forms).title, "Anh Tuấn")

        let timeline = TimelineModel(clientId: tuan, app: app)
        await timeline.load()
        XCTAssertEqual(timeline.client?.record.id, tuan)
        XCTAssertEqual(timeline.entries.count, 1)
        XCTAssertEqual(timeline.entries.first?.record.kind, .contact)
        let kinds = await timeline.writableKinds()
        XCTAssertTrue(kinds.contains(.caseNote))
    }

    func testAPeerLeaderMayNotWriteCaseNotes() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore(role: .peerLeader)
        let client = try await fixture.add(.client, ["alias": text("Ba")])
        let kinds = await TimelineModel(clientId: client, app: app).writableKinds()
        XCTAssertFalse(kinds.contains(.caseNote))
    }

    func testReferralsByStatusInTheCoreOrder() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let client = try await fixture.add(.client, ["alias": text("Minh")])
        for status in ["completed", "sent", "draft"] {
            var values: [String: FieldValue] = [
                "client_id": .link(id: client), "service": choice("art"),
                "date": day("2026-11-01"), "status": choice(status),
            ]
            if status == "completed" { values["completed_date"] = day("2026-11-05") }
            _ = try await fixture.add(.referral, values)
        }
        let referrals = ReferralsModel(app: app)
        await referrals.load()
        XCTAssertEqual(referrals.groups.map(\.status), ["draft", "sent", "completed"])
        XCTAssertEqual(referrals.statuses.prefix(4).map(\.value), ["draft", "sent", "accepted", "completed"])
        XCTAssertEqual(referrals.statusLabel("sent"), "Sent")

        referrals.status = "sent"
        await referrals.load()
        XCTAssertEqual(referrals.groups.map(\.status), ["sent"])
    }

    func testSyncSaysHonestlyWhatHappened() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let defaults = try XCTUnwrap(UserDefaults(suiteName: "fieldbook-tests-\(UUID().uuidString)"))
        let sync = SyncModel(app: app, defaults: defaults)

        // A device with a team of its own has no hub to sync with.
        let outcome = await sync.run(trigger: .manual)
        guard case let .failed(error) = outcome else { return XCTFail("expected a failure, got \(outcome)") }
        XCTAssertEqual(error.reason, .invalid)
        XCTAssertEqual(sync.lastSucceeded, false)
        XCTAssertNotNil(sync.lastFinishedAt)
        XCTAssertFalse(sync.isRunning)

        // Locked (as in the background) it still runs, and says honestly
        // that a device with no hub link it can open has nothing to reach.
        await app.lock()
        let result1 = await sync.run(trigger: .background)
        guard case .failed = result1 else { return XCTFail("expected a failure, got \(result1)") }
        XCTAssertFalse(result1.succeeded)

        // The last result outlives the model.
        XCTAssertEqual(SyncModel(app: app, defaults: defaults).lastSucceeded, false)
    }
}
