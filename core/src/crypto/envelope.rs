//! Sealing a value to a device's X25519 public key, so that only that device
//! can open it: how the team keys of a new epoch reach the devices that stay
//! after a revocation, through a hub that cannot read them.
//!
//! An envelope is `[ephemeral public key (32)][sealed value]`: ECDH between a
//! fresh ephemeral key and the recipient's key, HKDF-SHA256 over the shared
//! secret (salted with both public keys), then AES-256-GCM via [`fn@seal`].

use hkdf::Hkdf;
use rand::rngs::OsRng;
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, PublicKey, StaticSecret};
use zeroize::Zeroizing;

use super::{open, seal, CryptoError, Domain, SecretKey};

/// Length in bytes of an X25519 public key, and so of an envelope's first part.
pub const PUBLIC_KEY_LEN: usize = 32;

/// A device's long-lived X25519 key pair. The private half zeroizes on drop.
pub struct DeviceKeyPair {
    secret: StaticSecret,
}

impl DeviceKeyPair {
    /// A fresh key pair from the operating system's random source, for a device being set up.
    pub fn make_random() -> Self {
        DeviceKeyPair {
            secret: StaticSecret::random_from_rng(OsRng),
        }
    }

    /// The key pair whose private half was stored (see [`DeviceKeyPair::secret`]).
    pub fn from_secret(secret: &SecretKey) -> Self {
        DeviceKeyPair {
            secret: StaticSecret::from(*secret.expose()),
        }
    }

    /// The private half, to be stored sealed under the vault key.
    pub fn secret(&self) -> SecretKey {
        let bytes = Zeroizing::new(self.secret.to_bytes());
        SecretKey::from_bytes(bytes.as_slice()).expect("32 bytes")
    }

    /// The public half, which others seal envelopes to; safe to give the hub.
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_LEN] {
        PublicKey::from(&self.secret).to_bytes()
    }

    /// Opens an envelope sealed to this device with the same `aad`.
    pub fn open(&self, aad: &[u8], envelope: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if envelope.len() < PUBLIC_KEY_LEN {
            return Err(CryptoError::Truncated);
        }
        let (ephemeral, sealed) = envelope.split_at(PUBLIC_KEY_LEN);
        let ephemeral: [u8; PUBLIC_KEY_LEN] = ephemeral.try_into().expect("32 bytes");
        let shared = self.secret.diffie_hellman(&PublicKey::from(ephemeral));
        if !shared.was_contributory() {
            return Err(CryptoError::InvalidKey);
        }
        let key = envelope_key(shared.as_bytes(), &ephemeral, &self.public_key())?;
        open(&key, aad, sealed)
    }
}

impl DeviceKeyPair {
    /// A MAC key this device shares with the holder of `peer`'s private key
    /// (static X25519 on both sides, HKDF-SHA256 salted with both public keys
    /// in a fixed order): it lets one device tell that a message comes from
    /// another whose public key it trusts, without a signature key.
    pub fn pairwise_mac_key(&self, peer: &[u8]) -> Result<SecretKey, CryptoError> {
        let peer: [u8; PUBLIC_KEY_LEN] = peer.try_into().map_err(|_| CryptoError::InvalidKey)?;
        let shared = self.secret.diffie_hellman(&PublicKey::from(peer));
        if !shared.was_contributory() {
            return Err(CryptoError::InvalidKey);
        }
        let mine = self.public_key();
        let (low, high) = if mine <= peer {
            (mine, peer)
        } else {
            (peer, mine)
        };
        let salt = [low.as_slice(), high.as_slice()].concat();
        let hk = Hkdf::<Sha256>::new(Some(&salt), shared.as_bytes());
        let mut okm = Zeroizing::new([0u8; 32]);
        hk.expand(Domain::DevicePairwiseMac.bytes(), okm.as_mut())
            .map_err(|_| CryptoError::InvalidKey)?;
        SecretKey::from_bytes(okm.as_slice())
    }
}

fn envelope_key(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
) -> Result<SecretKey, CryptoError> {
    let salt = [ephemeral.as_slice(), recipient.as_slice()].concat();
    let hk = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut okm = Zeroizing::new([0u8; 32]);
    hk.expand(Domain::DeviceEnvelope.bytes(), okm.as_mut())
        .map_err(|_| CryptoError::InvalidKey)?;
    SecretKey::from_bytes(okm.as_slice())
}

/// Seals `plaintext` so that only the holder of `recipient`'s private key opens it.
pub fn seal_to_device(
    recipient: &[u8],
    aad: &[u8],
    plaintext: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    let recipient: [u8; PUBLIC_KEY_LEN] =
        recipient.try_into().map_err(|_| CryptoError::InvalidKey)?;
    let ephemeral = EphemeralSecret::random_from_rng(OsRng);
    let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
    let shared = ephemeral.diffie_hellman(&PublicKey::from(recipient));
    if !shared.was_contributory() {
        return Err(CryptoError::InvalidKey);
    }
    let key = envelope_key(shared.as_bytes(), &ephemeral_public, &recipient)?;
    let mut out = ephemeral_public.to_vec();
    out.extend_from_slice(&seal(&key, aad, plaintext));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_recipient_opens_an_envelope_with_the_same_aad() {
        let alice = DeviceKeyPair::make_random();
        let bob = DeviceKeyPair::make_random();
        let envelope = seal_to_device(&alice.public_key(), b"aad", b"team key").unwrap();
        assert_eq!(
            alice.open(b"aad", &envelope).unwrap().as_slice(),
            b"team key"
        );
        assert!(bob.open(b"aad", &envelope).is_err());
        assert!(alice.open(b"other", &envelope).is_err());
        let restored = DeviceKeyPair::from_secret(&alice.secret());
        assert_eq!(restored.public_key(), alice.public_key());
        assert_eq!(
            restored.open(b"aad", &envelope).unwrap().as_slice(),
            b"team key"
        );
    }

    #[test]
    fn two_devices_derive_the_same_pairwise_key_and_a_third_does_not() {
        let alice = DeviceKeyPair::make_random();
        let bob = DeviceKeyPair::make_random();
        let eve = DeviceKeyPair::make_random();
        let ab = alice.pairwise_mac_key(&bob.public_key()).unwrap();
        assert_eq!(ab, bob.pairwise_mac_key(&alice.public_key()).unwrap());
        assert_ne!(ab, eve.pairwise_mac_key(&bob.public_key()).unwrap());
        assert_ne!(ab, eve.pairwise_mac_key(&alice.public_key()).unwrap());
        assert!(alice.pairwise_mac_key(&[0u8; 32]).is_err());
    }

    #[test]
    fn a_damaged_envelope_or_a_degenerate_key_is_refused() {
        let alice = DeviceKeyPair::make_random();
        let envelope = seal_to_device(&alice.public_key(), b"", b"x").unwrap();
        for i in 0..envelope.len() {
            let mut bad = envelope.clone();
            bad[i] ^= 0x80;
            assert!(alice.open(b"", &bad).is_err(), "byte {i}");
        }
        assert!(alice.open(b"", &envelope[..20]).is_err());
        assert!(seal_to_device(&[0u8; 32], b"", b"x").is_err());
        assert!(seal_to_device(&[1u8; 5], b"", b"x").is_err());
    }
}
