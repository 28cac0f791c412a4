import CryptoKit
import Foundation
import Security

/// The platform key of the core's key hierarchy: a P-256 key in the Secure
/// Enclave, one per label, that never leaves it.
///
/// The Keychain keeps only the key's `dataRepresentation`, a blob that only
/// this phone's Secure Enclave can use, readable only while the phone is
/// unlocked and never backed up or synced (`WhenUnlockedThisDeviceOnly`).
/// A Keychain dump therefore yields nothing that works anywhere else.
///
/// - `wrap`/`unwrap`: ECIES to the enclave key: an ephemeral P-256 key
///   agrees a secret with it, HKDF-SHA256 makes an AES-256-GCM key from it,
///   and the wrapped value is the ephemeral public key then the AES-GCM box.
///   Opening needs the enclave's half of the agreement.
/// - `bindPin`: ECDH of the enclave key with the core's challenge point
///   (hashed to the curve from the PIN, so nobody knows its discrete log):
///   every PIN guess needs one operation of this phone's Secure Enclave.
///
/// Where there is no Secure Enclave (the simulator, some Macs running the
/// tests) the same scheme runs with a software P-256 key kept in the
/// Keychain under the same access class: the shape is the same, the
/// protection is the Keychain's alone.
public final class KeychainKeyStore: PlatformKeyStore, @unchecked Sendable {
    // @unchecked: the only state is immutable; the Keychain is thread-safe.
    private let service: String

    public init(service: String = "org.fieldbook.platform-key") {
        self.service = service
    }

