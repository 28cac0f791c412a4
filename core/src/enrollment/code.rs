//! The enrollment code: typed or scanned once, on the new device.

use hkdf::Hkdf;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::codes::{
    bytes_to_symbols, format_grouped, luhn_mod32_check, parse_symbols, symbols_to_bytes,
};
use crate::crypto::{KeyPurpose, SecretKey};

const SECRET_LEN: usize = 16;
const PAYLOAD_LEN: usize = 16 + SECRET_LEN;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrollmentCodeError {
    #[error("not an enrollment code")]
    Malformed,
    #[error("the enrollment code was mistyped (check character)")]
    CheckCharacterMismatch,
}

/// A one-time enrollment code. Its secret half zeroizes on drop and never
/// appears in `Debug`.
pub struct EnrollmentCode {
    pub invite_id: Uuid,
    secret: Zeroizing<[u8; SECRET_LEN]>,
}

impl std::fmt::Debug for EnrollmentCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnrollmentCode({}, …)", self.invite_id)
    }
}

impl EnrollmentCode {
    pub fn make_random() -> Self {
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        OsRng.fill_bytes(secret.as_mut());
        EnrollmentCode {
            invite_id: Uuid::new_v4(),
            secret,
        }
    }

    /// The code as people type it: 52 base-32 symbols and a check symbol, in groups of four.
    pub fn to_text(&self) -> Zeroizing<String> {
        let payload =
            Zeroizing::new([self.invite_id.as_bytes().as_slice(), self.secret.as_slice()].concat());
        let mut symbols = Zeroizing::new(bytes_to_symbols(&payload));
        let check = luhn_mod32_check(&symbols);
        symbols.push(check);
        Zeroizing::new(format_grouped(&symbols, 4))
    }

    pub fn parse(text: &str) -> Result<Self, EnrollmentCodeError> {
        let mut symbols =
            Zeroizing::new(parse_symbols(text).ok_or(EnrollmentCodeError::Malformed)?);
        let check = symbols.pop().ok_or(EnrollmentCodeError::Malformed)?;
        let payload = Zeroizing::new(
            symbols_to_bytes(&symbols, PAYLOAD_LEN).ok_or(EnrollmentCodeError::Malformed)?,
        );
        if luhn_mod32_check(&symbols) != check {
            return Err(EnrollmentCodeError::CheckCharacterMismatch);
        }
        let invite_id =
            Uuid::from_slice(&payload[..16]).map_err(|_| EnrollmentCodeError::Malformed)?;
        let mut secret = Zeroizing::new([0u8; SECRET_LEN]);
        secret.copy_from_slice(&payload[16..]);
        Ok(EnrollmentCode { invite_id, secret })
    }

    fn derive(&self, purpose: KeyPurpose) -> SecretKey {
        let hk = Hkdf::<Sha256>::new(Some(self.invite_id.as_bytes()), self.secret.as_slice());
        let mut okm = Zeroizing::new([0u8; 32]);
        hk.expand(purpose.info(), okm.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 output length");
        SecretKey::from_bytes(okm.as_slice()).expect("32 bytes")
    }

    /// What the enrolling device shows the hub.
    pub fn verifier(&self) -> Vec<u8> {
        self.derive(KeyPurpose::InviteVerifier).expose().to_vec()
    }

    /// What the hub keeps to check the verifier.
    pub fn verifier_hash(&self) -> Vec<u8> {
        Sha256::digest(self.verifier()).to_vec()
    }

    /// The key the team keys are sealed under.
    pub fn bundle_key(&self) -> SecretKey {
        self.derive(KeyPurpose::InviteBundle)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_round_trips_through_its_text_forgiving_case_and_spaces() {
        let code = EnrollmentCode::make_random();
        let text = code.to_text();
        let parsed = EnrollmentCode::parse(&text.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(parsed.invite_id, code.invite_id);
        assert_eq!(parsed.verifier(), code.verifier());
        assert_eq!(parsed.bundle_key(), code.bundle_key());
        assert_ne!(code.verifier(), code.bundle_key().expose().to_vec());
        assert!(!format!("{code:?}").contains(&text[20..30]));
    }

    #[test]
    fn a_mistyped_code_is_refused() {
        let text = EnrollmentCode::make_random().to_text();
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
}
