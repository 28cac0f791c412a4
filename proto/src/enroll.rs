//! Enrollment of a device with a one-time code, and invites.
//!
//! An enrollment code holds an invite id (which the hub sees) and a secret
//! (which it never sees). The hub checks a verifier derived from the secret;
//! the team keys travel in a bundle sealed under another key derived from it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `POST /v1/enroll`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub invite_id: Uuid,
    /// Derived from the code's secret; the hub compares its SHA-256.
    #[serde(with = "crate::bytes")]
    pub verifier: Vec<u8>,
    /// The device's X25519 public key: later key epochs are wrapped to it.
    #[serde(with = "crate::bytes")]
    pub public_key: Vec<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub team_id: Uuid,
    pub team_name: String,
    pub device_id: Uuid,
    pub role: String,
    /// The device's bearer token (256 random bits, base64). Stored hashed on the hub.
    pub token: String,
    /// The team keys sealed under the code's secret; absent for the code
    /// that enrolls a team's first supervisor, who makes the team keys.
    #[serde(
        default,
        with = "crate::bytes::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub key_bundle: Option<Vec<u8>>,
    pub key_epoch: u32,
}

/// `POST /v1/invites` (supervisors): registers a code a supervisor's device made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    pub invite_id: Uuid,
    pub role: String,
    /// SHA-256 of the verifier the enrolling device will present.
    #[serde(with = "crate::bytes")]
    pub verifier_hash: Vec<u8>,
    #[serde(with = "crate::bytes")]
    pub key_bundle: Vec<u8>,
    pub expires_at: DateTime<Utc>,
}
