//! The sealed body of a record's version, state or view, in record format 3,
//! and the one place that tells it from format 2.
//!
//! A format-3 plaintext is a frame:
//! ```text
//! [kind: 1 byte][payload length: u32 LE][payload]            kind 1: as encoded
//! [kind: 1 byte][payload length: u32 LE][decoded length: u32 LE][zstd payload]   kind 2
//! then zero bytes up to the size bucket, when padded
//! ```
//! Compression comes before padding, so the hub learns only the bucket of
//! the compressed size, as it learnt the bucket of the JSON before; and
//! before sealing, where it can still find repetition (ciphertext has none).
//! A format-2 plaintext is JSON, which begins with `{`: no frame kind is
//! that byte, so both open through [`open_body`] and stores and hub logs
//! written before keep opening.

use std::cell::RefCell;

use zeroize::Zeroizing;

use super::padding::padded_len;
use super::seal::{open, seal};
use super::sealed_json::Padding;
use super::{CryptoError, SecretKey};

const FRAME_AS_ENCODED: u8 = 1;
const FRAME_ZSTD: u8 = 2;
const JSON_START: u8 = b'{';

/// No record decodes to more than this: a corrupted or hostile length
/// cannot make a device allocate more.
pub const MAX_DECODED_LEN: usize = 16 * 1024 * 1024;

/// Below this an encoding is not worth compressing: zstd's frame costs more
/// than it could save.
const COMPRESS_FROM: usize = 96;

/// zstd's level 3, its default: most of the gain of the higher levels at a
/// fraction of their time, on a phone.
const ZSTD_LEVEL: i32 = 3;

/// A body opened: the format it was sealed in, and its plaintext.
#[derive(Debug)]
pub enum OpenedBody {
    /// Record format 2: JSON (possibly padded with trailing spaces).
    Json(Zeroizing<Vec<u8>>),
    /// Record format 3: the compact encoding, decompressed.
    Compact(Zeroizing<Vec<u8>>),
}

/// Seals a compact encoding under `key`, bound to `aad`: compressed where
/// that pays, then padded to its bucket when the body travels.
pub fn seal_body(
    key: &SecretKey,
    aad: &[u8],
    encoded: &[u8],
    padding: Padding,
) -> Result<Vec<u8>, CryptoError> {
    if encoded.len() > MAX_DECODED_LEN {
        return Err(CryptoError::Encoding("a record over 16 MiB".into()));
    }
    let compressed = if encoded.len() >= COMPRESS_FROM {
        compress(encoded)
            .map(Zeroizing::new)
            .filter(|c| c.len() + 4 < encoded.len())
    } else {
        None
    };
    let mut frame = Zeroizing::new(Vec::with_capacity(encoded.len() + 16));
    match &compressed {
        Some(compressed) => {
            frame.push(FRAME_ZSTD);
            frame.extend_from_slice(&(compressed.len() as u32).to_le_bytes());
            frame.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
            frame.extend_from_slice(compressed);
        }
        None => {
            frame.push(FRAME_AS_ENCODED);
            frame.extend_from_slice(&(encoded.len() as u32).to_le_bytes());
            frame.extend_from_slice(encoded);
        }
    }
    if padding == Padding::Bucket {
        let target = padded_len(frame.len());
        frame.resize(target, 0);
    }
    Ok(seal(key, aad, &frame))
}

/// Opens a body sealed in format 2 (JSON) or 3 (a frame). A frame that
/// does not hold together (a length past its end, a zstd stream that does
/// not decode to its stated length) is [`CryptoError::Malformed`], never a
/// panic or a partial value.
pub fn open_body(key: &SecretKey, aad: &[u8], sealed: &[u8]) -> Result<OpenedBody, CryptoError> {
    let plain = open(key, aad, sealed)?;
    match plain.first() {
        Some(&JSON_START) => Ok(OpenedBody::Json(plain)),
        Some(&FRAME_AS_ENCODED) => {
            let (len, rest) = read_len(&plain[1..])?;
            let payload = rest.get(..len).ok_or(CryptoError::Malformed)?;
            Ok(OpenedBody::Compact(Zeroizing::new(payload.to_vec())))
        }
        Some(&FRAME_ZSTD) => {
            let (len, rest) = read_len(&plain[1..])?;
            let (decoded_len, rest) = read_len(rest)?;
            let payload = rest.get(..len).ok_or(CryptoError::Malformed)?;
            if decoded_len > MAX_DECODED_LEN {
                return Err(CryptoError::Malformed);
            }
            let decoded = decompress(payload, decoded_len)
                .map(Zeroizing::new)
                .ok_or(CryptoError::Malformed)?;
            if decoded.len() != decoded_len {
                return Err(CryptoError::Malformed);
            }
            Ok(OpenedBody::Compact(decoded))
        }
        _ => Err(CryptoError::Malformed),
    }
}

// One zstd context of each direction per thread, made at its first use:
// making one per body (about 100 KiB of tables to allocate and set up) was
// most of the cost of sealing or opening a small record, and a listing opens
// thousands on each core. A kept context holds the last body it worked on
// until the next overwrites it, where a freed one left it in freed memory
// (see the module's known limitations in crypto/mod.rs).
thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// `encoded` compressed at [`ZSTD_LEVEL`], or `None` when zstd fails (the
/// body is then sealed as encoded).
fn compress(encoded: &[u8]) -> Option<Vec<u8>> {
    COMPRESSOR.with(|cell| {
        let mut cell = cell.try_borrow_mut().ok()?;
        if cell.is_none() {
            *cell = Some(zstd::bulk::Compressor::new(ZSTD_LEVEL).ok()?);
        }
        cell.as_mut()?.compress(encoded).ok()
    })
}

