//! Versioned sealed values: AES-256-GCM with a random 96-bit nonce.
//!
//! Layout of a sealed value (format 1):
//! ```text
//! [version: 1 byte = 1][nonce: 12 random bytes][ciphertext ‖ 16-byte GCM tag]
//! ```
//! The GCM associated data is `[version] ‖ caller's aad`, so the version byte
//! is authenticated too: rewriting it cannot make an old parser accept the
//! value. Random nonces are safe for well under 2^32 seals per key, far more
//! than a team writes in a key epoch.

use aes_gcm::aead::{AeadCore, AeadInPlace, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use zeroize::Zeroizing;

use fieldbook_proto::vocab::{RecordKind, SensitivityClass};

use super::{put_field, CryptoError, Domain, SecretKey};

/// The only sealed format this build writes and reads.
pub const SEAL_FORMAT_V1: u8 = 1;

const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const HEADER_LEN: usize = 1 + NONCE_LEN;

/// Bytes a sealed value adds to its plaintext (version, nonce, tag).
pub const SEAL_OVERHEAD: usize = HEADER_LEN + TAG_LEN;

/// Seals `plaintext` under `key`, binding `aad` (which is not stored: the
/// opener must supply the same bytes).
pub fn seal(key: &SecretKey, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let cipher = Aes256Gcm::new(key.expose().into());
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);

    // Encrypt in place inside the output buffer, so no second plaintext copy
    // exists outside the caller's own.
    let mut out = Vec::with_capacity(SEAL_OVERHEAD + plaintext.len());
    out.push(SEAL_FORMAT_V1);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let tag = cipher
        .encrypt_in_place_detached(
            &nonce,
            &full_aad(SEAL_FORMAT_V1, aad),
            &mut out[HEADER_LEN..],
        )
        .expect("AES-GCM only refuses plaintexts over 64 GiB");
    out.extend_from_slice(&tag);
    out
}

/// Opens a value made by [`seal`] with the same key and `aad`.
///
/// Errors: [`CryptoError::Truncated`] if too short, [`CryptoError::UnsupportedFormat`]
/// for an unknown version byte, [`CryptoError::Authentication`] for a wrong key,
/// wrong `aad` or any modification. The plaintext is zeroized when dropped.
pub fn open(key: &SecretKey, aad: &[u8], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    let (&version, _) = sealed.split_first().ok_or(CryptoError::Truncated)?;
    if version != SEAL_FORMAT_V1 {
        return Err(CryptoError::UnsupportedFormat(version));
    }
    if sealed.len() < SEAL_OVERHEAD {
        return Err(CryptoError::Truncated);
    }
    let nonce = Nonce::from_slice(&sealed[1..HEADER_LEN]);
    let (body, tag) = sealed[HEADER_LEN..].split_at(sealed.len() - SEAL_OVERHEAD);
    let tag = Tag::from_slice(tag);

    let cipher = Aes256Gcm::new(key.expose().into());
    let mut buf = Zeroizing::new(body.to_vec());
    cipher
        .decrypt_in_place_detached(nonce, &full_aad(version, aad), &mut buf, tag)
        .map_err(|_| CryptoError::Authentication)?;
    Ok(buf)
}

/// The GCM associated data: the version byte (fixed size, so unambiguous) then
/// the caller's bytes.
fn full_aad(version: u8, aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(1 + aad.len());
    full.push(version);
    full.extend_from_slice(aad);
    full
}

