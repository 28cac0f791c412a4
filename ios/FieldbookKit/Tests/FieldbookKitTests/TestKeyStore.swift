import CryptoKit
import Foundation
import FieldbookKit

/// A platform key store for tests, as the app's is written but with its
/// keys in memory: one AES-256 key per label, AES-GCM through CryptoKit.
/// `unavailable` stands for a phone that is locked.
final class TestKeyStore: PlatformKeyStore, @unchecked Sendable {
    // @unchecked: every access to the state goes through `lock`.
    private let lock = NSLock()
    private var keys: [String: SymmetricKey] = [:]
    private var bindingKeys: [String: SymmetricKey] = [:]
    private var _unavailable = false
    private(set) var wraps = 0
    private(set) var unwraps = 0
    private(set) var bindings = 0

    var unavailable: Bool {
        get { lock.withLock { _unavailable } }
        set { lock.withLock { _unavailable = newValue } }
    }

    func wrap(keyLabel: String, plaintext: Data) throws -> Data {
        let key: SymmetricKey = try lock.withLock {
            if _unavailable { throw PlatformKeyError.Unavailable }
            wraps += 1
            if let key = keys[keyLabel] { return key }
            let key = SymmetricKey(size: .bits256)
            keys[keyLabel] = key
            return key
        }
        guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
            throw PlatformKeyError.Failed(detail: "no combined box")
        }
        return combined
    }

    func unwrap(keyLabel: String, wrapped: Data) throws -> Data {
        let key: SymmetricKey = try lock.withLock {
            if _unavailable { throw PlatformKeyError.Unavailable }
            unwraps += 1
            guard let key = keys[keyLabel] else { throw PlatformKeyError.NotFound }
            return key
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            throw PlatformKeyError.Failed(detail: "wrapped value does not open")
        }
    }

    /// HMAC-SHA256 of the challenge under a second key of the label: the
    /// shape of the app's Secure Enclave binding (deterministic, keyed).
    func bindPin(keyLabel: String, challenge: Data) throws -> Data {
        let key: SymmetricKey = try lock.withLock {
            if _unavailable { throw PlatformKeyError.Unavailable }
            bindings += 1
            if let key = bindingKeys[keyLabel] { return key }
            let key = SymmetricKey(size: .bits256)
            bindingKeys[keyLabel] = key
            return key
        }
        return Data(HMAC<SHA256>.authenticationCode(for: challenge, using: key))
    }

    func destroy(keyLabel: String) throws {
        lock.withLock {
            _ = keys.removeValue(forKey: keyLabel)
            _ = bindingKeys.removeValue(forKey: keyLabel)
        }
    }
}
