//! Binary fields as standard base64 strings.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serializer};

/// Writes bytes as a standard base64 string (for `#[serde(with = "crate::bytes")]`).
pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

/// Reads a standard base64 string back into bytes; anything else is refused.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(d)?;
    STANDARD
        .decode(text)
        .map_err(|_| serde::de::Error::custom("invalid base64"))
}

/// The same for an optional binary field: absent, or base64.
pub mod option {
    use super::*;

    /// Writes a present value as base64 and an absent one as `null` (callers skip `None` fields).
    pub fn serialize<S: Serializer>(bytes: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match bytes {
            Some(b) => super::serialize(b, s),
            None => s.serialize_none(),
        }
    }

    /// A present value must be base64; `null` is refused like any other
    /// non-string (the field is optional through `#[serde(default)]`).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        super::deserialize(d).map(Some)
    }
}