    public func wrap(keyLabel: String, plaintext: Data) throws -> Data {
        let key = try agreementKey(label: keyLabel, create: true)
        let ephemeral = P256.KeyAgreement.PrivateKey()
        let shared = try key.agree(with: ephemeral.publicKey)
        let boxKey = Self.boxKey(shared, ephemeral: ephemeral.publicKey, label: keyLabel)
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: boxKey).combined else {
                throw PlatformKeyError.Failed(detail: "AES-GCM gave no combined box")
            }
            // 65-byte ephemeral public key ‖ nonce ‖ ciphertext ‖ tag
            return ephemeral.publicKey.x963Representation + combined
        } catch let error as PlatformKeyError {
            throw error
        } catch {
            throw PlatformKeyError.Failed(detail: "AES-GCM seal failed")
        }
    }

    public func unwrap(keyLabel: String, wrapped: Data) throws -> Data {
        let key = try agreementKey(label: keyLabel, create: false)
        guard wrapped.count > Self.pointBytes else {
            throw PlatformKeyError.Failed(detail: "wrapped value too short")
        }
        do {
            let ephemeral = try P256.KeyAgreement.PublicKey(
                x963Representation: wrapped.prefix(Self.pointBytes))
            let shared = try key.agree(with: ephemeral)
            let boxKey = Self.boxKey(shared, ephemeral: ephemeral, label: keyLabel)
            let box = try AES.GCM.SealedBox(combined: wrapped.dropFirst(Self.pointBytes))
            return try AES.GCM.open(box, using: boxKey)
        } catch {
            // Another key's box, or damaged bytes: fail, never return garbage.
            throw PlatformKeyError.Failed(detail: "wrapped value does not open")
        }
    }

    public func bindPin(keyLabel: String, challenge: Data) throws -> Data {
        let key = try agreementKey(label: keyLabel, create: true)
        let point: P256.KeyAgreement.PublicKey
        do {
            point = try P256.KeyAgreement.PublicKey(x963Representation: challenge)
        } catch {
            throw PlatformKeyError.Failed(detail: "the challenge is not a P-256 point")
        }
        let shared = try key.agree(with: point)
        return shared.withUnsafeBytes { Data($0) }
    }

    public func destroy(keyLabel: String) throws {
        let status = SecItemDelete(query(label: keyLabel) as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw Self.error(status, doing: "delete")
        }
    }

    // MARK: - Keys

    private static let pointBytes = 65

    private static func boxKey(
        _ shared: SharedSecret, ephemeral: P256.KeyAgreement.PublicKey, label: String
    ) -> SymmetricKey {
        shared.hkdfDerivedSymmetricKey(
            using: SHA256.self,
            salt: ephemeral.x963Representation,
            sharedInfo: Data("fieldbook/v2/platform-wrap/\(label)".utf8),
            outputByteCount: 32)
    }

    /// The label's key: in the Secure Enclave where there is one.
    private func agreementKey(label: String, create: Bool) throws -> AgreementKey {
        if let stored = try read(label: label) {
            return try AgreementKey(stored: stored)
        }
        guard create else { throw PlatformKeyError.NotFound }
        let key = try AgreementKey.make()
        let status = add(label: label, data: key.stored)
        switch status {
        case errSecSuccess:
            return key
        case errSecDuplicateItem:
            // Another thread created it first: use theirs, or the two would
            // disagree about the key.
            guard let existing = try read(label: label) else { throw Self.error(status, doing: "add") }
            return try AgreementKey(stored: existing)
        default:
            throw Self.error(status, doing: "add")
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

    private func add(label: String, data: Data) -> OSStatus {
        var item = query(label: label)
        item[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        item[kSecAttrSynchronizable as String] = false
        item[kSecValueData as String] = data
        return SecItemAdd(item as CFDictionary, nil)
    }

    private func read(label: String) throws -> Data? {
        var request = query(label: label)
        request[kSecReturnData as String] = true
        request[kSecMatchLimit as String] = kSecMatchLimitOne
        var result: CFTypeRef?
        let status = SecItemCopyMatching(request as CFDictionary, &result)
        switch status {
        case errSecSuccess:
            guard let bytes = result as? Data else {
                throw PlatformKeyError.Failed(detail: "the Keychain item is not a key")
            }
            return bytes
        case errSecItemNotFound:
            return nil
        default:
            throw Self.error(status, doing: "read")
        }
    }

    fileprivate static func error(_ status: OSStatus, doing operation: String) -> PlatformKeyError {
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

/// A P-256 key-agreement key, in the Secure Enclave where there is one. Its
/// stored form is tagged: 0x01 for an enclave blob, 0x02 for a software key.
private enum AgreementKey {
    case enclave(SecureEnclave.P256.KeyAgreement.PrivateKey)
    case software(P256.KeyAgreement.PrivateKey)

    static func make() throws -> AgreementKey {
        guard SecureEnclave.isAvailable else {
            return .software(P256.KeyAgreement.PrivateKey())
        }
        var failure: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .privateKeyUsage, &failure)
        else {
            throw PlatformKeyError.Failed(detail: "no access control for a Secure Enclave key")
        }
        do {
            return .enclave(try SecureEnclave.P256.KeyAgreement.PrivateKey(accessControl: access))
        } catch {
            throw PlatformKeyError.Failed(detail: "the Secure Enclave made no key")
        }
    }

    init(stored: Data) throws {
        guard let tag = stored.first else {
            throw PlatformKeyError.Failed(detail: "the Keychain item is empty")
        }
        let body = stored.dropFirst()
        do {
            switch tag {
            case 0x01:
                self = .enclave(try SecureEnclave.P256.KeyAgreement.PrivateKey(dataRepresentation: body))
            case 0x02:
                self = .software(try P256.KeyAgreement.PrivateKey(rawRepresentation: body))
            default:
                throw PlatformKeyError.Failed(detail: "the Keychain item is of an unknown kind")
            }
        } catch let error as PlatformKeyError {
            throw error
        } catch {
            // A blob another phone's enclave made, or a damaged one.
            throw PlatformKeyError.Failed(detail: "the Keychain item does not open here")
        }
    }

    var stored: Data {
        switch self {
        case let .enclave(key): return Data([0x01]) + key.dataRepresentation
        case let .software(key): return Data([0x02]) + key.rawRepresentation
        }
    }

    func agree(with point: P256.KeyAgreement.PublicKey) throws -> SharedSecret {
        do {
            switch self {
            case let .enclave(key): return try key.sharedSecretFromKeyAgreement(with: point)
            case let .software(key): return try key.sharedSecretFromKeyAgreement(with: point)
            }
        } catch {
            throw PlatformKeyError.Failed(detail: "the key agreement failed")
        }
    }
}
