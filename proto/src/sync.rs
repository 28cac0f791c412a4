//! Push and pull.

use serde::{Deserialize, Serialize};

use crate::SealedVersion;

/// `POST /v1/sync/push`: a batch of versions not yet on the hub. Pushing a
/// version again is harmless: it is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    /// The sealed versions; the hub takes at most 1,000 in one push.
    pub versions: Vec<SealedVersion>,
}

/// The answer to a push: how many of its versions were new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushResponse {
    /// Versions new to the hub.
    pub stored: u32,
    /// Versions the hub already had.
    pub duplicates: u32,
}

/// The most versions one pull page holds, whatever the device asks for.
pub const MAX_PULL_LIMIT: u32 = 1_000;
/// The page size when a pull names no limit.
pub const DEFAULT_PULL_LIMIT: u32 = 1_000;

/// `GET /v1/sync/pull?since=N&limit=M`: versions with a sequence number above `since`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The versions after `since`, in sequence order.
    pub versions: Vec<PulledVersion>,
    /// The cursor to save and send as `since` next time.
    pub next: u64,
    /// Whether more versions wait beyond this page.
    pub more: bool,
    /// The team's current key epoch, as the hub says: a hint only (an epoch
    /// exists for a device once its signed rotation is in the roster).
    pub key_epoch: u32,
    /// The seq of the last link of the team's roster: a device behind it
    /// fetches `/v1/roster`.
    #[serde(default)]
    pub roster_head: u64,
}

/// A version in the team's log, with its place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledVersion {
    /// Its sequence number in the team's log, strictly increasing.
    pub seq: u64,
    /// The version itself.
    #[serde(flatten)]
    pub version: SealedVersion,
}

/// The most records one compact request names.
pub const MAX_COMPACT_ENTRIES: usize = 500;
/// The most version ids one compact request asks to drop, over all its entries.
pub const MAX_COMPACT_DROPS: usize = 20_000;

/// `POST /v1/sync/compact` (supervisors): for each record, drop the named
/// versions that the merged version `keep_version_id` supersedes. The hub
/// drops only versions of that record with a lower sequence number than the
/// kept one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompactRequest {
    /// One entry per record compacted, at most [`MAX_COMPACT_ENTRIES`].
    pub compactions: Vec<CompactEntry>,
}

/// One record's compaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompactEntry {
    /// The record whose versions are dropped.
    pub record_id: uuid::Uuid,
    /// The merged version that stays.
    pub keep_version_id: uuid::Uuid,
    /// The versions it supersedes, to drop.
    pub drop_version_ids: Vec<uuid::Uuid>,
}

/// The answer to a compaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactResponse {
    /// Versions removed from the log.
    pub dropped: u32,
}
