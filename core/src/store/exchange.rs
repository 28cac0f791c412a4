//! What sync exchanges with the hub: the versions this device has not pushed
//! yet, the versions it receives, and the cursor of the team's log it has
//! read up to. The HTTP side lives in `crate::sync`.

use fieldbook_proto::SealedVersion;
use rusqlite::{params, TransactionBehavior};
use serde::Serialize;

use super::background::hold;
use super::records::{self, Origin};
use super::sealing::SealContext;
use super::version_stubs::pushed;
use super::{meta, Store};
use crate::record::{RecordId, RecordVersion, VersionId};
use crate::{Error, Result};

const SYNC_CURSOR: &str = "sync_cursor";

/// What receiving a batch of versions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReceiveOutcome {
    /// Versions new to this device, merged into their records.
    pub merged: u32,
    /// Versions this device already had.
    pub duplicates: u32,
    /// Records that now show concurrent values (a conflict) after merging.
    pub conflicts: u32,
    /// Versions sealed under a key epoch newer than this device holds: kept
    /// sealed in the inbox and merged once the epoch's keys arrive.
    pub held: u32,
    /// Versions that could not be opened or applied, with the reason (no contents).
    pub rejected: Vec<RejectedVersion>,
}

/// A version received from the hub that was not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedVersion {
    /// The version's id as the hub listed it.
    pub version_id: uuid::Uuid,
    /// Why it was refused, in English; never its contents.
    pub reason: String,
}

impl ReceiveOutcome {
    /// Adds another batch's outcome to this one.
    pub(super) fn absorb(&mut self, other: ReceiveOutcome) {
        self.merged += other.merged;
        self.duplicates += other.duplicates;
        self.conflicts += other.conflicts;
        self.held += other.held;
        self.rejected.extend(other.rejected);
    }
}

