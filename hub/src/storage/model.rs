//! What the hub stores: teams, devices, enrollment codes, sealed versions and
//! key envelopes. Every byte field other than ids and hashes is opaque to the
//! hub: sealed on a device, opened on a device.

use std::fmt;

use chrono::{DateTime, SubsecRound, Utc};
use uuid::Uuid;

use super::{Result, StorageError};

/// The most versions one [`pull`](super::HubStorage::pull) returns: the
/// protocol's cap, one value for the wire and the storage.
pub use fieldbook_proto::sync::MAX_PULL_LIMIT;

/// The longest `kind` or `key_class` accepted, in bytes.
pub const MAX_LABEL_LEN: usize = 64;

/// The current time at the precision both backends store (microseconds), so
/// a value read back equals the value written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A team: the unit of sharing. Each team has its own log and keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Team {
    /// Chosen by the hub when the team is created.
    pub id: Uuid,
    /// The name the admin gave the team; devices show it when they join.
    pub name: String,
    /// When the admin created it.
    pub created_at: DateTime<Utc>,
}

/// What a device's user does: the shared vocabulary's roles.
pub use fieldbook_proto::vocab::Role;

/// A role as stored (`outreach`, `case-manager`, …); an unknown one means the
/// database was written by something else.
pub fn parse_role(s: &str) -> Result<Role> {
    Role::ALL
        .into_iter()
        .find(|r| r.as_str() == s)
        .ok_or_else(|| StorageError::Internal(format!("unknown stored role {s:?}")))
}

/// Whether a device may still sync: the shared vocabulary's statuses.
pub use fieldbook_proto::vocab::DeviceStatus;

/// A device status as stored (`active`, `revoked`).
pub fn parse_status(s: &str) -> Result<DeviceStatus> {
    s.parse().map_err(StorageError::Internal)
}

/// An enrolled device.
#[derive(Clone, PartialEq, Eq)]
pub struct Device {
    /// The device's id: the one it chose when it enrolled, or one the hub picked.
    pub id: Uuid,
    /// The team it belongs to.
    pub team_id: Uuid,
    /// Its role, from the invite it enrolled with; decides what it may push.
    pub role: Role,
    /// The device's X25519 public key; `None` only for a team's bootstrap
    /// supervisor until it sets one.
    pub public_key: Option<[u8; 32]>,
    /// SHA-256 of the device's random 256-bit bearer token. The token itself
    /// is never stored.
    pub token_hash: [u8; 32],
    /// Whether it may still sync.
    pub status: DeviceStatus,
    /// Set by [`revoke_device`](super::HubStorage::revoke_device); cleared when
    /// the device acknowledged the wipe order.
    pub wipe_pending: bool,
    /// When it enrolled.
    pub created_at: DateTime<Utc>,
    /// When it last reached the hub; `None` before its first call after enrolling.
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The name it gave itself when it enrolled, if any.
    pub label: Option<String>,
}

/// An enrollment code, as the hub knows it: the lookup part and a hash of a
/// verifier derived from the secret part (which the hub never sees).
#[derive(Clone, PartialEq, Eq)]
pub struct Invite {
    /// The invite id: the public part of the code.
    pub id: Uuid,
    /// The team the code joins.
    pub team_id: Uuid,
    /// The role the enrolled device gets.
    pub role: Role,
    /// SHA-256 of the verifier the enrolling device derives from the code.
    pub verifier_hash: [u8; 32],
    /// The team keys sealed under a key derived from the code's secret, made by
    /// a supervisor device; `None` for a team's bootstrap code.
    pub key_bundle: Option<Vec<u8>>,
    /// The supervisor device that made it; `None` for the admin's bootstrap code.
    pub created_by: Option<Uuid>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
    /// After this the code enrolls no one.
    pub expires_at: DateTime<Utc>,
    /// When it was consumed; an invite is single use.
    pub used_at: Option<DateTime<Utc>>,
}

