import Foundation
import XCTest
@testable import FieldbookKit

/// A real store of the real core in a temporary folder, behind the same
/// AppModel the app uses.
@MainActor
final class Fixture {
    let root: URL
    let keys = TestKeyStore()
    let app: AppModel
    static let pin = "482916"

    init(language: Language = .english) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("fieldbook-ios-\(UUID().uuidString)", isDirectory: true)
        app = AppModel(location: StoreLocation(directory: root.appendingPathComponent("store")), keyStore: keys, language: language)
    }

    /// A second AppModel on the same folder and key store: the app launched again.
    func relaunch() -> AppModel {
        AppModel(location: app.location, keyStore: keys, language: app.language)
    }

    /// A device with a team of its own, unlocked.
    func unlockedStore(role: Role = .supervisor) async throws -> AppModel {
        await app.startIfNeeded()
        XCTAssertEqual(app.phase, .setup)
        let setup = SetupModel(app: app)
        setup.mode = .standalone
        setup.role = role
        setup.pin = Self.pin
        setup.pinConfirmation = Self.pin
        await setup.submit()
        XCTAssertNil(setup.error)
        XCTAssertEqual(app.phase, .unlocked)
        return app
    }

    func add(_ kind: RecordKind, _ values: [String: FieldValue], allowDuplicate: Bool = false) async throws -> String {
        try await app.perform { try $0.add(kind: kind, values: values, allowDuplicate: allowDuplicate) }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }
}

func text(_ value: String) -> FieldValue { .text(value: value) }
func choice(_ value: String) -> FieldValue { .choice(value: value) }
func day(_ value: String) -> FieldValue { .date(value: value) }
