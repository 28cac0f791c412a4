import XCTest
@testable import FieldbookKit

final class KeyStoreTests: XCTestCase {
    func testTestKeyStoreWrapsAndRefusesOtherBytes() throws {
        let store = TestKeyStore()
        let secret = Data((0 ..< 32).map { UInt8($0) })
        let wrapped = try store.wrap(keyLabel: "vault", plaintext: secret)
        XCTAssertNotEqual(wrapped, secret)
        XCTAssertEqual(try store.unwrap(keyLabel: "vault", wrapped: wrapped), secret)
        var tampered = wrapped
        tampered[tampered.count - 1] ^= 1
        XCTAssertThrowsError(try store.unwrap(keyLabel: "vault", wrapped: tampered))
    }

    /// The real Keychain (simulator or Mac). Skipped where the test runner
    /// has no keychain entitlement, which the data protection keychain needs.
    func testKeychainKeyStoreRoundTripsAndDestroys() throws {
        let label = "test-\(UUID().uuidString)"
        let store = KeychainKeyStore(service: "org.fieldbook.tests")
        let secret = Data((0 ..< 32).map { _ in UInt8.random(in: 0 ... 255) })
        let wrapped: Data
        do {
            wrapped = try store.wrap(keyLabel: label, plaintext: secret)
        } catch let PlatformKeyError.Failed(detail) where detail.contains("-34018") {
            throw XCTSkip("no keychain entitlement in this test runner")
        }
        defer { try? store.destroy(keyLabel: label) }
        XCTAssertEqual(try store.unwrap(keyLabel: label, wrapped: wrapped), secret)
        // Wrapping again uses the same key, not a new one.
        let again = try store.wrap(keyLabel: label, plaintext: secret)
        XCTAssertEqual(try store.unwrap(keyLabel: label, wrapped: again), secret)

        try store.destroy(keyLabel: label)
        XCTAssertThrowsError(try store.unwrap(keyLabel: label, wrapped: wrapped)) { error in
            XCTAssertEqual(error as? PlatformKeyError, .NotFound)
        }
        // Destroy is idempotent.
        XCTAssertNoThrow(try store.destroy(keyLabel: label))
    }
}
