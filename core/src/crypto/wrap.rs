//! Wrapping one key under another (team keys under the vault key, the vault
//! key under the PIN key), as a sealed value of the key bytes.
//!
//! The caller's `aad` names what the wrapped key is (e.g. team, class, epoch);
//! a fixed domain label is prepended so a wrapped key can never be opened as
//! a record, nor a record as a key, even under the same key.

use super::seal::{open, seal};
use super::{put_field, CryptoError, Domain, SecretKey};

/// Seals `key` under `kek`, bound to `aad`.
pub fn wrap_key(kek: &SecretKey, key: &SecretKey, aad: &[u8]) -> Vec<u8> {
    seal(kek, &wrap_aad(aad), key.expose())
}

/// Opens a key made by [`wrap_key`]. A wrong `kek` or `aad` gives
/// [`CryptoError::Authentication`].
pub fn unwrap_key(kek: &SecretKey, wrapped: &[u8], aad: &[u8]) -> Result<SecretKey, CryptoError> {
    let bytes = open(kek, &wrap_aad(aad), wrapped)?;
    SecretKey::from_bytes(&bytes)
}

fn wrap_aad(aad: &[u8]) -> Vec<u8> {
    let mut full = Vec::with_capacity(4 + Domain::WrappedKey.bytes().len() + 4 + aad.len());
    put_field(&mut full, Domain::WrappedKey.bytes());
    put_field(&mut full, aad);
    full
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let kek = SecretKey::make_random();
        let key = SecretKey::make_random();
        let wrapped = wrap_key(&kek, &key, b"team-1/outreach/epoch-1");
        assert_eq!(
            unwrap_key(&kek, &wrapped, b"team-1/outreach/epoch-1").unwrap(),
            key
        );
    }

    #[test]
    fn wrong_kek_or_aad_fails() {
        let kek = SecretKey::make_random();
        let key = SecretKey::make_random();
        let wrapped = wrap_key(&kek, &key, b"a");
        assert_eq!(
            unwrap_key(&SecretKey::make_random(), &wrapped, b"a").unwrap_err(),
            CryptoError::Authentication
        );
        assert_eq!(
            unwrap_key(&kek, &wrapped, b"b").unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn plain_seal_is_not_a_wrapped_key() {
        let kek = SecretKey::make_random();
        let sealed = seal(&kek, b"a", &[9u8; 32]);
        assert_eq!(
            unwrap_key(&kek, &sealed, b"a").unwrap_err(),
            CryptoError::Authentication
        );
    }

    #[test]
    fn every_byte_flip_fails() {
        let kek = SecretKey::make_random();
        let wrapped = wrap_key(&kek, &SecretKey::make_random(), b"a");
        for pos in 0..wrapped.len() {
            let mut bad = wrapped.clone();
            bad[pos] ^= 0x01;
            assert!(matches!(
                unwrap_key(&kek, &bad, b"a"),
                Err(CryptoError::Authentication | CryptoError::UnsupportedFormat(_))
            ));
        }
    }
}