/// The associated data for a record's sealed contents. It binds the record's
/// kind, its id, the sensitivity class and epoch of the team key that sealed
/// it, and the format version, so a sealed value copied onto another record,
/// another kind, or relabelled with another key class or epoch fails to open.
///
/// Encoding: a length-prefixed domain label, the format version byte, the
/// length-prefixed kind name, the 16-byte id, the length-prefixed class name
/// and the epoch as 4 big-endian bytes. Fixed sizes and length prefixes make
/// it unambiguous.
pub fn record_aad(
    kind: RecordKind,
    record_id: &[u8; 16],
    class: SensitivityClass,
    key_epoch: u32,
) -> Vec<u8> {
    let mut aad = Vec::with_capacity(64);
    put_field(&mut aad, Domain::Record.bytes());
    aad.push(SEAL_FORMAT_V1);
    put_field(&mut aad, kind.as_str().as_bytes());
    aad.extend_from_slice(record_id);
    put_field(&mut aad, class.as_str().as_bytes());
    aad.extend_from_slice(&key_epoch.to_be_bytes());
    aad
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: [u8; 16] = [1; 16];

    fn aad() -> Vec<u8> {
        record_aad(RecordKind::Client, &ID, SensitivityClass::Outreach, 1)
    }

    #[test]
    fn round_trip() {
        let key = SecretKey::make_random();
        for pt in [&b""[..], b"x", b"alias: Hoa; injecting: yes"] {
            let sealed = seal(&key, &aad(), pt);
            assert_eq!(sealed.len(), pt.len() + SEAL_OVERHEAD);
            assert_eq!(sealed[0], SEAL_FORMAT_V1);
            assert_eq!(&open(&key, &aad(), &sealed).unwrap()[..], pt);
        }
    }

    #[test]
    fn nonces_are_fresh() {
        let key = SecretKey::make_random();
        assert_ne!(seal(&key, b"", b"same"), seal(&key, b"", b"same"));
    }

    #[test]
    fn every_single_byte_flip_is_rejected() {
        let key = SecretKey::make_random();
        let sealed = seal(&key, &aad(), b"case note: mental health 3/5");
        for pos in 0..sealed.len() {
            for bit in [0x01u8, 0x80, 0xFF] {
                let mut bad = sealed.clone();
                bad[pos] ^= bit;
                match open(&key, &aad(), &bad) {
                    Err(CryptoError::Authentication) => assert_ne!(pos, 0),
                    Err(CryptoError::UnsupportedFormat(v)) => {
                        assert_eq!(pos, 0);
                        assert_eq!(v, SEAL_FORMAT_V1 ^ bit);
                    }
                    other => panic!("byte {pos} flip gave {:?}", other.map(|_| ())),
                }
            }
        }
    }

    #[test]
    fn truncation_is_rejected() {
        let key = SecretKey::make_random();
        let sealed = seal(&key, &aad(), b"hello");
        assert_eq!(open(&key, &aad(), &[]).unwrap_err(), CryptoError::Truncated);
        for len in 1..SEAL_OVERHEAD {
            assert_eq!(
                open(&key, &aad(), &sealed[..len]).unwrap_err(),
                CryptoError::Truncated
            );
        }
        for len in SEAL_OVERHEAD..sealed.len() {
            assert_eq!(
                open(&key, &aad(), &sealed[..len]).unwrap_err(),
                CryptoError::Authentication
            );
        }
    }

    #[test]
    fn unknown_version_is_reported() {
        let key = SecretKey::make_random();
        let mut sealed = seal(&key, &aad(), b"hello");
        sealed[0] = 2;
        assert_eq!(
            open(&key, &aad(), &sealed).unwrap_err(),
            CryptoError::UnsupportedFormat(2)
        );
    }

    #[test]
    fn wrong_key_fails() {
        let sealed = seal(&SecretKey::make_random(), &aad(), b"hello");
        assert_eq!(
            open(&SecretKey::make_random(), &aad(), &sealed).unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn value_cannot_move_to_another_record_kind_class_or_epoch() {
        let key = SecretKey::make_random();
        let sealed = seal(&key, &aad(), b"hello");
        let mut other_id = ID;
        other_id[15] ^= 1;
        let wrong = [
            record_aad(RecordKind::Client, &other_id, SensitivityClass::Outreach, 1),
            record_aad(RecordKind::Contact, &ID, SensitivityClass::Outreach, 1),
            record_aad(RecordKind::Client, &ID, SensitivityClass::CaseNotes, 1),
            record_aad(RecordKind::Client, &ID, SensitivityClass::Outreach, 2),
            Vec::new(),
        ];
        for w in wrong {
            assert_eq!(
                open(&key, &w, &sealed).unwrap_err(),
                CryptoError::Authentication
            );
        }
    }

    #[test]
    fn record_aad_is_distinct_per_input() {
        let mut all = Vec::new();
        for kind in RecordKind::ALL {
            for class in SensitivityClass::ALL {
                for epoch in [0, 1, u32::MAX] {
                    for id in [[0u8; 16], [1u8; 16]] {
                        all.push(record_aad(kind, &id, class, epoch));
                    }
                }
            }
        }
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
    }
}
