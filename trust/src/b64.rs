//! Fixed-size byte arrays as standard base64 strings.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Deserializer, Serializer};

pub fn serialize<S: Serializer, const N: usize>(bytes: &[u8; N], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&STANDARD.encode(bytes))
}

pub fn deserialize<'de, D: Deserializer<'de>, const N: usize>(d: D) -> Result<[u8; N], D::Error> {
    let text = String::deserialize(d)?;
    let bytes = STANDARD
        .decode(text)
        .map_err(|_| serde::de::Error::custom("invalid base64"))?;
    bytes
        .try_into()
        .map_err(|_| serde::de::Error::custom(format!("expected {N} bytes")))
}
