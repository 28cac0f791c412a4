import XCTest
@testable import FieldbookKit

/// Setting up, locking, wrong PINs, waiting and erasing, against the real core.
@MainActor
final class SessionTests: XCTestCase {
    func testSetupLockAndUnlock() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore(role: .caseManager)
        XCTAssertEqual(app.identity?.role, .caseManager)
        XCTAssertGreaterThanOrEqual(fixture.keys.wraps, 1, "the Swift key store wrapped the vault key")

        await app.lock()
        XCTAssertEqual(app.phase, .locked)
        do {
            _ = try await app.perform { try $0.clients() }
            XCTFail("a locked store must refuse reads")
        } catch FieldbookError.Locked {}

        let unlock = UnlockModel(app: app)
        unlock.pin = "0000"
        await unlock.unlock()
        guard case let .wrongPin(attemptsLeft, message) = unlock.status else {
            return XCTFail("expected a wrong PIN, got \(unlock.status)")
        }
        XCTAssertEqual(attemptsLeft, 9)
        XCTAssertFalse(message.isEmpty)
        XCTAssertEqual(unlock.pin, "", "the PIN is not kept after a try")

        unlock.pin = Fixture.pin
        await unlock.unlock()
        XCTAssertEqual(app.phase, .unlocked)

        // Launched again, the store opens locked.
        let again = fixture.relaunch()
        await again.startIfNeeded()
        XCTAssertEqual(again.phase, .locked)
        XCTAssertEqual(again.identity?.role, .caseManager)
    }

    func testWrongPinsMakeTheNextTryWait() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        await app.lock()
        let unlock = UnlockModel(app: app)
        for _ in 0 ..< 3 {
            unlock.pin = "1111"
            await unlock.unlock()
        }
        // Past the three free tries the core makes the next one wait.
        unlock.pin = Fixture.pin
        await unlock.unlock()
        guard case let .waiting(until, _) = unlock.status else {
            return XCTFail("expected a wait, got \(unlock.status)")
        }
        XCTAssertGreaterThan(until, Date())
        unlock.pin = Fixture.pin
        XCTAssertFalse(unlock.canSubmit, "no try before the wait is over")
        XCTAssertEqual(app.phase, .locked)
    }

    func testTooManyWrongPinsEraseTheStore() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        try await app.perform {
            try $0.setSecuritySettings(settings: SecuritySettings(autoLockSecs: 300, maxFailedUnlocks: 3, freeAttempts: 3))
        }
        await app.lock()
        let unlock = UnlockModel(app: app)
        unlock.pin = "1111"
        await unlock.unlock()
        XCTAssertEqual(app.phase, .locked)
        unlock.pin = "2222"
        await unlock.unlock()
        XCTAssertEqual(app.phase, .locked)
        unlock.pin = "3333"
        await unlock.unlock()
        XCTAssertEqual(app.phase, .erased)

        let again = fixture.relaunch()
        await again.startIfNeeded()
        XCTAssertEqual(again.phase, .erased)
        try again.setUpAgain()
        XCTAssertEqual(again.phase, .setup)
    }

    func testAnUnavailableKeyStoreStopsTheUnlockAndLosesNothing() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        _ = try await fixture.add(.client, ["alias": text("Anh Tuấn")])
        await app.lock()
        fixture.keys.unavailable = true
        let unlock = UnlockModel(app: app)
        unlock.pin = Fixture.pin
        await unlock.unlock()
        guard case let .failed(error) = unlock.status else {
            return XCTFail("expected a key store failure, got \(unlock.status)")
        }
        XCTAssertEqual(error.reason, .keyStore)
        fixture.keys.unavailable = false
        unlock.pin = Fixture.pin
        await unlock.unlock()
        XCTAssertEqual(app.phase, .unlocked)
        let clients = ClientsModel(app: app)
        await clients.load()
        XCTAssertEqual(clients.clients.count, 1)
    }

    func testSetupRefusesMismatchedPins() async throws {
        let fixture = try Fixture()
        await fixture.app.startIfNeeded()
        let setup = SetupModel(app: fixture.app)
        setup.mode = .standalone
        setup.pin = "482916"
        setup.pinConfirmation = "482917"
        XCTAssertFalse(setup.canSubmit)
        setup.mode = .enroll
        setup.pinConfirmation = "482916"
        XCTAssertFalse(setup.canSubmit, "enrolling needs a code and a hub")
    }

    func testEveryPinTriedIsBoundOnceByTheKeyStore() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        await app.lock()
        let before = fixture.keys.bindings
        let unlock = UnlockModel(app: app)
        unlock.pin = "111111"
        await unlock.unlock()
        unlock.pin = Fixture.pin
        await unlock.unlock()
        XCTAssertEqual(app.phase, .unlocked)
        XCTAssertEqual(fixture.keys.bindings - before, 2, "one binding per PIN tried")
    }

    func testTheDuressPinOpensAnEmptyStoreOfTheSameRole() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore(role: .caseManager)
        _ = try await fixture.add(.client, ["alias": text("Hoa")])
        let realDevice = app.identity?.deviceId
        let duress = DuressPinModel(app: app)
        duress.pin = "730519"
        duress.confirmation = "730519"
        await duress.save()
        XCTAssertEqual(duress.status, .saved)
        await app.lock()
        var replaced = false
        app.onStoreReplaced = { replaced = true }

        let unlock = UnlockModel(app: app)
        unlock.pin = "730519"
        await unlock.unlock()
        XCTAssertEqual(app.phase, .unlocked)
        XCTAssertEqual(app.identity?.role, .caseManager)
        XCTAssertNotEqual(app.identity?.deviceId, realDevice)
        XCTAssertTrue(replaced, "the screens are told to forget the real store's state")
        let clients = try await app.perform { try $0.clients() }
        XCTAssertTrue(clients.clients.isEmpty)
    }

    func testQuickHideLocksAndCoversTheScreenUntilTapped() async throws {
        let fixture = try Fixture()
        let app = try await fixture.unlockedStore()
        await app.quickHide()
        XCTAssertTrue(app.hidden)
        XCTAssertEqual(app.phase, .locked)
        app.reveal()
        XCTAssertFalse(app.hidden)
        XCTAssertEqual(app.phase, .locked, "revealing shows the unlock screen, not the data")
    }
}
