//! The sync wire types shared by Fieldbook's core and hub, and the paths of
//! the hub's API (described in `hub/openapi.yaml`).
//!
//! The hub stores and relays sealed record versions it cannot read: besides
//! the sealed body, a version carries only the routing metadata sync needs.
//! Binary values travel as standard base64.

pub mod bytes;
pub mod devices;
pub mod endpoint;
pub mod enroll;
pub mod error;
pub mod no_null;
pub mod roster;
pub mod sync;
pub mod version;
pub mod vocab;

pub use version::SealedVersion;

/// Bumped on any incompatible change to the types below or to what a sealed
/// body holds; sent as the `Fieldbook-Protocol` header and in the health
/// answer. 3: record format 3 (compact, compressed bodies), which apps
/// speaking 2 cannot open.
pub const PROTOCOL_VERSION: u32 = 3;
/// The oldest protocol a hub serves: an app that sends an older one would
/// pull bodies it cannot open, so the hub answers it 426 `update_required`.
pub const OLDEST_SERVED_PROTOCOL: u32 = 3;
/// The header that carries [`PROTOCOL_VERSION`] on every request and answer.
pub const PROTOCOL_HEADER: &str = "fieldbook-protocol";

/// The API's paths, shared so client and server cannot drift apart.
pub mod paths {
    /// Whether the hub runs; no token.
    pub const HEALTH: &str = "/v1/health";
    /// Joins a team with an enrollment code; no token.
    pub const ENROLL: &str = "/v1/enroll";
    /// What a code's holder needs before it joins (nothing consumed).
    pub const ENROLL_INVITE: &str = "/v1/enroll/invite";
    /// Registers an enrollment code (supervisors).
    pub const INVITES: &str = "/v1/invites";
    /// Sends sealed versions to the team's log.
    pub const PUSH: &str = "/v1/sync/push";
    /// Reads the team's log after a cursor.
    pub const PULL: &str = "/v1/sync/pull";
    /// Drops versions superseded by a merged one (supervisors).
    pub const COMPACT: &str = "/v1/sync/compact";
    /// Lists the team's devices (supervisors).
    pub const DEVICES: &str = "/v1/devices";
    /// `POST /v1/devices/{id}/revoke`
    pub const REVOKE: &str = "/v1/devices/{id}/revoke";
    /// `GET` the key envelopes addressed to the caller; `POST` envelopes of an epoch (supervisors).
    pub const KEYS: &str = "/v1/keys";
    /// `GET` the team's signed roster after a seq; `POST` links that extend it (supervisors).
    pub const ROSTER: &str = "/v1/roster";
    /// Signing-key claims of supervisors certified before they had a key.
    pub const CLAIMS: &str = "/v1/roster/claims";
}
