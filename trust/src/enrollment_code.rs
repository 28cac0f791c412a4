//! The enrollment code: typed or scanned once, on the new device.
//!
//! It carries an invite id (which the hub sees), a 128-bit secret (which the
//! hub never sees) and, for a team that signs its roster, the team's
//! fingerprint: the new device pins it and verifies the whole roster against
//! it. A team's first supervisor gets a code without one (its device makes
//! the team root); so do codes made before the team signed its roster.
//!
//! It lives here, below both the device core and the hub, because both make
//! codes: a supervisor's device for its team, the hub's admin for a team's
//! first supervisor.

use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::codes::{
    bytes_to_symbols, format_grouped, luhn_mod32_check, parse_symbols, symbols_to_bytes,
};
use crate::keys::FINGERPRINT_LEN;
use crate::{Fingerprint, SigningKey};

/// The HKDF info strings of what a code derives. Like every derivation
/// label they are part of the stored data format and never change; the
/// core's own labels are checked distinct from these.
pub const VERIFIER_LABEL: &[u8] = b"fieldbook/v1/invite-verifier";
/// Derives the key that seals the team keys in the invite's bundle.
pub const BUNDLE_LABEL: &[u8] = b"fieldbook/v1/invite-bundle";
/// Derives the invite's one-time signing key, which signs the device's join.
pub const SIGNING_LABEL: &[u8] = b"fieldbook/v1/invite-signing";
/// Every label above, so other derivations can be checked distinct from them.
pub const LABELS: [&[u8]; 3] = [VERIFIER_LABEL, BUNDLE_LABEL, SIGNING_LABEL];

const SECRET_LEN: usize = 16;
/// Invite id and secret: a founder's code, or one from before signed rosters.
const PAYLOAD_LEN: usize = 16 + SECRET_LEN;
/// Invite id, secret and the team's fingerprint.
const PINNED_PAYLOAD_LEN: usize = PAYLOAD_LEN + FINGERPRINT_LEN;

/// Why text is not an enrollment code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrollmentCodeError {
    /// Not symbols of a code, or not a code's length.
    #[error("not an enrollment code")]
    Malformed,
    /// The check symbol does not match: a character was mistyped.
    #[error("the enrollment code was mistyped (check character)")]
    CheckCharacterMismatch,
}

/// A one-time enrollment code. Its secret half zeroizes on drop and never
/// appears in `Debug`.
pub struct EnrollmentCode {
    /// The invite the code redeems: the part the hub sees.
    pub invite_id: Uuid,
    secret: Zeroizing<[u8; SECRET_LEN]>,
    /// The team's fingerprint, for a team that signs its roster.
    pub team: Option<Fingerprint>,
}

impl std::fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnrollmentCode({}, …)", self.invite_id)
    }
}

impl EnrollmentCode {
    /// A fresh code for the team with this fingerprint (`None`: a founder's code).
    pub fn make_random(team: Option<Fingerprint>) -> Self {
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        OsRng.fill_bytes(secret.as_mut());
        EnrollmentCode {
            invite_id: Uuid::new_v4(),
            secret,
            team,
        }
    }

    /// The code as people type it: base-32 symbols and a check symbol, in
    /// groups of four (53 symbols, or 78 with the team's fingerprint).
    pub fn to_text(&self) -> Zeroizing<String> {
        let team = self.team.map(|fp| fp.0);
        let payload = Zeroizing::new(
            [
                self.invite_id.as_bytes().as_slice(),
                self.secret.as_slice(),
                team.as_ref().map_or(&[][..], |fp| fp.as_slice()),
            ]
            .concat(),
        );
        let mut symbols = Zeroizing::new(bytes_to_symbols(&payload));
        let check = luhn_mod32_check(&symbols);
        symbols.push(check);
        Zeroizing::new(format_grouped(&symbols, 4))
    }

    /// Reads a typed code (hyphens and spaces ignored), checking its check symbol.
    pub fn parse(text: &str) -> Result<Self, EnrollmentCodeError> {
        let mut symbols =
            Zeroizing::new(parse_symbols(text).ok_or(EnrollmentCodeError::Malformed)?);
        let check = symbols.pop().ok_or(EnrollmentCodeError::Malformed)?;
        let len = [PAYLOAD_LEN, PINNED_PAYLOAD_LEN]
            .into_iter()
            .find(|len| (len * 8).div_ceil(5) == symbols.len())
            .ok_or(EnrollmentCodeError::Malformed)?;
        let payload =
            Zeroizing::new(symbols_to_bytes(&symbols, len).ok_or(EnrollmentCodeError::Malformed)?);
        if luhn_mod32_check(&symbols) != check {
            return Err(EnrollmentCodeError::CheckCharacterMismatch);
        }
        let invite_id =
            Uuid::from_slice(&payload[..16]).map_err(|_| EnrollmentCodeError::Malformed)?;
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        secret.copy_from_slice(&payload[16..PAYLOAD_LEN]);
        let team = (len == PINNED_PAYLOAD_LEN).then(|| {
            let mut fp = [0u8; FINGERPRINT_LEN];
            fp.copy_from_slice(&payload[PAYLOAD_LEN..]);
            Fingerprint(fp)
        });
        Ok(EnrollmentCode {
            invite_id,
            secret,
            team,
        })
    }

    fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let hk = Hkdf::<Sha256>::new(Some(self.invite_id.as_bytes()), self.secret.as_slice());
        let mut okm = Zeroizing::new([0u8; 32]);
        hk.expand(label, okm.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        okm
    }

    /// What the enrolling device shows the hub.
    pub fn verifier(&self) -> Vec<u8> {
        self.derive(VERIFIER_LABEL).to_vec()
    }

    /// What the hub keeps to check the verifier.
    pub fn verifier_hash(&self) -> Vec<u8> {
        Sha256::digest(self.verifier()).to_vec()
    }

    /// The key the team keys are sealed under.
    pub fn bundle_key(&self) -> Zeroizing<[u8; 32]> {
        self.derive(BUNDLE_LABEL)
    }

    /// The invite's one-time signing key: the inviting supervisor certifies
    /// its public half in the roster; the new device signs its join with it.
    pub fn invite_signing_key(&self) -> SigningKey {
        SigningKey::from_seed(&self.derive(SIGNING_LABEL))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_round_trips_through_its_text_forgiving_case_and_spaces() {
        let team = SigningKey::make_random().public().fingerprint();
        for pin in [None, Some(team)] {
            let code = EnrollmentCode::make_random(pin);
            let text = code.to_text();
            let symbols = text.chars().filter(|c| *c != '-').count();
            assert_eq!(symbols, if pin.is_some() { 78 } else { 53 });
            let parsed = EnrollmentCode::parse(&text.to_lowercase().replace('-', " ")).unwrap();
            assert_eq!(parsed.invite_id, code.invite_id);
            assert_eq!(parsed.team, pin);
            assert_eq!(parsed.verifier(), code.verifier());
            assert_eq!(parsed.bundle_key(), code.bundle_key());
            assert_eq!(
                parsed.invite_signing_key().public(),
                code.invite_signing_key().public()
            );
            assert_ne!(code.verifier(), code.bundle_key().to_vec());
            assert!(!format!("{code:?}").contains(&text[20..30]));
        }
    }

    #[test]
    fn a_mistyped_code_is_refused() {
        let text = EnrollmentCode::make_random(None).to_text();
        let mut chars: Vec<char> = text.chars().collect();
        let i = 7;
        chars[i] = if chars[i] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(EnrollmentCode::parse(&typo).is_err());
        assert_eq!(
            EnrollmentCode::parse("hello").unwrap_err(),
            EnrollmentCodeError::Malformed
        );
    }

    /// Frozen vectors: hubs keep verifier hashes and devices sealed bundles
    /// made with these derivations. Cross-checked with Python's hmac and
    /// hashlib (HKDF-SHA256, salt the invite id, key the secret).
    #[test]
    fn frozen_derivation_vectors() {
        let code = EnrollmentCode {
            invite_id: Uuid::from_bytes(std::array::from_fn(|i| i as u8)),
            secret: Zeroizing::new([9; SECRET_LEN]),
            team: None,
        };
        let hex = |b: &[u8]| -> String { b.iter().map(|b| format!("{b:02x}")).collect() };
        assert_eq!(
            hex(&code.verifier()),
            "b0292d91dc7d65dccaba8e2142712914e11518947fa66e306276f0b2711ed916"
        );
        assert_eq!(
            hex(&code.verifier_hash()),
            "17e68de893ebd86fbcc3644f175d5b133cd8e6d1cc936306eb24d7a7a018add9"
        );
        assert_eq!(
            hex(code.bundle_key().as_slice()),
            "a1ba0b4b37237acd2efdc6e5078f4ee96d693c2abaaeb3a411032a5c77a56390"
        );
        assert_eq!(
            code.invite_signing_key().public(),
            SigningKey::from_seed(&[
                0xd3, 0x2c, 0x0e, 0x7f, 0x88, 0x43, 0xb3, 0xa6, 0x1d, 0xa2, 0x84, 0xa3, 0x7e, 0x43,
                0x8a, 0xff, 0x55, 0x85, 0x62, 0x93, 0xd4, 0x31, 0xb9, 0x2f, 0x1e, 0x3b, 0x25, 0x75,
                0x27, 0xf7, 0x1f, 0x65
            ])
            .public()
        );
    }
}
