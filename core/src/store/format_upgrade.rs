//! Rewriting a store's record heads and versions once, at the first unlock
//! after an upgrade that needs it (sealing needs the keys):
//!
//! - record format 3 (schema 5): each record's state and every version,
//!   sealed as JSON, are opened and sealed again, compact, under the same
//!   key and bound to the same record;
//! - each value stored once (schema 6): each record's list row is built
//!   from its state (the sealed view it replaces was dropped by the
//!   upgrade, its values being in the state).
//!
//! Nothing else changes: ids, seqs, pushed flags, the inbox (held as the
//! hub sent it) and the audit trail stay as they were.
//!
//! The work goes in chunks, each its own transaction that also records how
//! far it got, so a phone killed half-way resumes where it stopped and
//! never leaves a row half-written. A row that does not open (damaged, or
//! under a key this device no longer holds) is left as it is, for
//! `fieldbook check` and repair to report, never failing the unlock.

use rusqlite::{params, Connection, TransactionBehavior};

use super::db::stored_name;
use super::list_row::ListRow;
use super::meta;
use super::records::write_list_row;
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use super::view::RecordView;
use crate::record::{RecordId, RecordState, RecordVersion, VersionId};
use crate::Result;

/// Present while a store still has rows to rewrite; its value is the
/// progress: the last records rowid done, then the last versions seq done
/// (named for the first rewrite that used it; stores keep the name).
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

/// Rewrites what is left; does nothing once done. Returns how many rows
/// (record heads and versions) were rewritten.
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

/// A record's head as stored: routing columns and its sealed state.
struct HeadRow {
    rowid: i64,
    id: Vec<u8>,
    kind: String,
    class: String,
    epoch: u32,
    state: Vec<u8>,
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
            "SELECT rowid, id, kind, key_class, key_epoch, state FROM records
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
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let Some(last) = rows.last().map(|row| row.rowid) else {
        return Ok(None);
    };
    let mut rewritten = 0;
    let mut update = conn.prepare_cached("UPDATE records SET state = ?1 WHERE rowid = ?2")?;
    for HeadRow {
        rowid,
        id,
        kind,
        class,
        epoch,
        state,
    } in rows
    {
        let Some(ctx) = context(&id, &kind, &class, epoch) else {
            continue;
        };
        let Ok(state) = ctx.open::<RecordState>(keys, BlobRole::State, &state) else {
            continue;
        };
        let row = ListRow::of(&RecordView::from_state(ctx.id, ctx.kind, &state));
        let state = ctx.seal(keys, BlobRole::State, &state)?;
        update.execute(params![state, rowid])?;
        write_list_row(conn, keys, &ctx, &row)?;
        rewritten += 1;
    }
    Ok(Some((last, rewritten)))
}

/// One chunk of versions after seq `after`, as [`records_chunk`]. (A
/// version whose body was let go has none to rewrite: stubs are written
/// in format 3, by this build only.)
fn versions_chunk(
    conn: &Connection,
    keys: &UnlockedKeys,
    after: i64,
) -> Result<Option<(i64, u64)>> {
    let rows: Vec<VersionRow> = conn
        .prepare_cached(
            "SELECT v.seq, v.version_id, v.record_id, v.kind, v.key_class, v.key_epoch, b.body
             FROM versions v JOIN version_bodies b ON b.seq = v.seq
             WHERE v.seq > ?1 ORDER BY v.seq LIMIT ?2",
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
    let mut update = conn.prepare_cached("UPDATE version_bodies SET body = ?1 WHERE seq = ?2")?;
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
        let rows = store.list_rows(RecordKind::Client).unwrap().rows;
        let before = heads(&store.conn);
        Progress {
            records_after: before[0].0,
            versions_after: 0,
        }
        .write(&store.conn)
        .unwrap();
        // As the schema-6 upgrade leaves them: no list rows yet.
        store.conn.execute("DELETE FROM list_rows", []).unwrap();
        drop(store);

        let mut store = fx.reopen();
        assert!(!pending(&store.conn).unwrap());
        let after = heads(&store.conn);
        assert_eq!(after[0], before[0]);
        assert!(after[1..].iter().zip(&before[1..]).all(|(a, b)| a.1 != b.1));
        assert_eq!(store.list(RecordKind::Client).unwrap().records, listed);
        // The rows of the records after the first are built again, the same
        // as they were (the first counts as done: nothing rebuilds it here).
        let rebuilt = store.list_rows(RecordKind::Client).unwrap().rows;
        assert_eq!(rebuilt.len(), 2);
        assert!(rebuilt.iter().all(|row| rows.contains(row)));
    }

    fn version_bodies(conn: &Connection) -> Vec<Vec<u8>> {
        conn.prepare("SELECT body FROM version_bodies ORDER BY seq")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    /// A store of schema 5 (format 3, with views) upgraded to schema 6 gets
    /// a list row for every record at its next unlock, and does not seal its
    /// versions again.
    #[test]
    fn the_schema_6_upgrade_builds_every_list_row_and_leaves_versions_alone() {
        let fx = Fixture::new();
        let mut store = fx.create();
        for alias in ["Hoa", "Lan", "Minh"] {
            add_client(&mut store, alias);
        }
        let rows = store.list_rows(RecordKind::Client).unwrap().rows;
        let versions = version_bodies(&store.conn);
        // What the step leaves: no rows, the heads pending, the versions done.
        store.conn.execute("DELETE FROM list_rows", []).unwrap();
        store
            .conn
            .execute(
                "INSERT INTO meta (key, value)
                 VALUES ('record_format_3_pending', x'0000000000000000ffffffffffffff7f')",
                [],
            )
            .unwrap();
        drop(store);

        let mut store = fx.reopen();
        assert!(!pending(&store.conn).unwrap());
        assert_eq!(store.list_rows(RecordKind::Client).unwrap().rows, rows);
        let after = version_bodies(&store.conn);
        assert_eq!(after, versions, "versions are not sealed again");
    }
}
