import XCTest
@testable import FieldbookKit

/// The generic form model against the core's real form definitions: skip
/// logic, live validation, saving, duplicates and edits.
@MainActor
final class FormModelTests: XCTestCase {
    func testSkipLogicAndLiveValidationComeFromTheCore() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let form = FormModel(newRecordOf: .client, app: app)
        await form.start()
        XCTAssertEqual(form.spec.kind, .client)
        XCTAssertFalse(form.shownFields.contains { $0.key == "consent_scope" })
        XCTAssertFalse(form.shownFields.contains { $0.key == "uic" }, "system fields are not inputs")

        form.set("consent_date", day("2026-11-01"))
        await form.refresh()
        XCTAssertTrue(form.shownFields.contains { $0.key == "consent_scope" })

        // Untouched fields show nothing until a save is tried.
        XCTAssertTrue(form.problems(for: "alias").isEmpty)
        let saved = await form.save()
        XCTAssertFalse(saved)
        XCTAssertEqual(form.problems(for: "alias").first?.code, "required")
        XCTAssertTrue(form.problems(for: "alias").first?.message.contains("Alias") ?? false)
        XCTAssertNil(form.savedId)

        // Shown by the consent date, and required once shown.
        XCTAssertEqual(form.problems(for: "consent_scope").first?.code, "required")
        let scope = try XCTUnwrap(form.spec.fields.first { $0.key == "consent_scope" }?.choices.first)
        form.set("consent_scope", .choices(values: [scope.value]))
        form.set("alias", text("Chị Hoa"))
        let result1 = await form.save()
        XCTAssertTrue(result1)
        XCTAssertNotNil(form.savedId)
    }

    func testMessagesFollowTheStoreLanguage() async throws {
        let fixture = try Fixture(language: .vietnamese)
        let app = try await fixture.unlockedStore()
        let form = FormModel(newRecordOf: .client, app: app)
        let result2 = await form.save()
        XCTAssertFalse(result2)
        XCTAssertTrue(form.problems(for: "alias").first?.message.contains("Tên gọi") ?? false)
    }

    func testNumbersThatDoNotParseNeverReachTheCore() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let form = FormModel(newRecordOf: .client, app: app)
        form.set("alias", text("Minh"))
        form.setNumberText("birth_year", "19x", type: .integer)
        XCTAssertTrue(form.unparsedNumbers.contains("birth_year"))
        let result3 = await form.save()
        XCTAssertFalse(result3)
        form.setNumberText("birth_year", "1990", type: .integer)
        XCTAssertEqual(form.value("birth_year"), .integer(value: 1990))
        let result4 = await form.save()
        XCTAssertTrue(result4)
    }

    func testADuplicateCodeWarnsAndCanBeOverridden() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let person: [String: FieldValue] = [
            "alias": text("Anh Tuấn Xe Ôm"),
            "sex": choice("male"),
            "birth_year": .integer(value: 1985),
            "uic_mother_name": text("Hương"),
            "uic_father_name": text("Dũng"),
        ]
        let first = try await fixture.add(.client, person)

        let form = FormModel(newRecordOf: .client, app: app, prefill: person)
        form.set("alias", text("Tuấn"))
        let result5 = await form.save()
        XCTAssertFalse(result5)
        let warning = try XCTUnwrap(form.duplicate)
        XCTAssertEqual(warning.existing.map(\.id), [first])
        XCTAssertFalse(warning.message.isEmpty)

        let result6 = await form.save(allowDuplicate: true)
        XCTAssertTrue(result6)
        let second = try XCTUnwrap(form.savedId)
        XCTAssertNil(form.duplicate)
        let code = try await app.perform { store -> String in
            guard case let .text(code)? = try store.get(id: first).record.values["uic"] else { return "" }
            return code
        }
        let sharing = try await app.perform { try $0.clientsWithCode(code: code) }
        XCTAssertEqual(Set(sharing.map(\.id)), [first, second])
    }

    func testEditingChangesAndClearsFields() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let client = try await fixture.add(.client, ["alias": text("Minh")])
        let referral = try await fixture.add(.referral, [
            "client_id": .link(id: client),
            "service": choice("methadone"),
            "date": day("2026-11-30"),
            "status": choice("sent"),
            "follow_up_due": day("2026-12-05"),
        ])
        let record = try await app.perform { try $0.get(id: referral).record }
        let form = FormModel(editing: record, app: app)
        await form.start()
        XCTAssertEqual(form.linkTitles[client], "Minh", "the linked client is named, not shown as an id")
        form.set("status", choice("accepted"))
        form.set("follow_up_due", nil)
        let result7 = await form.save()
        XCTAssertTrue(result7)

        let updated = try await app.perform { try $0.get(id: referral).record }
        XCTAssertEqual(updated.values["status"], choice("accepted"))
        XCTAssertNil(updated.values["follow_up_due"])
        let history = try await app.perform { try $0.history(id: referral) }
        XCTAssertEqual(history.count, 2)
        XCTAssertFalse(history[1].changes.contains { $0.field == "service" }, "only what changed is written")
    }

    func testPrefillFromATimelineLinksTheClient() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        let client = try await fixture.add(.client, ["alias": text("Ba")])
        let timeline = TimelineModel(clientId: client, app: app)
        XCTAssertEqual(timeline.prefill(for: .contact)["client_id"], .link(id: client))
        XCTAssertEqual(timeline.prefill(for: .meeting)["attendee_ids"], .links(ids: [client]))

        let contact = FormModel(newRecordOf: .contact, app: app, prefill: timeline.prefill(for: .contact))
        XCTAssertEqual(contact.value("visit_type"), choice("follow_up"), "the form's default")
        contact.set("at", .datetime(value: FieldDates.instant(Date())))
        let result8 = await contact.save()
        XCTAssertTrue(result8)
        await timeline.load()
        let contactId = try XCTUnwrap(contact.savedId)
        XCTAssertEqual(timeline.entries.map(\.record.id), [contactId])
    }
}