/// `stream` decoded, at most `capacity` bytes; `None` when it does not decode.
fn decompress(stream: &[u8], capacity: usize) -> Option<Vec<u8>> {
    DECOMPRESSOR.with(|cell| match cell.try_borrow_mut() {
        Ok(mut cell) => {
            if cell.is_none() {
                *cell = Some(zstd::bulk::Decompressor::new().ok()?);
            }
            cell.as_mut()?.decompress(stream, capacity).ok()
        }
        // Never expected (nothing here re-enters), but a body must not read
        // as corrupted for it: decode with a context of its own.
        Err(_) => zstd::bulk::decompress(stream, capacity).ok(),
    })
}

/// Frames written by hand, with whatever lengths they state, for tests
/// that plant bodies a correct writer never makes.
#[cfg(test)]
pub(crate) mod test_frames {
    use super::{FRAME_AS_ENCODED, FRAME_ZSTD};

    /// A frame of kind 1 stating `len` bytes of payload, followed by `payload`.
    pub fn as_encoded(len: u32, payload: &[u8]) -> Vec<u8> {
        [&[FRAME_AS_ENCODED][..], &len.to_le_bytes(), payload].concat()
    }

    /// A frame of kind 2 holding `stream`, stating it decodes to `decoded_len` bytes.
    pub fn zstd(stream: &[u8], decoded_len: u32) -> Vec<u8> {
        [
            &[FRAME_ZSTD][..],
            &(stream.len() as u32).to_le_bytes(),
            &decoded_len.to_le_bytes(),
            stream,
        ]
        .concat()
    }
}

fn read_len(bytes: &[u8]) -> Result<(usize, &[u8]), CryptoError> {
    let (len, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or(CryptoError::Malformed)?;
    Ok((u32::from_le_bytes(*len) as usize, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::padding::MIN_PADDED;
    use crate::crypto::seal::SEAL_OVERHEAD;

    fn compact(plain: &OpenedBody) -> &[u8] {
        match plain {
            OpenedBody::Compact(bytes) => bytes,
            OpenedBody::Json(_) => panic!("expected format 3"),
        }
    }

    #[test]
    fn round_trips_small_and_large_padded_or_not() {
        let key = SecretKey::make_random();
        let small = b"\x01\x02short".to_vec();
        let large: Vec<u8> = b"Nguyen Thi Hoa, long_bien, methadone; "
            .iter()
            .cycle()
            .take(4_000)
            .copied()
            .collect();
        for encoded in [small, large.clone()] {
            for padding in [Padding::None, Padding::Bucket] {
                let sealed = seal_body(&key, b"aad", &encoded, padding).unwrap();
                let opened = open_body(&key, b"aad", &sealed).unwrap();
                assert_eq!(compact(&opened), encoded.as_slice());
            }
        }
        // Repetitive records shrink before sealing; padding comes after.
        let sealed = seal_body(&key, b"aad", &large, Padding::None).unwrap();
        assert!(sealed.len() < 500, "{}", sealed.len());
        let padded = seal_body(&key, b"aad", &large, Padding::Bucket).unwrap();
        assert_eq!(padded.len(), MIN_PADDED + SEAL_OVERHEAD);
    }

    #[test]
    fn format_2_json_still_opens() {
        let key = SecretKey::make_random();
        let sealed = seal(&key, b"aad", br#"{"alias":"Hoa"}   "#);
        assert!(matches!(
            open_body(&key, b"aad", &sealed).unwrap(),
            OpenedBody::Json(_)
        ));
    }

    #[test]
    fn frames_that_do_not_hold_together_are_malformed() {
        let key = SecretKey::make_random();
        let cases: Vec<Vec<u8>> = vec![
            vec![],
            vec![9, 0, 0, 0, 0],
            vec![FRAME_AS_ENCODED, 10, 0, 0, 0, 1, 2],
            vec![FRAME_AS_ENCODED, 1, 0],
            vec![FRAME_ZSTD, 3, 0, 0, 0, 5, 0, 0, 0, 1, 2, 3],
            // A stated length past the limit: refused before any allocation.
            [
                vec![FRAME_ZSTD, 3, 0, 0, 0],
                u32::MAX.to_le_bytes().to_vec(),
                vec![1, 2, 3],
            ]
            .concat(),
        ];
        for plain in cases {
            let sealed = seal(&key, b"aad", &plain);
            assert_eq!(
                open_body(&key, b"aad", &sealed).unwrap_err(),
                CryptoError::Malformed,
                "{plain:?}"
            );
        }
        // A zstd stream that decodes to another length than it states.
        let encoded = vec![7u8; 1_000];
        let stream = zstd::bulk::compress(&encoded, 3).unwrap();
        let sealed = seal(&key, b"aad", &test_frames::zstd(&stream, 999));
        assert_eq!(
            open_body(&key, b"aad", &sealed).unwrap_err(),
            CryptoError::Malformed
        );
    }
}
