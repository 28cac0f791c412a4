//! The sync wire types shared by Fieldbook's core and hub.
//!
//! The hub relays sealed record versions it cannot read: besides the sealed
//! body, a version carries only the routing metadata sync needs.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Bumped on any incompatible change to the types below.
pub const PROTOCOL_VERSION: u32 = 1;

/// One sealed record version as it travels between a device and the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedVersion {
    pub version_id: Uuid,
    pub record_id: Uuid,
    /// `client`, `contact`, `case_note`, `referral` or `meeting`: the hub
    /// checks it against the role of the device that pushes it.
    pub kind: String,
    /// The team key class and epoch that sealed the body.
    pub key_class: String,
    pub key_epoch: u32,
    /// AES-256-GCM sealed body (version byte, nonce, ciphertext and tag).
    #[serde(with = "bytes_as_hex")]
    pub body: Vec<u8>,
}

mod bytes_as_hex {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        let mut out = String::with_capacity(bytes.len() * 2);
        for b in bytes {
            out.push_str(&format!("{b:02x}"));
        }
        s.serialize_str(&out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        if text.len() % 2 != 0 {
            return Err(serde::de::Error::custom("odd number of hex digits"));
        }
        (0..text.len())
            .step_by(2)
            .map(|i| {
                u8::from_str_radix(&text[i..i + 2], 16)
                    .map_err(|_| serde::de::Error::custom("invalid hex digit"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_version_round_trips_and_rejects_bad_hex() {
        let v = SealedVersion {
            version_id: Uuid::now_v7(),
            record_id: Uuid::now_v7(),
            kind: "client".into(),
            key_class: "outreach".into(),
            key_epoch: 1,
            body: vec![1, 0, 255, 16],
        };
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"0100ff10\""));
        assert_eq!(serde_json::from_str::<SealedVersion>(&json).unwrap(), v);
        let bad = json.replace("0100ff10", "0100fz10");
        assert!(serde_json::from_str::<SealedVersion>(&bad).is_err());
    }
}
