//! The 256-bit symmetric key type and deterministic subkey derivation.

use std::fmt;

use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{CryptoError, Domain};

/// Length of every symmetric key in Fieldbook (AES-256, HMAC-SHA256 keys).
pub const KEY_LEN: usize = 32;

/// A 256-bit secret key.
///
/// The bytes live in one heap allocation that moves never copy, are zeroized
/// on drop, are compared in constant time and never appear in `Debug` output.
/// Reading them takes an explicit [`SecretKey::expose`], so every place that
/// touches raw key bytes is easy to find.
#[derive(Clone)]
pub struct SecretKey(Box<[u8; KEY_LEN]>);

impl SecretKey {
    /// A fresh key from the operating system's CSPRNG.
    pub fn make_random() -> Self {
        let mut key = SecretKey(Box::new([0u8; KEY_LEN]));
        OsRng.fill_bytes(&mut key.0[..]);
        key
    }

    /// A key from exactly 32 bytes. The caller still owns (and should zeroize)
    /// its own copy of `bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        if bytes.len() != KEY_LEN {
            return Err(CryptoError::InvalidKey);
        }
        let mut key = SecretKey(Box::new([0u8; KEY_LEN]));
        key.0.copy_from_slice(bytes);
        Ok(key)
    }

    /// The raw key bytes. Named loudly on purpose: keep the borrow short and
    /// never copy the bytes into anything that is not zeroized.
    pub fn expose(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// Derives the subkey for `purpose` with HKDF-SHA256 (RFC 5869). The same
    /// key and purpose always give the same subkey; different purposes give
    /// independent keys, so a key used for sealing is never also a MAC key.
    pub fn derive_subkey(&self, purpose: KeyPurpose) -> SecretKey {
        let hk = Hkdf::<Sha256>::new(None, &self.0[..]);
        let mut sub = SecretKey(Box::new([0u8; KEY_LEN]));
        hk.expand(purpose.info(), &mut sub.0[..])
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        sub
    }

    /// A placeholder for internal constructors that fill the bytes in place.
    pub(crate) fn zeroed() -> Self {
        SecretKey(Box::new([0u8; KEY_LEN]))
    }

    /// Mutable access for in-place derivation (Argon2 writes straight into the key).
    pub(crate) fn bytes_mut(&mut self) -> &mut [u8; KEY_LEN] {
        &mut self.0
    }
}

impl Zeroize for SecretKey {
    fn zeroize(&mut self) {
        self.0.zeroize();
    }
}

impl Drop for SecretKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for SecretKey {}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.ct_eq(&*other.0).into()
    }
}

impl Eq for SecretKey {}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(…)")
    }
}

/// What a derived subkey is for. Each purpose has its own HKDF info string
/// ([`Domain`]); the strings are part of the stored data format and must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPurpose {
    /// Sealing record contents (AES-256-GCM).
    RecordSeal,
    /// Blind-index lookup terms (HMAC-SHA256).
    BlindIndex,
    /// The client's unique identifier code (HMAC-SHA256).
    Uic,
    /// The keyed hash chain of the audit trail (HMAC-SHA256).
    AuditMac,
    /// The vault canary that tells a wrong key from a corrupt store.
    VaultCanary,
    /// Sealing the device's hub credentials (its bearer token) in the store.
    HubCredentials,
    /// Sealing the device's X25519 private key in the store.
    DeviceKey,
    /// Sealing the device's Ed25519 signing key and the team root in the store.
    SigningKeys,
    /// Sealing the verified roster in the store.
    Roster,
    /// The desktop key file's stand-in for a hardware PIN-binding key.
    SoftwarePinBinding,
    /// Sealing the audit trail's entries.
    AuditSeal,
    /// Sealing the lists of records that share a lookup term.
    LookupPostings,
    /// Sealing the form definitions supervisors publish (under a team key).
    FormSeal,
}

impl KeyPurpose {
    /// Every purpose once, so the tests can check that no two derive the same subkey.
    pub const ALL: [KeyPurpose; 13] = [
        KeyPurpose::RecordSeal,
        KeyPurpose::BlindIndex,
        KeyPurpose::Uic,
        KeyPurpose::AuditMac,
        KeyPurpose::VaultCanary,
        KeyPurpose::HubCredentials,
        KeyPurpose::DeviceKey,
        KeyPurpose::SigningKeys,
        KeyPurpose::Roster,
        KeyPurpose::SoftwarePinBinding,
        KeyPurpose::AuditSeal,
        KeyPurpose::LookupPostings,
        KeyPurpose::FormSeal,
    ];