impl Store {
    /// Up to `limit` versions written here and not yet on the hub, oldest first.
    /// Needs no key: versions are stored sealed, so a locked store pushes too.
    pub fn unpushed(&mut self, limit: u32) -> Result<Vec<SealedVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT v.version_id, v.record_id, v.kind, v.key_class, v.key_epoch, b.body
             FROM versions v JOIN version_bodies b ON b.seq = v.seq
             WHERE v.pushed = 0 ORDER BY v.seq LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Vec<u8>>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (version_id, record_id, kind, key_class, key_epoch, body) = row?;
            let (Ok(version_id), Ok(record_id)) = (
                uuid::Uuid::from_slice(&version_id),
                uuid::Uuid::from_slice(&record_id),
            ) else {
                return Err(Error::StoreDamaged("a version has a malformed id".into()));
            };
            out.push(SealedVersion {
                version_id,
                record_id,
                kind: super::db::stored_name(&kind)?,
                key_class: super::db::stored_name(&key_class)?,
                key_epoch,
                body,
            });
        }
        Ok(out)
    }

    /// How many versions wait to be pushed.
    pub fn unpushed_count(&mut self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM versions WHERE pushed = 0", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }

    /// Marks versions as on the hub (after the hub confirmed them). A
    /// version whose stub waits beside its body keeps only the stub from
    /// now on (see `version_stubs`): no key is needed, so a locked store
    /// lets bodies go too.
    pub fn mark_pushed(&mut self, ids: &[uuid::Uuid]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut let_go = tx.prepare_cached(
                "DELETE FROM version_bodies WHERE seq = (SELECT seq FROM versions
                     WHERE version_id = ?1 AND pushed = ?2 AND stub IS NOT NULL)",
            )?;
            let mut mark = tx.prepare_cached(
                "UPDATE versions SET pushed = CASE WHEN stub IS NULL THEN ?2 ELSE ?3 END
                 WHERE version_id = ?1 AND pushed = ?4",
            )?;
            for id in ids {
                let_go.execute(params![id.as_bytes().as_slice(), pushed::NO])?;
                mark.execute(params![
                    id.as_bytes().as_slice(),
                    pushed::YES,
                    pushed::STUB,
                    pushed::NO
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Opens and merges versions pulled from the hub, in one transaction.
    /// A version that cannot be opened is reported and skipped; it never
    /// stops the others. A version under a key epoch this device has not
    /// learned yet (a rotation it has not heard of) is held, as a locked
    /// store holds what it pulls, until the epoch's keys arrive: the sync
    /// cursor moves past it, so rejecting it would lose it on this device.
    pub fn receive(&mut self, versions: &[SealedVersion]) -> Result<ReceiveOutcome> {
        let mut w = self.begin_write()?;
        let keys = w.keys;
        let mut outcome = ReceiveOutcome::default();
        let (waiting, ready): (Vec<&SealedVersion>, Vec<&SealedVersion>) =
            versions.iter().partition(|sealed| must_wait(keys, sealed));
        outcome.held = hold(&w.tx, waiting.into_iter())?;
        for sealed in ready {
            let opened = open_received(keys, sealed);
            let version = match opened {
                Ok(version) => version,
                Err(reason) => {
                    outcome.rejected.push(RejectedVersion {
                        version_id: sealed.version_id,
                        reason,
                    });
                    continue;
                }
            };
            w.observe(version.stamp.hlc);
            match records::apply_version(&w.tx, keys, &version, Origin::Received) {
                Ok(Some(view)) => {
                    outcome.merged += 1;
                    if !view.conflicts.is_empty() {
                        outcome.conflicts += 1;
                    }
                }
                Ok(None) => outcome.duplicates += 1,
                Err(Error::RecordCorrupt { .. } | Error::KindMismatch { .. }) => {
                    outcome.rejected.push(RejectedVersion {
                        version_id: sealed.version_id,
                        reason: "its record here is damaged or of another kind".into(),
                    })
                }
                Err(e) => return Err(e),
            }
        }
        w.commit()?;
        Ok(outcome)
    }

    /// The sequence number of the team log this device has read up to.
    pub fn sync_cursor(&mut self) -> Result<u64> {
        meta::get_u64(&self.conn, SYNC_CURSOR)
    }

    /// Saves how far into the team log this device has read, after a pull.
    pub fn set_sync_cursor(&mut self, cursor: u64) -> Result<()> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![SYNC_CURSOR, cursor as i64],
        )?;
        Ok(())
    }
}

/// Whether a received version waits sealed in the inbox instead of merging
/// now: it is sealed under an epoch of its kind's class newer than any this
/// device holds, or under an older one it was never given (its code
/// carried the keys before a rotation; a supervisor shares the missing
/// epoch at a later sync), or a key it needs here is damaged (the version's
/// own, or the one its record's head is sealed with) until a check restores it.
/// A class the device holds no key of (its role may not read it) is not
/// waited for: such a version is rejected.
pub(super) fn must_wait(keys: &super::vault::UnlockedKeys, sealed: &SealedVersion) -> bool {
    let (kind, class) = (sealed.kind, sealed.key_class);
    let Some(current) = keys.current_epoch(class) else {
        return false;
    };
    class == kind.sensitivity()
        && (sealed.key_epoch > current
            || keys.seal_key(class, sealed.key_epoch).is_none()
            || keys.is_damaged(class.into(), sealed.key_epoch)
            || matches!(keys.check_writable(kind), Err(Error::KeyDamaged { .. })))
}

/// Opens a received version: the sealed body must decrypt under the named
/// key and agree with its routing metadata.
pub(super) fn open_received(
    keys: &super::vault::UnlockedKeys,
    sealed: &SealedVersion,
) -> Result<RecordVersion, String> {
    let (kind, class) = (sealed.kind, sealed.key_class);
    if class != kind.sensitivity() {
        return Err("kind and key class disagree".into());
    }
    if keys.seal_key(class, sealed.key_epoch).is_none() {
        return Err(format!(
            "no key for {} epoch {}",
            class.as_str(),
            sealed.key_epoch
        ));
    }
    let id = RecordId(sealed.record_id);
    let ctx = SealContext {
        kind,
        id,
        class,
        epoch: sealed.key_epoch,
    };
    ctx.open_version(keys, VersionId(sealed.version_id), &sealed.body)
        .map_err(|problem| problem.reason().to_string())
}
