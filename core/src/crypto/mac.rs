//! The keyed hash chain of the local audit trail. Each link is
//! HMAC-SHA256(key, domain ‖ previous link ‖ entry), so an entry cannot be
//! altered, removed or reordered without breaking every later link, and
//! without the key nobody (e.g. someone who rewrote the database) can forge
//! a consistent chain.

use hmac::Mac;
use subtle::ConstantTimeEq;

use super::{hmac_sha256, mac_field, Domain, SecretKey};

/// The `prev` value of the first entry of a chain.
pub const AUDIT_GENESIS: [u8; 32] = [0u8; 32];

/// Computes and checks audit chain links. Pass the team or vault key's
/// [`KeyPurpose::AuditMac`](super::KeyPurpose::AuditMac) subkey.
pub struct AuditMac {
    key: SecretKey,
}

impl AuditMac {
    /// Takes the team or vault key's audit subkey.
    pub fn new(key: SecretKey) -> Self {
        AuditMac { key }
    }

    /// The link for `entry_bytes` following the link `prev`.
    pub fn chain(&self, prev: &[u8; 32], entry_bytes: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256(self.key.expose());
        mac_field(&mut mac, Domain::AuditChain.bytes());
        mac.update(prev);
        mac_field(&mut mac, entry_bytes);
        mac.finalize().into_bytes().into()
    }

    /// Whether `link` is the link for `entry_bytes` after `prev`, compared in
    /// constant time.
    #[must_use]
    pub fn verify(&self, prev: &[u8; 32], entry_bytes: &[u8], link: &[u8; 32]) -> bool {
        let expected = self.chain(prev, entry_bytes);
        expected.ct_eq(link).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(mac: &AuditMac, entries: &[&[u8]]) -> Vec<[u8; 32]> {
        let mut prev = AUDIT_GENESIS;
        entries
            .iter()
            .map(|e| {
                prev = mac.chain(&prev, e);
                prev
            })
            .collect()
    }

    #[test]
    fn chain_verifies_and_detects_tampering() {
        let mac = AuditMac::new(SecretKey::make_random());
        let entries: [&[u8]; 3] = [b"login", b"create client", b"export report"];
        let links = build(&mac, &entries);
        let mut prev = AUDIT_GENESIS;
        for (e, l) in entries.iter().zip(&links) {
            assert!(mac.verify(&prev, e, l));
            prev = *l;
        }
        // Altered entry, reordered entries, skipped entry, altered link.
        assert!(!mac.verify(&AUDIT_GENESIS, b"logout", &links[0]));
        assert!(!mac.verify(&AUDIT_GENESIS, entries[1], &links[1]));
        assert!(!mac.verify(&links[0], entries[2], &links[2]));
        let mut bad = links[0];
        bad[31] ^= 1;
        assert!(!mac.verify(&AUDIT_GENESIS, entries[0], &bad));
    }

    #[test]
    fn other_key_gives_other_chain() {
        let a = AuditMac::new(SecretKey::make_random());
        let b = AuditMac::new(SecretKey::make_random());
        let la = a.chain(&AUDIT_GENESIS, b"x");
        assert_ne!(la, b.chain(&AUDIT_GENESIS, b"x"));
        assert!(!b.verify(&AUDIT_GENESIS, b"x", &la));
    }
}
