//! Devices and key epochs (supervisors).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocab::{DeviceStatus, Role, SensitivityClass};

/// One device of the team, as `GET /v1/devices` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device's id in the team.
    pub device_id: Uuid,
    /// What the device may hold and write.
    pub role: Role,
    /// A name for the device, given when it enrolled, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether it may still sync.
    pub status: DeviceStatus,
    /// Its X25519 public key, which key envelopes are wrapped to; absent only for a team's first supervisor until it sets one.
    #[serde(
        default,
        with = "crate::bytes::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub public_key: Option<Vec<u8>>,
    /// When it enrolled.
    pub created_at: DateTime<Utc>,
    /// When the hub last heard from it; absent if it never called after enrolling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A team key of one class and epoch, wrapped to one device's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyEnvelope {
    /// The device the key is wrapped to.
    pub device_id: Uuid,
    /// Only sealing keys travel in envelopes; the client-code secret never rotates.
    pub key_class: SensitivityClass,
    /// The key epoch this key belongs to; each rotation starts a new one.
    pub epoch: u32,
    /// The key, sealed to the recipient's X25519 public key.
    #[serde(with = "crate::bytes")]
    pub wrapped: Vec<u8>,
    /// The supervisor device that signed the envelope, and its signature
    /// over the team, recipient, class, epoch and wrapped key: a device
    /// accepts no key without them.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub signer: Option<Uuid>,
    /// The signer's signature (see `signer`).
    #[serde(
        default,
        with = "crate::bytes::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub signature: Option<Vec<u8>>,
}

/// `POST /v1/keys` (supervisors): envelopes of one key epoch, with the
/// roster link that makes the epoch when it is new (and without one when a
/// supervisor hands keys of an existing epoch to a device that lacks them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutKeysRequest {
    /// The key epoch every envelope belongs to.
    pub epoch: u32,
    /// The key of each class, wrapped to each device that may hold it.
    pub envelopes: Vec<KeyEnvelope>,
    /// The signed rotation that makes `epoch`, when it is new.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub link: Option<crate::roster::RosterLink>,
}

/// `POST /v1/devices/{id}/revoke` (supervisors): the signed revocation and,
/// in the same request, the key rotation that follows it, so a team is never
/// left with a revoked device holding the current keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// The revocation link, then the rotation link.
    pub links: Vec<crate::roster::RosterLink>,
    /// The new epoch's keys, wrapped to every remaining device that may hold them.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub keys: Option<PutKeysRequest>,
}

/// `GET /v1/keys`: the envelopes addressed to the calling device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeysResponse {
    /// The team's current key epoch, as the hub knows it.
    pub key_epoch: u32,
    /// Every envelope the hub holds for the calling device.
    pub envelopes: Vec<KeyEnvelope>,
}