/// A sealed record version a device pushes.
#[derive(Clone, PartialEq, Eq)]
pub struct NewVersion {
    /// Unique per team: pushing the same version id again stores nothing.
    pub version_id: Uuid,
    /// The record it is a version of.
    pub record_id: Uuid,
    /// The record kind's stable name; checked against the pusher's role.
    pub kind: String,
    /// The name of the team key class that sealed the body.
    pub key_class: String,
    /// The epoch of that key.
    pub key_epoch: u32,
    /// The sealed body; opaque to the hub.
    pub body: Vec<u8>,
}

/// A version as stored in a team's log.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredVersion {
    /// The server sequence number: strictly increasing per team, in commit
    /// order; not necessarily gap-free.
    pub seq: i64,
    /// Unique per team.
    pub version_id: Uuid,
    /// The record it is a version of.
    pub record_id: Uuid,
    /// The record kind's stable name.
    pub kind: String,
    /// The name of the team key class that sealed the body.
    pub key_class: String,
    /// The epoch of that key.
    pub key_epoch: u32,
    /// The sealed body; opaque to the hub.
    pub body: Vec<u8>,
    /// The device that pushed it, kept for [`PUSHER_RETENTION`] so a device
    /// is not sent back its own versions; forgotten after.
    pub pushed_by: Option<Uuid>,
    /// When the hub stored it.
    pub received_at: DateTime<Utc>,
}

/// How long the hub remembers which device pushed a version: long enough for
/// the pushing device's next syncs to skip its own versions, short enough
/// that a seized hub cannot tie a team's history to its workers' devices.
pub const PUSHER_RETENTION: chrono::Duration = chrono::Duration::days(7);

/// How stale a device's `last_seen_at` may get before a request rewrites it.
/// Writing it on every request made each periodic sync a write (an fsync on
/// SQLite, a row update on PostgreSQL) for a value the devices screen shows
/// at minute precision; a device that syncs every few minutes now costs one
/// write per five minutes, and "last seen" is right to within five minutes.
pub const LAST_SEEN_PRECISION: chrono::Duration = chrono::Duration::minutes(5);

/// Whether a request at `now` should record that `device` reached the hub:
/// only an active device whose stored `last_seen_at` is missing or older than
/// [`LAST_SEEN_PRECISION`] (a revoked device is told to wipe, not welcomed).
pub(crate) fn should_touch(device: &Device, now: DateTime<Utc>) -> bool {
    device.status == DeviceStatus::Active
        && device
            .last_seen_at
            .is_none_or(|seen| now - seen >= LAST_SEEN_PRECISION)
}

/// What a request made with a device token found: the answer for an active
/// device, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authed<T> {
    /// No device holds the token.
    Unknown,
    /// The device is revoked: nothing was done for it.
    Revoked(Device),
    /// The device is active (its `last_seen_at` as now stored) and this is
    /// what it asked for.
    Active(Device, T),
}

/// A pull as a device sees it: one page of the log and the team's state
/// beside it, read on one connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncPage {
    /// The page of the team's log.
    pub page: Page,
    /// The team's current key epoch.
    pub key_epoch: u32,
    /// The seq of the team's last roster link (0 without a roster).
    pub roster_head: u64,
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushOutcome {
    /// Versions newly stored.
    pub stored: u32,
    /// Versions already in the team's log (or repeated within the batch):
    /// stored once, counted here.
    pub duplicates: u32,
    /// The highest seq the team's log had allocated when the push committed
    /// (0 for a log that never stored anything).
    pub last_seq: i64,
}

/// One page of a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// In increasing seq order.
    pub versions: Vec<StoredVersion>,
    /// The cursor to pull from next: the largest seq returned, or the cursor
    /// pulled from when nothing was returned.
    pub next_cursor: i64,
    /// Whether versions after `next_cursor` existed when the page was read.
    pub more: bool,
}

/// The size of a team's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogStats {
    /// How many versions the log holds.
    pub versions: u64,
    /// Total size of the stored bodies.
    pub bytes: u64,
    /// The largest seq present (0 when the log is empty).
    pub max_seq: i64,
}

