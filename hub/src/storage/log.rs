//! The sync log's algorithm, written once for both backends: what a push
//! appends and what a pull's page holds.
//!
//! A backend supplies small primitives ([`PushTx`], [`PageRead`]) inside the
//! transaction it opened and will commit; the decisions — which versions are
//! new, which seqs they get, what the caller is told, where the cursor goes —
//! are made here. The primitives are async because PostgreSQL's are; SQLite
//! runs its blocking ones through [`run_now`].
//!
//! A push relies on [`PushTx::lock_head`] holding the team's log lock until
//! commit: under it no other push to the team can insert, so what
//! [`PushTx::known_ids`] finds is exactly what would conflict, and seqs are
//! allocated in commit order (see the ordering guarantee in `storage`).

use std::collections::HashSet;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::check_pull_limit;
use super::{
    now, DeviceStatus, NewVersion, Page, PushOutcome, Result, StorageError, StoredVersion,
};

/// What a push needs from a backend, inside one write transaction.
pub(super) trait PushTx {
    /// Locks the team's log head until commit and reads its next seq;
    /// `None` for an unknown team.
    async fn lock_head(&mut self, team_id: Uuid) -> Result<Option<i64>>;
    /// The device's status in the team, read so that a concurrent
    /// revocation either waits for this push or is seen by it; `None` when
    /// the device is not in the team.
    async fn member_status(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
    ) -> Result<Option<DeviceStatus>>;
    /// Which of `ids` the team's log already holds, or dropped by compaction.
    async fn known_ids(&mut self, team_id: Uuid, ids: &[Uuid]) -> Result<HashSet<Uuid>>;
    /// Inserts `versions` with consecutive seqs from `first_seq`.
    async fn append(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
        first_seq: i64,
        versions: &[&NewVersion],
        received_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Moves the team's log head to `next_seq`.
    async fn set_head(&mut self, team_id: Uuid, next_seq: i64) -> Result<()>;
}

/// What a page needs from a backend, in one consistent snapshot.
pub(super) trait PageRead {
    /// `NotFound("team")` for an unknown team.
    async fn check_team(&mut self, team_id: Uuid) -> Result<()>;
    /// Up to `count` of the team's versions with `seq > since`, by seq.
    async fn versions_after(
        &mut self,
        team_id: Uuid,
        since: i64,
        count: i64,
    ) -> Result<Vec<StoredVersion>>;
}

/// Appends the new versions of a deduplicated batch (`unique`, plus
/// `repeats` copies dropped from it) from `device_id` to the team's log.
pub(super) async fn push<T: PushTx>(
    log: &mut T,
    team_id: Uuid,
    device_id: Uuid,
    unique: &[NewVersion],
    repeats: u32,
) -> Result<PushOutcome> {
    let next_seq = log
        .lock_head(team_id)
        .await?
        .ok_or(StorageError::NotFound("team"))?;
    match log.member_status(team_id, device_id).await? {
        None => return Err(StorageError::NotFound("device")),
        Some(DeviceStatus::Active) => {}
        Some(DeviceStatus::Revoked) => {
            return Err(StorageError::Conflict("device is revoked".into()))
        }
    }
    let ids: Vec<Uuid> = unique.iter().map(|v| v.version_id).collect();
    let known = log.known_ids(team_id, &ids).await?;
    let fresh: Vec<&NewVersion> = unique
        .iter()
        .filter(|v| !known.contains(&v.version_id))
        .collect();
    let stored = fresh.len() as u32;
    if !fresh.is_empty() {
        log.append(team_id, device_id, next_seq, &fresh, now())
            .await?;
        log.set_head(team_id, next_seq + i64::from(stored)).await?;
    }
    Ok(PushOutcome {
        stored,
        duplicates: repeats + (unique.len() - fresh.len()) as u32,
        last_seq: next_seq + i64::from(stored) - 1,
    })
}

/// Up to `limit` of the team's versions after the cursor `since`, and the
/// cursor to save after them.
pub(super) async fn page<R: PageRead>(
    log: &mut R,
    team_id: Uuid,
    since: i64,
    limit: u32,
) -> Result<Page> {
    let limit = check_pull_limit(limit)?;
    log.check_team(team_id).await?;
    // One more than asked tells whether more remain.
    let mut versions = log
        .versions_after(team_id, since, i64::from(limit) + 1)
        .await?;
    let more = versions.len() > limit as usize;
    versions.truncate(limit as usize);
    let next_cursor = versions.last().map_or(since, |v| v.seq);
    Ok(Page {
        versions,
        next_cursor,
        more,
    })
}

/// Runs a log step whose primitives never wait (SQLite's, which block
/// instead): the future finishes on its first poll.
pub(super) fn run_now<T>(step: impl Future<Output = Result<T>>) -> Result<T> {
    match pin!(step).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => Err(StorageError::Internal(
            "a blocking log step tried to wait".into(),
        )),
    }
}
