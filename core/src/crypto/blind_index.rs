//! Blind index: keyed lookup terms for exact-match search (UIC, duplicate
//! clients by alias, phone) without storing plaintext columns.
//!
//! A term is HMAC-SHA256 under a team subkey over the field name and the
//! normalized value, each length-prefixed. Without the key, terms cannot be
//! recomputed from a list of likely values; the field name in the input
//! keeps equal values in different fields from matching.
//!
//! Normalization (see [`normalize`]): Unicode NFC, trim surrounding
//! whitespace, lowercase (Unicode full lowercase mapping), then NFC again.
//! So "  Hoa ", "HOA" and "hoa" match, and a precomposed "ễ" matches "e" +
//! combining marks; but "Hoa" and "Hòa" do not (diacritics are kept: they
//! distinguish names in Vietnamese), nor do "Thi  Hoa" and "Thi Hoa" (inner
//! whitespace is not collapsed). Changing this changes every stored term.

use hmac::Mac;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::{hmac_sha256, mac_field, Domain, KeyPurpose, SecretKey};

/// Computes lookup terms under one key. Pass the team key's
/// [`super::KeyPurpose::BlindIndex`] subkey.
pub struct BlindIndex {
    key: SecretKey,
}

impl BlindIndex {
    /// Takes the team key's blind-index subkey.
    pub fn new(key: SecretKey) -> Self {
        BlindIndex { key }
    }

    /// The lookup term of `value` in `field`.
    pub fn term(&self, field: &str, value: &str) -> [u8; 32] {
        let normalized = normalize(value);
        let mut mac = hmac_sha256(self.key.expose());
        mac_field(&mut mac, Domain::BlindIndex.bytes());
        mac_field(&mut mac, field.as_bytes());
        mac_field(&mut mac, normalized.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The key that seals which records share a term (the posting lists),
    /// so that a locked store does not show records grouped by client.
    pub fn postings_key(&self) -> SecretKey {
        self.key.derive_subkey(KeyPurpose::LookupPostings)
    }
}

/// The lookup normalization: NFC, trim, lowercase, NFC.
pub fn normalize(value: &str) -> Zeroizing<String> {
    let nfc = Zeroizing::new(value.nfc().collect::<String>());
    let lower = Zeroizing::new(nfc.trim().to_lowercase());
    Zeroizing::new(lower.nfc().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_matches_variants() {
        let idx = BlindIndex::new(SecretKey::make_random());
        let decomposed = "Nguye\u{0302}\u{0303}n"; // e + circumflex + tilde
        assert_eq!(idx.term("alias", "  Nguyễn "), idx.term("alias", "nguyễn"));
        assert_eq!(idx.term("alias", decomposed), idx.term("alias", "NGUYỄN"));
        assert_ne!(idx.term("alias", "Hoa"), idx.term("alias", "Hòa"));
    }

    #[test]
    fn terms_differ_across_fields_and_keys() {
        let a = BlindIndex::new(SecretKey::make_random());
        let b = BlindIndex::new(SecretKey::make_random());
        assert_ne!(a.term("alias", "hoa"), a.term("uic", "hoa"));
        assert_ne!(a.term("alias", "hoa"), b.term("alias", "hoa"));
        assert_ne!(a.term("alias", "hoa"), a.term("alias", "lan"));
        // Length prefixes: moving the boundary between field and value changes the term.
        assert_ne!(a.term("ab", "c"), a.term("a", "bc"));
        assert_eq!(a.term("alias", "hoa"), a.term("alias", "hoa"));
    }
}
