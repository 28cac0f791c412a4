//! One sealed record version as it travels between a device and the hub.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocab::{RecordKind, SensitivityClass};

/// A record version sealed on a device: the hub sees only these routing fields, never the contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedVersion {
    /// Unique per version; pushing the same id again stores nothing.
    pub version_id: Uuid,
    /// The record it is a version of; every edit of a record is a new version.
    pub record_id: Uuid,
    /// The hub checks it against the role of the device that pushes it.
    pub kind: RecordKind,
    /// The team key class and epoch that sealed the body.
    pub key_class: SensitivityClass,
    /// The epoch of the key class that sealed it.
    pub key_epoch: u32,
    /// AES-256-GCM sealed body (version byte, nonce, ciphertext and tag).
    #[serde(with = "crate::bytes")]
    pub body: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_version_round_trips_and_rejects_bad_base64() {
        let v = SealedVersion {
            version_id: Uuid::now_v7(),
            record_id: Uuid::now_v7(),
            kind: RecordKind::Client,
            key_class: SensitivityClass::Outreach,
            key_epoch: 1,
            body: vec![1, 0, 255, 16],
        };
        let json = serde_json::to_string(&v).unwrap();
        assert!(json.contains("\"AQD/EA==\""));
        assert_eq!(serde_json::from_str::<SealedVersion>(&json).unwrap(), v);
        let bad = json.replace("AQD/EA==", "AQD/E!==");
        assert!(serde_json::from_str::<SealedVersion>(&bad).is_err());
        let extra = json.replace("\"kind\"", "\"plaintext\":\"x\",\"kind\"");
        assert!(serde_json::from_str::<SealedVersion>(&extra).is_err());
        let uic = json.replace("\"outreach\"", "\"uic\"");
        assert!(serde_json::from_str::<SealedVersion>(&uic).is_err());
    }
}