    /// The HKDF info string (domain separation label).
    pub fn info(self) -> &'static [u8] {
        self.domain().bytes()
    }

    /// The label this purpose derives under.
    pub fn domain(self) -> Domain {
        match self {
            KeyPurpose::RecordSeal => Domain::RecordSeal,
            KeyPurpose::BlindIndex => Domain::BlindIndex,
            KeyPurpose::Uic => Domain::Uic,
            KeyPurpose::AuditMac => Domain::AuditMac,
            KeyPurpose::VaultCanary => Domain::VaultCanaryKey,
            KeyPurpose::HubCredentials => Domain::HubCredentials,
            KeyPurpose::DeviceKey => Domain::DeviceKey,
            KeyPurpose::SigningKeys => Domain::SigningKeys,
            KeyPurpose::Roster => Domain::Roster,
            KeyPurpose::SoftwarePinBinding => Domain::SoftwarePinBinding,
            KeyPurpose::AuditSeal => Domain::AuditSeal,
            KeyPurpose::LookupPostings => Domain::LookupPostingsKey,
            KeyPurpose::FormSeal => Domain::FormSeal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_keys_differ() {
        assert_ne!(SecretKey::make_random(), SecretKey::make_random());
    }

    #[test]
    fn from_bytes_checks_length() {
        assert_eq!(
            SecretKey::from_bytes(&[0u8; 31]).unwrap_err(),
            CryptoError::InvalidKey
        );
        assert_eq!(
            SecretKey::from_bytes(&[0u8; 33]).unwrap_err(),
            CryptoError::InvalidKey
        );
        let k = SecretKey::from_bytes(&[7u8; 32]).unwrap();
        assert_eq!(k.expose(), &[7u8; 32]);
    }

    #[test]
    fn debug_hides_bytes() {
        let k = SecretKey::from_bytes(&[0xAB; 32]).unwrap();
        let shown = format!("{k:?}");
        assert_eq!(shown, "SecretKey(…)");
        assert!(!shown.to_lowercase().contains("ab"));
    }

    #[test]
    fn derivation_is_deterministic_and_separated() {
        let master = SecretKey::make_random();
        let other = SecretKey::make_random();
        let mut seen = Vec::new();
        for p in KeyPurpose::ALL {
            let a = master.derive_subkey(p);
            assert_eq!(a, master.derive_subkey(p));
            assert_ne!(a, master);
            assert_ne!(a, other.derive_subkey(p));
            seen.push(a);
        }
        for i in 0..seen.len() {
            for j in i + 1..seen.len() {
                assert_ne!(seen[i], seen[j]);
            }
        }
    }

    /// Frozen vectors: stored data depends on these derivations never changing.
    /// Cross-checked with an independent Python (hmac, hashlib) HKDF.
    #[test]
    fn frozen_derivation_vectors() {
        let master = SecretKey::from_bytes(&[7u8; 32]).unwrap();
        let hex =
            |k: &SecretKey| -> String { k.expose().iter().map(|b| format!("{b:02x}")).collect() };
        assert_eq!(
            hex(&master.derive_subkey(KeyPurpose::RecordSeal)),
            "22355cb4ad7aad36c87828485164a467593ea5cd3aaa08f94a275dac1991c495"
        );
        assert_eq!(
            hex(&master.derive_subkey(KeyPurpose::Uic)),
            "d8937a684f2840f08e319663d7b290d15b04e339c2a9dcee21492740572caadd"
        );
    }

    #[test]
    fn info_strings_are_distinct() {
        // With the enrollment code's, which the trust crate derives.
        let mut infos: Vec<_> = KeyPurpose::ALL.iter().map(|p| p.info()).collect();
        infos.extend(fieldbook_trust::enrollment_code::LABELS);
        let all = infos.len();
        infos.sort();
        infos.dedup();
        assert_eq!(infos.len(), all);
    }

    #[test]
    fn zeroize_clears() {
        let mut k = SecretKey::make_random();
        k.zeroize();
        assert_eq!(k.expose(), &[0u8; 32]);
    }
}
