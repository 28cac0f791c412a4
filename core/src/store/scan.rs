//! Listing a kind: every record's sealed view read in one pass over the
//! table, and opened on every core. Opening a view (AES-GCM, then parsing its
//! JSON) costs about three times reading its row, so this thread reads rows
//! from SQLite while rayon's pool opens the batches already read.

use rayon::prelude::*;
use rusqlite::Connection;
use std::sync::mpsc;

use super::records::parse_class;
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use super::view::RecordView;
use crate::record::{RecordId, RecordKind};
use crate::Result;

/// Rows handed to the pool at a time: big enough that a batch outweighs its
/// hand-over, small enough that the pool starts while SQLite still reads.
const BATCH: usize = 256;

/// Batches read but not yet opened, at most: bounds the ciphertext in memory
/// when SQLite reads faster than the pool opens.
const BATCHES_AHEAD: usize = 4;

struct SealedView {
    id: RecordId,
    class: String,
    epoch: u32,
    sealed: Vec<u8>,
}

impl SealedView {
    fn open(&self, keys: &UnlockedKeys, kind: RecordKind) -> Result<RecordView> {
        let class = parse_class(&self.class, self.id)?;
        SealContext {
            kind,
            id: self.id,
            class,
            epoch: self.epoch,
        }
        .open(keys, BlobRole::View, &self.sealed)
    }
}

/// Every readable record of a kind in table order, and the ids of those that
/// could not be opened (corrupted or tampered): one bad record never hides
/// the others.
pub fn scan(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
) -> Result<(Vec<RecordView>, Vec<RecordId>)> {
    if !keys.holds(kind.sensitivity()) {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut stmt =
        conn.prepare_cached("SELECT id, key_class, key_epoch, view FROM records WHERE kind = ?1")?;
    let mut rows = stmt.query([kind.as_str()])?;
    let (to_pool, batches) = mpsc::sync_channel::<Vec<SealedView>>(BATCHES_AHEAD);
    let (opened, read) = std::thread::scope(|scope| {
        let pool = scope.spawn(move || {
            let mut opened: Vec<(RecordId, Result<RecordView>)> = Vec::new();
            for batch in batches {
                opened.par_extend(
                    batch
                        .into_par_iter()
                        .map(|row| (row.id, row.open(keys, kind))),
                );
            }
            opened
        });
        let read = (|| -> Result<()> {
            let mut batch = Vec::with_capacity(BATCH);
            while let Some(row) = rows.next()? {
                let raw_id: Vec<u8> = row.get(0)?;
                let Some(id) = RecordId::from_slice(&raw_id) else {
                    continue;
                };
                batch.push(SealedView {
                    id,
                    class: row.get(1)?,
                    epoch: row.get(2)?,
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
    let mut views = Vec::with_capacity(opened.len());
    let mut unreadable = Vec::new();
    for (id, view) in opened {
        match view {
            Ok(view) => views.push(view),
            Err(_) => unreadable.push(id),
        }
    }
    Ok((views, unreadable))
}
