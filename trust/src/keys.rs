//! Ed25519 keys (ed25519-dalek), the domains that keep one signature from
//! passing for another, and fingerprints.
//!
//! Naming follows the core's crypto: `make_*` is random, `from_seed` is
//! deterministic (a one-time invite key is derived from the code's secret).

use std::fmt;

use ed25519_dalek::{Signature, Signer as _};
use rand::rngs::OsRng;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use crate::TrustError;

/// Bytes in an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;
/// Bytes in an Ed25519 signature.
pub const SIGNATURE_LEN: usize = 64;
/// Bytes in a key fingerprint (a truncated SHA-256).
pub const FINGERPRINT_LEN: usize = 16;

/// What a signature is for. The label is signed with the message, so a
/// signature made for one purpose never verifies for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureDomain {
    /// A roster statement.
    RosterStatement,
    /// A team key wrapped to one device.
    KeyEnvelope,
}

impl SignatureDomain {
    /// The label signed before the message: it binds a signature to its purpose.
    pub fn label(self) -> &'static [u8] {
        match self {
            SignatureDomain::RosterStatement => b"fieldbook/v1/roster-statement\0",
            SignatureDomain::KeyEnvelope => b"fieldbook/v1/key-envelope-signature\0",
        }
    }

    fn message(self, body: &[u8]) -> Vec<u8> {
        [self.label(), body].concat()
    }
}

/// An Ed25519 signing key: a team root, a supervisor device's key, or an
/// invite's one-time key. Zeroizes on drop; never shown in `Debug`.
pub struct SigningKey(ed25519_dalek::SigningKey);

impl SigningKey {
    /// A fresh key from the system's random source.
    pub fn make_random() -> Self {
        SigningKey(ed25519_dalek::SigningKey::generate(&mut OsRng))
    }

    /// The key with this 32-byte seed (RFC 8032 private key).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        SigningKey(ed25519_dalek::SigningKey::from_bytes(seed))
    }

    /// The seed, to be stored sealed; zeroized when dropped.
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.0.to_bytes())
    }

    /// The public half, to verify its signatures.
    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    /// Signs `body` for `domain`; it verifies only for the same domain.
    pub fn sign(&self, domain: SignatureDomain, body: &[u8]) -> [u8; SIGNATURE_LEN] {
        self.0.sign(&domain.message(body)).to_bytes()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public {})", self.public().fingerprint())
    }
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PublicKey(#[serde(with = "crate::b64")] pub [u8; PUBLIC_KEY_LEN]);

impl PublicKey {
    /// The key in these 32 bytes; refused if not a valid Ed25519 point.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, TrustError> {
        let bytes: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| TrustError::BadKey)?;
        ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|_| TrustError::BadKey)?;
        Ok(PublicKey(bytes))
    }

    /// Strict verification (RFC 8032 with the malleability and small-order
    /// checks), over the domain label and the body.
    pub fn verify(
        &self,
        domain: SignatureDomain,
        body: &[u8],
        signature: &[u8],
    ) -> Result<(), TrustError> {
        let key =
            ed25519_dalek::VerifyingKey::from_bytes(&self.0).map_err(|_| TrustError::BadKey)?;
        if key.is_weak() {
            return Err(TrustError::BadKey);
        }
        let signature: [u8; SIGNATURE_LEN] =
            signature.try_into().map_err(|_| TrustError::BadSignature)?;
        key.verify_strict(&domain.message(body), &Signature::from_bytes(&signature))
            .map_err(|_| TrustError::BadSignature)
    }

    /// The short hash by which people and codes name this key (a team's fingerprint is its root's).
    pub fn fingerprint(&self) -> Fingerprint {
        let digest = Sha256::new()
            .chain_update(b"fieldbook/v1/key-fingerprint\0")
            .chain_update(self.0)
            .finalize();
        let mut out = [0u8; FINGERPRINT_LEN];
        out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
        Fingerprint(out)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

/// 128 bits of a key's SHA-256: a team's identity (its root key's
/// fingerprint) as enrollment codes carry it and people compare it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fingerprint(#[serde(with = "crate::b64")] pub [u8; FINGERPRINT_LEN]);

impl Fingerprint {
    /// Parses the hex form, ignoring spaces, dashes and case.
    pub fn parse(text: &str) -> Option<Fingerprint> {
        let hex: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if hex.len() != FINGERPRINT_LEN * 2 || !hex.is_ascii() {
            return None;
        }
        let mut out = [0u8; FINGERPRINT_LEN];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        Some(Fingerprint(out))
    }
}

/// Hex in groups of four, the way people read it aloud to compare.
impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, pair) in self.0.chunks(2).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            write!(f, "{:02x}{:02x}", pair[0], pair[1])?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_key_domain_and_body() {
        let key = SigningKey::make_random();
        let other = SigningKey::make_random();
        let sig = key.sign(SignatureDomain::RosterStatement, b"body");
        let public = key.public();
        assert!(public
            .verify(SignatureDomain::RosterStatement, b"body", &sig)
            .is_ok());
        assert_eq!(
            public.verify(SignatureDomain::KeyEnvelope, b"body", &sig),
            Err(TrustError::BadSignature)
        );
        assert!(public
            .verify(SignatureDomain::RosterStatement, b"bodY", &sig)
            .is_err());
        assert!(other
            .public()
            .verify(SignatureDomain::RosterStatement, b"body", &sig)
            .is_err());
        for i in 0..sig.len() {
            let mut bad = sig;
            bad[i] ^= 1;
            assert!(public
                .verify(SignatureDomain::RosterStatement, b"body", &bad)
                .is_err());
        }
        assert!(public
            .verify(SignatureDomain::RosterStatement, b"body", &sig[..63])
            .is_err());
    }

    #[test]
    fn a_seed_gives_the_same_key_and_weak_keys_are_refused() {
        let key = SigningKey::make_random();
        let again = SigningKey::from_seed(&key.seed());
        assert_eq!(again.public(), key.public());
        assert!(!format!("{key:?}").contains(&format!("{:?}", key.seed().as_slice())));
        // The identity point: a key any signature could be forged for.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = PublicKey(identity);
        assert_eq!(
            weak.verify(SignatureDomain::RosterStatement, b"x", &[0u8; 64]),
            Err(TrustError::BadKey)
        );
    }

    #[test]
    fn fingerprints_print_and_parse() {
        let fp = SigningKey::make_random().public().fingerprint();
        let text = fp.to_string();
        assert_eq!(text.len(), 39);
        assert_eq!(Fingerprint::parse(&text), Some(fp));
        assert_eq!(
            Fingerprint::parse(&text.to_uppercase().replace('-', " ")),
            Some(fp)
        );
        assert_eq!(Fingerprint::parse("abcd"), None);
        assert_eq!(
            Fingerprint::parse(&text.replace('a', "g")).is_some(),
            !text.contains('a')
        );
    }
}
