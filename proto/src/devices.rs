//! Devices and key epochs (supervisors).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One device of the team, as `GET /v1/devices` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    pub device_id: Uuid,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `active` or `revoked`.
    pub status: String,
    #[serde(
        default,
        with = "crate::bytes::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_key: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A team key of one class and epoch, wrapped to one device's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEnvelope {
    pub device_id: Uuid,
    pub key_class: String,
    pub epoch: u32,
    #[serde(with = "crate::bytes")]
    pub wrapped: Vec<u8>,
}

/// `POST /v1/keys` (supervisors): a new key epoch for the remaining devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutKeysRequest {
    pub epoch: u32,
    pub envelopes: Vec<KeyEnvelope>,
}

/// `GET /v1/keys`: the envelopes addressed to the calling device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysResponse {
    pub key_epoch: u32,
    pub envelopes: Vec<KeyEnvelope>,
}
