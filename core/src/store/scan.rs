//! Listing a kind: every record's sealed list row (or, for reports and
//! exports, its merged state) read in one pass over the table, and opened on
//! every core. Opening a blob (AES-GCM, then decoding it) costs more than
//! reading its row, so this thread reads rows from SQLite while rayon's pool
//! opens the batches already read.

use rayon::prelude::*;
use rusqlite::Connection;
use std::sync::mpsc;

use super::list_row::ListRow;
use super::records::parse_class;
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use super::view::RecordView;
use crate::record::{RecordId, RecordKind, RecordState};
use crate::Result;

/// Rows handed to the pool at a time: big enough that a batch outweighs its
/// hand-over, small enough that the pool starts while SQLite still reads.
const BATCH: usize = 256;

/// Batches read but not yet opened, at most: bounds the ciphertext in memory
/// when SQLite reads faster than the pool opens.
const BATCHES_AHEAD: usize = 4;

struct Sealed {
    ctx: SealContext,
    sealed: Vec<u8>,
}

/// Every readable record of a kind, as its list row, in table order, and
/// the ids of those that could not be opened (corrupted or tampered): one
/// bad record never hides the others.
pub fn rows(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
) -> Result<(Vec<ListRow>, Vec<RecordId>)> {
    scan(
        conn,
        keys,
        kind,
        "SELECT id, NULL, key_epoch, body FROM list_rows WHERE kind = ?1",
        "SELECT count(*) FROM list_rows WHERE kind = ?1",
        |keys, row| {
            let opened: ListRow = row.ctx.open(keys, BlobRole::ListRow, &row.sealed)?;
            if opened.id != row.ctx.id || opened.kind != row.ctx.kind {
                return Err(crate::Error::RecordCorrupt { id: row.ctx.id });
            }
            Ok(opened)
        },
    )
}

/// Every readable record of a kind with all its current values, opened
/// from the merged states, and the ids of those that could not be opened.
pub fn records(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
) -> Result<(Vec<RecordView>, Vec<RecordId>)> {
    scan(
        conn,
        keys,
        kind,
        "SELECT id, key_class, key_epoch, state FROM records WHERE kind = ?1",
        "SELECT count(*) FROM records WHERE kind = ?1",
        |keys, row| {
            let state: RecordState = row.ctx.open(keys, BlobRole::State, &row.sealed)?;
            Ok(RecordView::from_state(row.ctx.id, kind, &state))
        },
    )
}

/// Reads `sql`'s rows (id, key class or NULL for the kind's own, key
/// epoch, sealed blob) on this thread and opens them on the pool, into a
/// list sized by `count_sql` up front: a list grown by doubling holds its
/// old and new buffers at once, half again the memory of the list itself.
fn scan<T: Send>(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
    sql: &str,
    count_sql: &str,
    open: impl Fn(&UnlockedKeys, &Sealed) -> Result<T> + Sync,
) -> Result<(Vec<T>, Vec<RecordId>)> {
    if !keys.holds(kind.sensitivity()) {
        return Ok((Vec::new(), Vec::new()));
    }
    let expected: i64 = conn
        .prepare_cached(count_sql)?
        .query_row([kind.as_str()], |r| r.get(0))?;
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([kind.as_str()])?;
    let (to_pool, batches) = mpsc::sync_channel::<Vec<Sealed>>(BATCHES_AHEAD);
    let open = &open;
    // Rows whose routing columns do not parse: unreadable, like a bad seal.
    let mut unreadable = Vec::new();
    let (opened, read) = std::thread::scope(|scope| {
        let pool = scope.spawn(move || {
            let mut found: Vec<T> = Vec::with_capacity(usize::try_from(expected).unwrap_or(0));
            let mut failed = Vec::new();
            for batch in batches {
                let opened: Vec<(RecordId, Result<T>)> = batch
                    .into_par_iter()
                    .map(|row| (row.ctx.id, open(keys, &row)))
                    .collect();
                for (id, item) in opened {
                    match item {
                        Ok(item) => found.push(item),
                        Err(_) => failed.push(id),
                    }
                }
            }
            (found, failed)
        });
        let read = (|| -> Result<()> {
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(row) = rows.next()? {
                let raw_id: Vec<u8> = row.get(0)?;
                let Some(id) = RecordId::from_slice(&raw_id) else {
                    continue;
                };
                let class = match row.get::<_, Option<String>>(1)? {
                    Some(stored) => match parse_class(&stored, id) {
                        Ok(class) => class,
                        Err(_) => {
                            unreadable.push(id);
                            continue;
                        }
                    },
                    None => kind.sensitivity(),
                };
                batch.push(Sealed {
                    ctx: SealContext {
                        kind,
                        id,
                        class,
                        epoch: row.get(2)?,
                    },
                    sealed: row.get(3)?,
                });
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if to_pool.send(full).is_err() {
                        break; // the pool stopped: its join below says why
                    }
                }
            }
            if !batch.is_empty() {
                let _ = to_pool.send(batch);
            }
            Ok(())
        })();
        drop(to_pool);
        let opened = pool
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (opened, read)
    });
    read?;
    let (found, failed) = opened;
    unreadable.extend(failed);
    Ok((found, unreadable))
}
