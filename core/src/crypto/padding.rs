//! Padding what the hub sees to size buckets, so it cannot tell records
//! apart by the length of their sealed bodies.
//!
//! Buckets follow Padmé (Nikitin et al., "Reducing Metadata Leakage from
//! Encrypted Files and Communication with PURBs", 2019): a length L is
//! rounded up so that only its top O(log log L) bits remain, which costs at
//! most about 12 % and leaves O(log log L) bits of the length for an
//! observer. Below [`MIN_PADDED`] bytes everything is one bucket.

/// The smallest padded length: short records all look alike.
pub const MIN_PADDED: usize = 512;

/// The Padmé bucket of a plaintext of `len` bytes.
pub fn padded_len(len: usize) -> usize {
    let len = len.max(MIN_PADDED);
    let exponent = usize::BITS - 1 - len.leading_zeros(); // floor(log2 len)
    let size_bits = u32::BITS - exponent.leading_zeros(); // floor(log2 exponent) + 1
    let last_bits = exponent - size_bits;
    let mask = (1usize << last_bits) - 1;
    (len + mask) & !mask
}

/// Pads a JSON document with trailing spaces up to its bucket. JSON ignores
/// trailing whitespace, so every reader, old or new, parses it unchanged.
pub fn pad_json(json: &mut Vec<u8>) {
    let target = padded_len(json.len());
    json.resize(target, b' ');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_length_with_little_overhead() {
        let mut buckets = std::collections::BTreeSet::new();
        for len in 0..100_000usize {
            let padded = padded_len(len);
            assert!(padded >= len.max(MIN_PADDED));
            assert!(
                padded as f64 <= (len.max(MIN_PADDED) as f64) * 1.13,
                "{len} -> {padded}"
            );
            assert_eq!(padded_len(padded), padded, "a bucket is its own bucket");
            buckets.insert(padded);
        }
        // 100,000 lengths fall into a few hundred buckets.
        assert!(buckets.len() < 300, "{}", buckets.len());
        assert_eq!(padded_len(0), MIN_PADDED);
        assert_eq!(padded_len(MIN_PADDED), MIN_PADDED);
        assert_eq!(padded_len(1_700), 1_728);
    }

    #[test]
    fn padded_json_reads_the_same() {
        let value = serde_json::json!({"alias": "Hoa", "n": [1, 2]});
        let mut bytes = serde_json::to_vec(&value).unwrap();
        pad_json(&mut bytes);
        assert_eq!(bytes.len(), MIN_PADDED);
        let back: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back, value);
    }
}
