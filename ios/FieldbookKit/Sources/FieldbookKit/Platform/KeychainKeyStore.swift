import CryptoKit
import Foundation
import Security

/// The platform key of the core's key hierarchy, kept by the iOS Keychain.
///
/// One random 256-bit key per label, stored as a generic password that is
/// readable only while the phone is unlocked and never leaves this device
/// (`kSecAttrAccessibleWhenUnlockedThisDeviceOnly`: not in backups, not in
/// iCloud Keychain, not restorable to another phone). The core hands it the
/// vault key (already wrapped under the PIN-derived key) to wrap with
/// AES-256-GCM, so a copy of the store's files without this phone's Keychain
/// cannot even be attacked by guessing PINs.
///
/// Why not the Secure Enclave: it holds only P-256 private keys, no
/// symmetric keys, so AES-GCM with a key inside it is impossible. Wrapping
/// with ECIES to a Secure Enclave key is a possible hardening (the key
/// could then never be read out, even from a jailbroken phone), but it has
/// no simulator or Mac parity for tests, and the Keychain item already has
/// the property that matters most here: it stays on this device.
public final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    // @unchecked: the only state is immutable; the Keychain is thread-safe.
    private let service: String

    public init(service: String = "org.fieldbook.platform-key") {
        self.service = service
    }

    public func wrap(keyLabel: String, plaintext: Data) throws -> Data {
        let key = try key(label: keyLabel, create: true)
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: key).combined else {
                throw PlatformKeyError.Failed(detail: "AES-GCM gave no combined box")
            }
            return combined // nonce ‖ ciphertext ‖ tag
        } catch let error as PlatformKeyError {
            throw error
        } catch {
            throw PlatformKeyError.Failed(detail: "AES-GCM seal failed")
        }
    }

    public func unwrap(keyLabel: String, wrapped: Data) throws -> Data {
        let key = try key(label: keyLabel, create: false)
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: key)
        } catch {
            // Another key's box, or damaged bytes: fail, never return garbage.
            throw PlatformKeyError.Failed(detail: "wrapped value does not open")
        }
    }

    public func destroy(keyLabel: String) throws {
        let status = SecItemDelete(query(label: keyLabel) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.error(status, doing: "delete")
        }
    }

    // MARK: - Keychain

    private func query(label: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: label,
            // The iOS-style keychain on macOS too (tests), where the
            // accessibility class is honoured.
            kSecUseDataProtectionKeychain as String: true,
        ]
    }

    private func key(label: String, create: Bool) throws -> SymmetricKey {
        if let key = try read(label: label) {
            return key
        }
        guard create else { throw PlatformKeyError.NotFound }
        let key = SymmetricKey(size: .bits256)
        var item = query(label: label)
        item[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        item[kSecAttrSynchronizable as String] = false
        item[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
        let status = SecItemAdd(item as CFDictionary, nil)
        switch status {
        case errSecSuccess:
            return key
        case errSecDuplicateItem:
            // Another thread created it first: use theirs, or the two wraps
            // would disagree about the key.
            guard let existing = try read(label: label) else { throw Self.error(status, doing: "add") }
            return existing
        default:
            throw Self.error(status, doing: "add")
        }
    }

    private func read(label: String) throws -> SymmetricKey? {
        var request = query(label: label)
        request[kSecReturnData as String] = true
        request[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(request as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard var bytes = result as? Data, bytes.count == 32 else {
                throw PlatformKeyError.Failed(detail: "the Keychain item is not a 256-bit key")
            }
            let key = SymmetricKey(data: bytes)
            // Best effort: do not leave our copy of the key bytes in memory.
            bytes.resetBytes(in: 0 ..< bytes.count)
            return key
        case errSecItemNotFound:
            return nil
        default:
            throw Self.error(status, doing: "read")
        }
    }

    private static func error(_ status: OSStatus, doing operation: String) -> PlatformKeyError {
        switch status {
        case errSecInteractionNotAllowed, errSecNotAvailable:
            // The phone is locked (the item is readable only while unlocked).
            return .Unavailable
        default:
            // The status code says what failed; it carries no key material.
            return .Failed(detail: "Keychain \(operation) failed (OSStatus \(status))")
        }
    }
}
