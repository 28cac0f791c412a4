//! The hub's storage: one trait, [`HubStorage`], and two backends —
//! [`SqliteStorage`] (embedded, the default) and [`PostgresStorage`] (one
//! database shared by several stateless hub processes).
//!
//! The hub never sees plaintext. It keeps, per team, an append-only log of
//! sealed record versions with a server sequence number (`seq`), the devices
//! and their token hashes, single-use enrollment codes and the key envelopes
//! of key rotation.
//!
//! # The log's ordering guarantee
//!
//! A device pulls "everything after cursor N" and then saves the largest seq
//! it received. That is only safe if a version with a smaller seq can never
//! become visible after a version with a larger one: otherwise a puller could
//! move its cursor past a version still being committed and never see it.
//! Both backends therefore allocate seqs and insert the versions while holding
//! the team's log lock (the `log_heads` row, locked inside the push
//! transaction), so seqs of one team are allocated in commit order. Seqs are
//! strictly increasing per team, not gap-free (compaction leaves gaps).
//!
//! The push and page algorithm is written once, in `log`, over small
//! primitives each backend implements (`sqlite/log_primitives.rs`,
//! `postgres/log_primitives.rs`); schemas migrate through the shared runner
//! of `fieldbook-migrate`.

mod error;
mod log;
mod model;
mod postgres;
mod sqlite;

#[cfg(test)]
mod conformance;
#[cfg(test)]
pub(crate) mod test_backends;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use error::{Result, StorageError};
pub use model::{
    now, parse_role, parse_status, Authed, Device, DeviceStatus, Envelope, Invite, LogStats,
    NewVersion, Page, PushOutcome, Role, RosterWrite, StoredEnvelope, StoredLink, StoredVersion,
    SyncPage, Team, LAST_SEEN_PRECISION, MAX_LABEL_LEN, MAX_PULL_LIMIT, PUSHER_RETENTION,
};
pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// Where the hub keeps its state. Object safe: the hub holds an
/// `Arc<dyn HubStorage>`.
///
/// Times are stored with microsecond precision; use [`now`] to make values
/// that read back equal.
#[async_trait]
pub trait HubStorage: Send + Sync {
    /// `"sqlite"` or `"postgres"`, for logs and health checks.
    fn backend(&self) -> &'static str;

    // --- teams ---

    /// Creates a team at key epoch 1 with an empty log.
    async fn create_team(&self, name: &str) -> Result<Team>;
    /// The team with this id; `NotFound` if there is none.
    async fn get_team(&self, id: Uuid) -> Result<Team>;
    /// All teams, oldest first.
    async fn list_teams(&self) -> Result<Vec<Team>>;

    // --- enrollment codes ---