/// Team keys of one epoch and class wrapped to one device's public key by a
/// supervisor device; the input of
/// [`put_key_envelopes`](super::HubStorage::put_key_envelopes).
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The device the key is wrapped to.
    pub device_id: Uuid,
    /// The sensitivity class of the wrapped key, by its stable name.
    pub key_class: String,
    /// The key, sealed to the device's X25519 public key.
    pub wrapped: Vec<u8>,
    /// The supervisor device that signed it, and its signature (devices
    /// accept no key without one; envelopes from before signed rosters lack it).
    pub signer: Option<Uuid>,
    /// The signer's signature over the envelope's facts.
    pub signature: Option<Vec<u8>>,
}

/// A stored key envelope.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredEnvelope {
    /// The team whose key it is.
    pub team_id: Uuid,
    /// The key epoch.
    pub epoch: u32,
    /// The device the key is wrapped to.
    pub device_id: Uuid,
    /// The sensitivity class of the wrapped key, by its stable name.
    pub key_class: String,
    /// The key, sealed to the device's X25519 public key.
    pub wrapped: Vec<u8>,
    /// The supervisor device that signed it; `None` for envelopes from before signed rosters.
    pub signer: Option<Uuid>,
    /// Its signature, with `signer`.
    pub signature: Option<Vec<u8>>,
}

/// One link of a team's signed roster, as stored: opaque bytes in their
/// place (the API checks them with `fieldbook-trust` before storing).
#[derive(Clone, PartialEq, Eq)]
pub struct StoredLink {
    /// The link's place in the roster, from 1.
    pub seq: u64,
    /// The hash of the link before it.
    pub prev: [u8; 32],
    /// The signed statement's exact bytes.
    pub statement: Vec<u8>,
    /// The signature over the statement.
    pub signature: Vec<u8>,
}

/// A change to a team's roster and what follows from it, applied in one
/// transaction by [`write_roster`](super::HubStorage::write_roster).
#[derive(Debug, Clone, Default)]
pub struct RosterWrite {
    /// The head the links extend; `Conflict` when another write landed first.
    /// `None` only for a write without links (envelopes alone).
    pub after: Option<u64>,
    /// The new links, in order, the first just after `after`.
    pub links: Vec<StoredLink>,
    /// Devices the links revoke: refused from now on, told to wipe, their
    /// unused invites deleted.
    pub revoked: Vec<Uuid>,
    /// Key envelopes of one epoch; the team's current epoch advances to it.
    pub keys: Option<(u32, Vec<Envelope>)>,
    /// The invite the links certify.
    pub invite: Option<Invite>,
    /// Devices whose signing-key claims the links settled.
    pub settled_claims: Vec<Uuid>,
    /// Deletes the team's unused invites: a genesis retires the codes made
    /// before the team signed its roster.
    pub drop_unused_invites: bool,
}

/// Shows a byte field as its length only: Debug output reaches logs, and
/// sealed bodies, key bundles, envelopes and hashes have no business there (a
/// key bundle with its verifier hash would allow guessing a short code offline).
struct Bytes(usize);

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} bytes>", self.0)
    }
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device")
            .field("id", &self.id)
            .field("team_id", &self.team_id)
            .field("role", &self.role)
            .field(
                "public_key",
                &self.public_key.as_ref().map(|k| Bytes(k.len())),
            )
            .field("token_hash", &Bytes(self.token_hash.len()))
            .field("status", &self.status)
            .field("wipe_pending", &self.wipe_pending)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("label", &self.label)
            .finish()
    }
}

impl fmt::Debug for Invite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invite")
            .field("id", &self.id)
            .field("team_id", &self.team_id)
            .field("role", &self.role)
            .field("verifier_hash", &Bytes(self.verifier_hash.len()))
            .field(
                "key_bundle",
                &self.key_bundle.as_ref().map(|b| Bytes(b.len())),
            )
            .field("created_by", &self.created_by)
            .field("created_at", &self.created_at)
            .field("expires_at", &self.expires_at)
            .field("used_at", &self.used_at)
            .finish()
    }
}

