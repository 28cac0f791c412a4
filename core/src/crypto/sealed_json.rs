//! Values sealed as JSON: the one way the core seals a structured value
//! (records and their versions, the hub link, the roster, key bundles and
//! the other sealed meta values).
//!
//! The sealed shape is [`seal`]'s format 1 (version byte, nonce, ciphertext
//! and tag, the version byte authenticated), holding the value's JSON. This
//! is the shape every store, backup and hub already holds, so values sealed
//! before these helpers existed open unchanged. Failures are typed: the
//! value would not encode ([`CryptoError::Encoding`]), the sealed bytes do
//! not open ([`CryptoError::Authentication`] and friends), or they open to
//! something that is not the expected value ([`CryptoError::Malformed`]).

use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use super::padding::pad_json;
use super::seal::{open, seal};
use super::{CryptoError, SecretKey};

/// Whether the JSON is padded to a size bucket before sealing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Padding {
    /// Stays on the device: its size tells nobody anything.
    None,
    /// Travels through the hub: its size tells it only a bucket.
    Bucket,
}

/// The value's JSON, in a buffer zeroized when dropped.
pub fn encode_json<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    serde_json::to_vec(value)
        .map(Zeroizing::new)
        .map_err(|e| CryptoError::Encoding(e.to_string()))
}

/// Seals `value` as JSON under `key`, bound to `aad`.
pub fn seal_json<T: Serialize>(
    key: &SecretKey,
    aad: &[u8],
    value: &T,
    padding: Padding,
) -> Result<Vec<u8>, CryptoError> {
    let mut plain = encode_json(value)?;
    if padding == Padding::Bucket {
        pad_json(&mut plain);
    }
    Ok(seal(key, aad, &plain))
}

/// Opens a value made by [`seal_json`] (padded or not).
pub fn open_json<T: DeserializeOwned>(
    key: &SecretKey,
    aad: &[u8],
    sealed: &[u8],
) -> Result<T, CryptoError> {
    let plain = open(key, aad, sealed)?;
    decode_json(&plain)
}

/// Reads a value from JSON that was opened (or unwrapped) already.
pub fn decode_json<T: DeserializeOwned>(plain: &[u8]) -> Result<T, CryptoError> {
    serde_json::from_slice(plain).map_err(|_| CryptoError::Malformed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Note {
        alias: String,
        visits: u32,
    }

    fn note() -> Note {
        Note {
            alias: "Hoa".into(),
            visits: 3,
        }
    }

    #[test]
    fn round_trips_padded_or_not() {
        let key = SecretKey::make_random();
        for padding in [Padding::None, Padding::Bucket] {
            let sealed = seal_json(&key, b"aad", &note(), padding).unwrap();
            assert_eq!(open_json::<Note>(&key, b"aad", &sealed).unwrap(), note());
        }
        let padded = seal_json(&key, b"aad", &note(), Padding::Bucket).unwrap();
        let bare = seal_json(&key, b"aad", &note(), Padding::None).unwrap();
        assert!(padded.len() > bare.len());
    }

    /// A value sealed the way the store sealed JSON before these helpers
    /// (the plain `seal` of its bytes) opens through them.
    #[test]
    fn opens_values_sealed_before() {
        let key = SecretKey::make_random();
        let old = seal(&key, b"aad", br#"{"alias":"Hoa","visits":3}"#);
        assert_eq!(open_json::<Note>(&key, b"aad", &old).unwrap(), note());
    }

    #[test]
    fn failures_are_typed() {
        let key = SecretKey::make_random();
        let sealed = seal_json(&key, b"aad", &note(), Padding::None).unwrap();
        assert_eq!(
            open_json::<Note>(&key, b"other", &sealed).unwrap_err(),
            CryptoError::Authentication
        );
        let not_a_note = seal(&key, b"aad", b"[1, 2]");
        assert_eq!(
            open_json::<Note>(&key, b"aad", &not_a_note).unwrap_err(),
            CryptoError::Malformed
        );
        // JSON object keys must be strings: a map keyed by tuples does not encode.
        let map: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert!(matches!(
            seal_json(&key, b"aad", &map, Padding::None),
            Err(CryptoError::Encoding(_))
        ));
    }
}
