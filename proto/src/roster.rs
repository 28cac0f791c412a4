//! The team's signed roster on the wire. The hub stores and relays links; it
//! checks them with `fieldbook-trust` before it stores them, but devices
//! verify every link themselves against the team fingerprint they pinned.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One link as it travels: its place, the hash of the link before it, the
/// statement's exact signed bytes and the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterLink {
    /// The link's place in the roster (the hub's head is the last one's).
    pub seq: u64,
    /// The hash of the link before it, which chains the roster.
    #[serde(with = "crate::bytes")]
    pub prev: Vec<u8>,
    /// The statement's exact signed bytes (decoded and checked by `fieldbook-trust`).
    #[serde(with = "crate::bytes")]
    pub statement: Vec<u8>,
    /// The signature over `statement`.
    #[serde(with = "crate::bytes")]
    pub signature: Vec<u8>,
}

/// `GET /v1/roster?since=N`: the links after `since`, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RosterPage {
    /// The links, oldest first, at most [`MAX_ROSTER_LINKS`].
    pub links: Vec<RosterLink>,
    /// The seq of the last link the hub holds (0 for a team with no roster yet).
    pub head: u64,
}

/// The most links one page or one append carries.
pub const MAX_ROSTER_LINKS: usize = 1_000;

/// `POST /v1/roster` (supervisors): links that extend the hub's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppendRosterRequest {
    /// The links to append, in order, the first following the hub's head.
    pub links: Vec<RosterLink>,
}

/// `POST /v1/roster/claims`: a supervisor device certified before it had a
/// signing key (a roster signed at migration) asks for its key to be
/// certified. Each MAC is keyed by the X25519 secret this device shares with
/// one supervisor that can sign, so that supervisor knows the claim comes
/// from the device the roster lists, whatever the hub says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningKeyClaim {
    /// The device that claims the key.
    pub device_id: Uuid,
    /// The public signing key it asks to have certified.
    #[serde(with = "crate::bytes")]
    pub signing_key: Vec<u8>,
    /// One MAC per supervisor that can certify the key.
    pub macs: Vec<ClaimMac>,
}

/// A claim's MAC for one supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimMac {
    /// The supervisor device that can check it.
    pub supervisor: Uuid,
    /// The MAC over the claim, keyed by the X25519 secret the claimant shares with that supervisor.
    #[serde(with = "crate::bytes")]
    pub mac: Vec<u8>,
}
