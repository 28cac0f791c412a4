//! Enrollment of a device with a one-time code, and invites.
//!
//! An enrollment code holds an invite id (which the hub sees), a secret
//! (which it never sees) and the team's fingerprint. The hub checks a
//! verifier derived from the secret; the team keys travel in a bundle sealed
//! under another key derived from it; and the new device signs its join to
//! the team's roster with a one-time key derived from it too, so the hub
//! cannot put keys of its own in the device's place.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocab::Role;

/// `POST /v1/enroll`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    /// The invite the code names (its public part).
    pub invite_id: Uuid,
    /// Derived from the code's secret; the hub compares its SHA-256.
    #[serde(with = "crate::bytes")]
    pub verifier: Vec<u8>,
    /// The device's X25519 public key: later key epochs are wrapped to it.
    #[serde(with = "crate::bytes")]
    pub public_key: Vec<u8>,
    /// A name for the device that supervisors see in the device list.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub label: Option<String>,
    /// The id the device chose for itself (random, so it carries no clock);
    /// the hub picks one for a device that does not say.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub device_id: Option<Uuid>,
    /// The device's join to the team's roster, signed with the invite's
    /// one-time key; absent only for a team's first supervisor and for codes
    /// made before the team signed its roster.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub join: Option<SignedJoin>,
}

/// A join statement and its signature; the hub places it at its roster's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedJoin {
    /// The signed join statement's exact bytes.
    #[serde(with = "crate::bytes")]
    pub statement: Vec<u8>,
    /// The statement's signature by the invite's one-time key.
    #[serde(with = "crate::bytes")]
    pub signature: Vec<u8>,
}

/// The answer to `POST /v1/enroll`: who the device now is in which team, and its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The team the device joined.
    pub team_id: Uuid,
    /// The team's name, to show the user.
    pub team_name: String,
    /// The device's id (the one it chose, or one the hub picked).
    pub device_id: Uuid,
    /// The role the invite granted.
    pub role: Role,
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
    /// The team key epoch at enrollment.
    pub key_epoch: u32,
}

/// `POST /v1/invites` (supervisors): registers a code a supervisor's device made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateInviteRequest {
    /// The invite id the code carries.
    pub invite_id: Uuid,
    /// The role the enrolled device will have.
    pub role: Role,
    /// SHA-256 of the verifier the enrolling device will present.
    #[serde(with = "crate::bytes")]
    pub verifier_hash: Vec<u8>,
    /// The team keys sealed under a key derived from the code's secret; the hub cannot open it.
    #[serde(with = "crate::bytes")]
    pub key_bundle: Vec<u8>,
    /// After this the code no longer enrolls anyone.
    pub expires_at: DateTime<Utc>,
    /// The roster link that certifies the invite (its role and one-time key),
    /// signed by the inviting supervisor; required once the team has a roster.
    #[serde(
        default,
        deserialize_with = "crate::no_null::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub link: Option<crate::roster::RosterLink>,
}

/// `POST /v1/enroll/invite`: what the holder of a code needs before it joins
/// (nothing is consumed): the team, the role, the sealed key bundle and the
/// roster the device verifies against the fingerprint its code carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteLookupRequest {
    /// The invite id the code carries.
    pub invite_id: Uuid,
    /// Derived from the code's secret, as in [`EnrollRequest::verifier`]: it proves the caller holds the code.
    #[serde(with = "crate::bytes")]
    pub verifier: Vec<u8>,
    /// Roster links after this seq (a long roster comes in pages).
    #[serde(default)]
    pub since: u64,
}

/// The answer to `POST /v1/enroll/invite`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteLookup {
    /// The team the code joins.
    pub team_id: Uuid,
    /// The team's name, to show before joining.
    pub team_name: String,
    /// The role the code grants.
    pub role: Role,
    /// The team keys sealed under the code's secret; absent for a team's first supervisor's code.
    #[serde(
        default,
        with = "crate::bytes::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub key_bundle: Option<Vec<u8>>,
    /// The team's roster after the request's `since`, to check against the code's fingerprint.
    pub roster: crate::roster::RosterPage,
}
