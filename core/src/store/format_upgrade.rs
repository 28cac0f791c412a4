//! A store from before record format 3 rewrites its records in it, once,
//! at the first unlock after the upgrade (sealing needs the keys): each
//! record's state and view, and every version, are opened as the JSON they
//! were sealed in and sealed again, compact, under the same key and bound
//! to the same record. Nothing else changes: ids, seqs, pushed flags, the
//! inbox (held as the hub sent it) and the audit trail stay as they were.
//!
//! The work goes in chunks, each its own transaction that also records how
//! far it got, so a phone killed half-way resumes where it stopped and
//! never leaves a row half-written. A row that does not open (damaged, or
//! under a key this device no longer holds) is left as it is, for
//! `fieldbook check` and repair to report, never failing the unlock.

use rusqlite::{params, Connection, TransactionBehavior};

use super::db::stored_name;
use super::meta;
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use crate::record::{RecordId, RecordState, RecordVersion, VersionId};
use crate::Result;

use super::view::RecordView;

/// Present while a store still has rows in format 2; its value is the
/// progress: the last records rowid done, then the last versions seq done.
pub const PENDING: &str = "record_format_3_pending";

/// Rows per transaction: small enough that a killed phone loses little
/// work, large enough that commits do not dominate.
const CHUNK: i64 = 500;

/// How far the rewrite got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Progress {
    records_after: i64,
    versions_after: i64,
}

impl Progress {
    fn read(conn: &Connection) -> Result<Option<Progress>> {
        Ok(meta::get_blob(conn, PENDING)?.map(|bytes| {
            let number = |at: usize| {
                bytes
                    .get(at..at + 8)
                    .and_then(|b| b.try_into().ok())
                    .map(i64::from_le_bytes)
                    .unwrap_or(0)
            };
            Progress {
                records_after: number(0),
                versions_after: number(8),
            }
        }))
    }

    fn write(self, conn: &Connection) -> Result<()> {
        let mut bytes = self.records_after.to_le_bytes().to_vec();
        bytes.extend_from_slice(&self.versions_after.to_le_bytes());
        meta::put_blob(conn, PENDING, &bytes)
    }
}

/// Rewrites what is left in format 2; does nothing once done. Returns how
/// many rows (record heads and versions) were rewritten.
pub fn finish(conn: &mut Connection, keys: &UnlockedKeys) -> Result<u64> {
    // Read without the writer's lock: at nearly every unlock there is nothing to do.
    if !pending(conn)? {
        return Ok(0);
    }
    let mut rewritten = 0;
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(mut progress) = Progress::read(&tx)? else {
            return Ok(rewritten);
        };
        let (done, last) = if let Some(last) = records_chunk(&tx, keys, progress.records_after)? {
            progress.records_after = last.0;
            (last.1, false)
        } else if let Some(last) = versions_chunk(&tx, keys, progress.versions_after)? {
            progress.versions_after = last.0;
            (last.1, false)
        } else {
            (0, true)
        };
        rewritten += done;
        if last {
            tx.execute("DELETE FROM meta WHERE key = ?1", [PENDING])?;
        } else {
            progress.write(&tx)?;
        }
        tx.commit()?;
        if last {
            return Ok(rewritten);
        }
    }
}

/// A record's head as stored: routing columns and its two sealed blobs.
struct HeadRow {
    rowid: i64,
    id: Vec<u8>,
    kind: String,
    class: String,
    epoch: u32,
    state: Vec<u8>,
    view: Vec<u8>,
}

/// A version as stored.
struct VersionRow {
    seq: i64,
    version_id: Vec<u8>,
    record_id: Vec<u8>,
    kind: String,
    class: String,
    epoch: u32,
    body: Vec<u8>,
}

