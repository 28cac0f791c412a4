//! Binding each PIN guess to the phone's hardware.
//!
//! Argon2id makes a guess slow, but a copy of the store plus one platform
//! unwrap would still let an examiner try PINs offline on as many cores as
//! they like. So the key that opens the vault also depends on an operation of
//! a key that never leaves the phone's secure hardware: every guess then
//! needs the phone itself, and the app's counter, back-off and erase apply.
//!
//! The PIN-derived key is hashed to a P-256 point (RFC 9380 hash-to-curve,
//! so nobody knows its discrete logarithm), and the platform applies its
//! non-exportable key to that point: an ECDH with a Secure Enclave key on
//! iOS, an HMAC-SHA256 over the encoded point with an AndroidKeyStore key on
//! Android. Either result is a deterministic function of the PIN that only
//! that key can compute. The point (not raw bytes) is what the Secure
//! Enclave needs: ECDH with a point derived from a *known* scalar could be
//! recomputed from the public key alone.

use hkdf::Hkdf;
use p256::elliptic_curve::hash2curve::{ExpandMsgXmd, GroupDigest};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::NistP256;
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{CryptoError, Domain, SecretKey};

/// Length of a challenge: an uncompressed SEC1 P-256 point.
pub const CHALLENGE_LEN: usize = 65;
/// The fewest bytes a platform's answer may have (a 256-bit MAC or shared secret).
pub const MIN_RESPONSE_LEN: usize = 32;

/// The point the platform's key is applied to, from the PIN-derived key and
/// the store's id (so two stores on one phone never share a challenge).
pub fn derive_challenge(pin_key: &SecretKey, store_id: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let point = NistP256::hash_from_bytes::<ExpandMsgXmd<Sha256>>(
        &[pin_key.expose(), store_id],
        &[Domain::PinBindingHashToCurve.bytes()],
    )
    .map_err(|_| CryptoError::InvalidKey)?;
    let encoded = point.to_affine().to_encoded_point(false);
    Ok(encoded.as_bytes().to_vec())
}

/// The key that unwraps the vault: both the PIN-derived key and the
/// platform's answer go in, so neither alone opens anything.
pub fn derive_unlock_key(
    pin_key: &SecretKey,
    platform_response: &[u8],
    store_id: &[u8],
) -> Result<SecretKey, CryptoError> {
    if platform_response.len() < MIN_RESPONSE_LEN {
        return Err(CryptoError::InvalidKey);
    }
    let ikm = Zeroizing::new([pin_key.expose().as_slice(), platform_response].concat());
    let mut out = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(store_id), &ikm)
        .expand(Domain::VaultUnlockKey.bytes(), out.as_mut())
        .map_err(|_| CryptoError::InvalidKey)?;
    SecretKey::from_bytes(out.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::sec1::FromEncodedPoint;
    use p256::{AffinePoint, EncodedPoint};

    #[test]
    fn challenges_are_points_on_the_curve_and_depend_on_pin_and_store() {
        let pin = SecretKey::from_bytes(&[1u8; 32]).unwrap();
        let other_pin = SecretKey::from_bytes(&[2u8; 32]).unwrap();
        let a = derive_challenge(&pin, b"store-a").unwrap();
        assert_eq!(a.len(), CHALLENGE_LEN);
        assert_eq!(a[0], 0x04, "uncompressed SEC1");
        let decoded = EncodedPoint::from_bytes(&a).unwrap();
        assert!(bool::from(
            AffinePoint::from_encoded_point(&decoded).is_some()
        ));
        assert_eq!(a, derive_challenge(&pin, b"store-a").unwrap());
        assert_ne!(a, derive_challenge(&pin, b"store-b").unwrap());
        assert_ne!(a, derive_challenge(&other_pin, b"store-a").unwrap());
    }

    #[test]
    fn the_unlock_key_needs_both_halves() {
        let pin = SecretKey::from_bytes(&[1u8; 32]).unwrap();
        let key = derive_unlock_key(&pin, &[9u8; 32], b"s").unwrap();
        assert_eq!(key, derive_unlock_key(&pin, &[9u8; 32], b"s").unwrap());
        assert_ne!(key, derive_unlock_key(&pin, &[8u8; 32], b"s").unwrap());
        let other_pin = SecretKey::from_bytes(&[2u8; 32]).unwrap();
        assert_ne!(
            key,
            derive_unlock_key(&other_pin, &[9u8; 32], b"s").unwrap()
        );
        assert_ne!(key, pin);
        assert!(derive_unlock_key(&pin, &[9u8; 16], b"s").is_err());
    }
}
