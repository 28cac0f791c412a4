//! Unambiguous encodings of several fields into one byte string, so that no
//! two different tuples can ever produce the same bytes (("ab","c") vs ("a","bc")).
//! Every variable-length field gets a 4-byte big-endian length prefix.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Appends `bytes` with its length prefix.
pub(crate) fn put_field(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&field_len(bytes).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// Feeds `bytes` with its length prefix into a MAC, without building a
/// buffer that would hold plaintext.
pub(crate) fn mac_field(mac: &mut HmacSha256, bytes: &[u8]) {
    mac.update(&field_len(bytes).to_be_bytes());
    mac.update(bytes);
}

fn field_len(bytes: &[u8]) -> u32 {
    // Fields here are labels, names and entries far below 4 GiB; a longer one
    // would be a programming error, and truncating the length would be ambiguous.
    u32::try_from(bytes.len()).expect("encoded field longer than 4 GiB")
}

/// A keyed HMAC-SHA256 instance. HMAC accepts any key length, so this cannot fail.
pub(crate) fn hmac_sha256(key: &[u8; 32]) -> HmacSha256 {
    <HmacSha256 as Mac>::new_from_slice(key).expect("HMAC accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_point_changes_encoding() {
        let mut a = Vec::new();
        put_field(&mut a, b"ab");
        put_field(&mut a, b"c");
        let mut b = Vec::new();
        put_field(&mut b, b"a");
        put_field(&mut b, b"bc");
        assert_ne!(a, b);
    }
}