    /// Stores a new invite (its `used_at` must be `None`). `NotFound` for an
    /// unknown team, `Conflict` for a duplicate id.
    async fn create_invite(&self, invite: &Invite) -> Result<()>;
    /// The invite with this id, used or not; `NotFound` if there is none.
    async fn get_invite(&self, id: Uuid) -> Result<Invite>;
    /// Consumes an invite atomically: of several concurrent calls with one
    /// code exactly one succeeds. `NotFound` if the invite is unknown or the
    /// verifier hash does not match (compared in constant time; nothing is
    /// consumed); `Conflict` if it was already used or has expired at `now`.
    /// Returns the invite with `used_at` set.
    async fn consume_invite(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Invite>;

    /// Enrolls a device with a one-time code in one transaction: consumes the
    /// invite (as [`consume_invite`](Self::consume_invite) does), drops its key
    /// bundle (a used code keeps nothing), adds the device, and applies
    /// `roster` (the device's join link). Returns the invite as it was, bundle
    /// included, for the answer to the device.
    async fn enroll(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
        device: &Device,
        roster: Option<RosterWrite>,
    ) -> Result<Invite>;
    /// Deletes the invites that expired before `now`; returns how many.
    async fn delete_expired_invites(&self, now: DateTime<Utc>) -> Result<u64>;

    // --- devices ---

    /// `NotFound` for an unknown team, `Conflict` for a duplicate id or token hash.
    async fn add_device(&self, device: &Device) -> Result<()>;
    /// The device holding the token with this hash, active or revoked (a
    /// revoked device must still be told to wipe).
    async fn device_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Device>>;
    /// The device with this id, active or revoked; `NotFound` if there is none.
    async fn get_device(&self, id: Uuid) -> Result<Device>;
    /// A team's devices, oldest first.
    async fn list_devices(&self, team_id: Uuid) -> Result<Vec<Device>>;
    /// Sets a device's X25519 public key (a team's first supervisor enrolls without one); `NotFound` for an unknown device.
    async fn set_device_public_key(&self, id: Uuid, public_key: &[u8; 32]) -> Result<()>;
    /// Marks the device revoked and its wipe order pending. Revoking a revoked
    /// device changes nothing.
    async fn revoke_device(&self, id: Uuid) -> Result<()>;
    /// Clears a revoked device's pending wipe order; `Conflict` for an active device.
    async fn acknowledge_wipe(&self, id: Uuid) -> Result<()>;
    /// Records that the device reached the hub at `now` (never moves back).
    async fn touch_device(&self, id: Uuid, now: DateTime<Utc>) -> Result<()>;
    /// The device holding the token with this hash (as
    /// [`device_by_token_hash`](Self::device_by_token_hash)), having recorded
    /// that it reached the hub at `now` if it is active and its stored
    /// `last_seen_at` is older than [`LAST_SEEN_PRECISION`]; the device
    /// returned carries the value now stored. One pooled connection.
    async fn authenticate(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<Device>>;

    // --- the sync log ---

    /// Appends versions to a team's log atomically (on SQLite, pushes that
    /// wait for the writer share one transaction, each under a savepoint of
    /// its own, and each is answered once that transaction is durable; a
    /// refused push leaves the others untouched). Versions whose id
    /// the team's log already holds (or that repeat within the batch) are
    /// counted as duplicates and not stored again. `NotFound` for an unknown
    /// team or a device not in the team, `Conflict` for a revoked device.
    async fn push(
        &self,
        team_id: Uuid,
        device_id: Uuid,
        versions: Vec<NewVersion>,
    ) -> Result<PushOutcome>;
    /// Up to `limit` (at most [`MAX_PULL_LIMIT`]) versions with `seq > since`,
    /// in increasing seq order. `NotFound` for an unknown team.
    async fn pull(&self, team_id: Uuid, since: i64, limit: u32) -> Result<Page>;
    /// A pull as a device makes it, on one pooled connection: authenticates
    /// the token (as [`authenticate`](Self::authenticate)) and, for an
    /// active device, reads a page of its team's log (as
    /// [`pull`](Self::pull)) with the team's key epoch and roster head.
    async fn pull_for(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
        since: i64,
        limit: u32,
    ) -> Result<Authed<SyncPage>>;
    /// How many versions and bytes a team's log holds, and its largest seq.
    async fn log_stats(&self, team_id: Uuid) -> Result<LogStats>;
    /// Drops versions of `record_id` superseded by the merged version
    /// `keep_version_id`: only those named in `drop_version_ids` that belong
    /// to that record and have a seq lower than the kept one. Returns how many
    /// were dropped. `NotFound` if the kept version is not in that record.
    async fn compact(
        &self,
        team_id: Uuid,
        record_id: Uuid,
        keep_version_id: Uuid,
        drop_version_ids: Vec<Uuid>,
    ) -> Result<u32>;

    // --- key rotation ---

    /// Stores (or replaces) envelopes of `epoch` and advances the team's
    /// current epoch to `epoch` if greater. Every device must belong to the
    /// team (`InvalidInput` otherwise).
    async fn put_key_envelopes(
        &self,
        team_id: Uuid,
        epoch: u32,
        envelopes: Vec<Envelope>,
    ) -> Result<()>;
    /// Every envelope wrapped to a device, by epoch then key class.
    async fn key_envelopes_for(&self, device_id: Uuid) -> Result<Vec<StoredEnvelope>>;
    /// The team's current key epoch (1 for a new team).
    async fn current_epoch(&self, team_id: Uuid) -> Result<u32>;

    // --- the signed roster ---

    /// Up to [`MAX_ROSTER_LINKS`](fieldbook_proto::roster::MAX_ROSTER_LINKS)
    /// links with `seq > since`, oldest first. `NotFound` for an unknown team.
    async fn roster(&self, team_id: Uuid, since: u64) -> Result<Vec<StoredLink>>;
    /// The seq of the team's last link (0 for a team without a roster).
    async fn roster_head(&self, team_id: Uuid) -> Result<u64>;
    /// Applies a roster write in one transaction: links appended after
    /// `write.after` (`Conflict` when the head moved), devices revoked and
    /// their unused invites deleted, envelopes stored, the epoch advanced,
    /// an invite created, settled claims deleted.
    async fn write_roster(&self, team_id: Uuid, write: RosterWrite) -> Result<()>;
    /// Keeps (or replaces) a device's signing-key claim.
    async fn put_claim(&self, team_id: Uuid, device_id: Uuid, claim: Vec<u8>) -> Result<()>;
    /// A team's pending signing-key claims, by device.
    async fn claims(&self, team_id: Uuid) -> Result<Vec<(Uuid, Vec<u8>)>>;

    // --- what the hub forgets ---

    /// Forgets which device pushed each version received before `before`;
    /// returns how many versions it forgot the pusher of.
    async fn forget_pushers(&self, before: DateTime<Utc>) -> Result<u64>;
}