/// One chunk of record heads after `after`: the last rowid seen and how
/// many were rewritten, or `None` when none are left.
fn records_chunk(conn: &Connection, keys: &UnlockedKeys, after: i64) -> Result<Option<(i64, u64)>> {
    let rows: Vec<HeadRow> = conn
        .prepare_cached(
            "SELECT rowid, id, kind, key_class, key_epoch, state, view FROM records
             WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        )?
        .query_map(params![after, CHUNK], |r| {
            Ok(HeadRow {
                rowid: r.get(0)?,
                id: r.get(1)?,
                kind: r.get(2)?,
                class: r.get(3)?,
                epoch: r.get(4)?,
                state: r.get(5)?,
                view: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(last) = rows.last().map(|row| row.rowid) else {
        return Ok(None);
    };
    let mut rewritten = 0;
    let mut update =
        conn.prepare_cached("UPDATE records SET state = ?1, view = ?2 WHERE rowid = ?3")?;
    for HeadRow {
        rowid,
        id,
        kind,
        class,
        epoch,
        state,
        view,
    } in rows
    {
        let Some(ctx) = context(&id, &kind, &class, epoch) else {
            continue;
        };
        let (Ok(state), Ok(view)) = (
            ctx.open::<RecordState>(keys, BlobRole::State, &state),
            ctx.open::<RecordView>(keys, BlobRole::View, &view),
        ) else {
            continue;
        };
        let state = ctx.seal(keys, BlobRole::State, &state)?;
        let view = ctx.seal(keys, BlobRole::View, &view)?;
        update.execute(params![state, view, rowid])?;
        rewritten += 1;
    }
    Ok(Some((last, rewritten)))
}

/// One chunk of versions after seq `after`, as [`records_chunk`].
fn versions_chunk(
    conn: &Connection,
    keys: &UnlockedKeys,
    after: i64,
) -> Result<Option<(i64, u64)>> {
    let rows: Vec<VersionRow> = conn
        .prepare_cached(
            "SELECT seq, version_id, record_id, kind, key_class, key_epoch, body FROM versions
             WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?
        .query_map(params![after, CHUNK], |r| {
            Ok(VersionRow {
                seq: r.get(0)?,
                version_id: r.get(1)?,
                record_id: r.get(2)?,
                kind: r.get(3)?,
                class: r.get(4)?,
                epoch: r.get(5)?,
                body: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(last) = rows.last().map(|row| row.seq) else {
        return Ok(None);
    };
    let mut rewritten = 0;
    let mut update = conn.prepare_cached("UPDATE versions SET body = ?1 WHERE seq = ?2")?;
    for VersionRow {
        seq,
        version_id,
        record_id,
        kind,
        class,
        epoch,
        body,
    } in rows
    {
        let (Some(ctx), Some(version_id)) = (
            context(&record_id, &kind, &class, epoch),
            VersionId::from_slice(&version_id),
        ) else {
            continue;
        };
        let Ok(version) = ctx.open_version(keys, version_id, &body) else {
            continue;
        };
        let body = ctx.seal::<RecordVersion>(keys, BlobRole::Version(version_id), &version)?;
        update.execute(params![body, seq])?;
        rewritten += 1;
    }
    Ok(Some((last, rewritten)))
}

fn context(id: &[u8], kind: &str, class: &str, epoch: u32) -> Option<SealContext> {
    Some(SealContext {
        kind: stored_name(kind).ok()?,
        id: RecordId::from_slice(id)?,
        class: stored_name(class).ok()?,
        epoch,
    })
}

/// Whether a store still has rows to rewrite.
pub fn pending(conn: &Connection) -> Result<bool> {
    Ok(meta::get_blob(conn, PENDING)?.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordKind;
    use crate::store::tests::{add_client, Fixture};

    fn heads(conn: &Connection) -> Vec<(i64, Vec<u8>)> {
        conn.prepare("SELECT rowid, state FROM records ORDER BY rowid")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    /// A rewrite stopped after the first record (its progress committed
    /// with its rows) resumes after it: the first is not sealed again, the
    /// rest are, and every record reads the same.
    #[test]
    fn a_rewrite_resumes_where_it_stopped() {
        let fx = Fixture::new();
        let mut store = fx.create();
        assert!(
            !pending(&store.conn).unwrap(),
            "a new store has nothing to rewrite"
        );
        for alias in ["Hoa", "Lan", "Minh"] {
            add_client(&mut store, alias);
        }
        let listed = store.list(RecordKind::Client).unwrap().records;
        let before = heads(&store.conn);
        Progress {
            records_after: before[0].0,
            versions_after: 0,
        }
        .write(&store.conn)
        .unwrap();
        drop(store);

        let mut store = fx.reopen();
        assert!(!pending(&store.conn).unwrap());
        let after = heads(&store.conn);
        assert_eq!(after[0], before[0]);
        assert!(after[1..].iter().zip(&before[1..]).all(|(a, b)| a.1 != b.1));
        assert_eq!(store.list(RecordKind::Client).unwrap().records, listed);
    }
}