impl fmt::Debug for NewVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewVersion")
            .field("version_id", &self.version_id)
            .field("record_id", &self.record_id)
            .field("kind", &self.kind)
            .field("key_class", &self.key_class)
            .field("key_epoch", &self.key_epoch)
            .field("body", &Bytes(self.body.len()))
            .finish()
    }
}

impl fmt::Debug for StoredVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredVersion")
            .field("seq", &self.seq)
            .field("version_id", &self.version_id)
            .field("record_id", &self.record_id)
            .field("kind", &self.kind)
            .field("key_class", &self.key_class)
            .field("key_epoch", &self.key_epoch)
            .field("body", &Bytes(self.body.len()))
            .field("pushed_by", &self.pushed_by)
            .field("received_at", &self.received_at)
            .finish()
    }
}

impl fmt::Debug for Envelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Envelope")
            .field("device_id", &self.device_id)
            .field("key_class", &self.key_class)
            .field("wrapped", &Bytes(self.wrapped.len()))
            .field("signer", &self.signer)
            .finish()
    }
}

impl fmt::Debug for StoredLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredLink")
            .field("seq", &self.seq)
            .field("statement", &Bytes(self.statement.len()))
            .finish()
    }
}

impl fmt::Debug for StoredEnvelope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredEnvelope")
            .field("team_id", &self.team_id)
            .field("epoch", &self.epoch)
            .field("device_id", &self.device_id)
            .field("key_class", &self.key_class)
            .field("wrapped", &Bytes(self.wrapped.len()))
            .field("signer", &self.signer)
            .finish()
    }
}

pub(crate) fn check_label(what: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > MAX_LABEL_LEN {
        return Err(StorageError::InvalidInput(format!(
            "{what} must be 1 to {MAX_LABEL_LEN} bytes"
        )));
    }
    Ok(())
}

pub(crate) fn check_new_version(v: &NewVersion) -> Result<()> {
    check_label("kind", &v.kind)?;
    check_label("key_class", &v.key_class)?;
    if v.body.is_empty() {
        return Err(StorageError::InvalidInput("empty version body".into()));
    }
    Ok(())
}

pub(crate) fn check_team_name(name: &str) -> Result<()> {
    if name.trim().is_empty() || name.len() > 200 {
        return Err(StorageError::InvalidInput(
            "team name must be 1 to 200 bytes".into(),
        ));
    }
    Ok(())
}

pub(crate) fn check_pull_limit(limit: u32) -> Result<u32> {
    if limit == 0 {
        return Err(StorageError::InvalidInput(
            "pull limit must be positive".into(),
        ));
    }
    Ok(limit.min(MAX_PULL_LIMIT))
}

/// Microseconds since the Unix epoch: how SQLite stores times.
pub(crate) fn to_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn from_micros(us: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(us)
        .ok_or_else(|| StorageError::Internal("stored time out of range".into()))
}

pub(crate) fn to_array32(bytes: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| StorageError::Internal(format!("stored {what} is not 32 bytes")))
}

/// Splits a push batch into first occurrences and the count of repeats within it.
pub(crate) fn dedupe_batch(versions: Vec<NewVersion>) -> Result<(Vec<NewVersion>, u32)> {
    let mut seen = std::collections::HashSet::with_capacity(versions.len());
    let mut unique = Vec::with_capacity(versions.len());
    let mut repeats = 0u32;
    for v in versions {
        check_new_version(&v)?;
        if seen.insert(v.version_id) {
            unique.push(v);
        } else {
            repeats += 1;
        }
    }
    Ok((unique, repeats))
}

pub(crate) fn check_envelopes(epoch: u32, envelopes: &[Envelope]) -> Result<()> {
    if epoch == 0 {
        return Err(StorageError::InvalidInput("key epochs start at 1".into()));
    }
    for e in envelopes {
        check_label("key_class", &e.key_class)?;
        if e.wrapped.is_empty() {
            return Err(StorageError::InvalidInput("empty key envelope".into()));
        }
        if e.signer.is_some() != e.signature.is_some() {
            return Err(StorageError::InvalidInput(
                "an envelope's signer and signature come together".into(),
            ));
        }
    }
    Ok(())
}
