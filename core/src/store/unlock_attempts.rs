//! Counting PIN attempts so that a killed app costs the worker nothing, and
//! neither a kill nor a clock set forward gives whoever guesses a free try.
//!
//! An attempt is marked as begun, on disk (fsync), before the key derivation
//! runs. Its outcome, a failure counted or the count cleared, is committed
//! and synced before the result leaves the core: nothing shows whether a PIN
//! was right earlier than that write. So every attempt whose result someone
//! saw is counted, even if the power goes right after; and an attempt killed
//! before its outcome was written showed nothing, so it counts towards
//! neither the erase nor the waits. Such interrupted attempts are counted
//! apart and written into the audit entry of the next unlock.
//!
//! The back-off wait runs on the time since boot, not the wall clock. A
//! restart (or, where the platform has no boot id, a wall clock that moved)
//! starts the wait over: never shorter, at worst longer.
//!
//! These writes are the ones a full disk must not stop (the PIN could not be
//! counted, so the store would not open): they may use the store's reserve.

use rusqlite::{Connection, TransactionBehavior};
use std::path::Path;

use super::clock::{Clock, SinceBoot};
use super::policy::SecurityPolicy;
use super::{meta, storage_reserve};
use crate::{Error, Result};

/// An attempt under way: what the count was when it began.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    failures: u32,
    /// Attempts since the last unlock that were killed before their outcome.
    pub interrupted: u32,
}

/// What an attempt may do next.
pub enum Start {
    /// Go on: derive the key and check the PIN.
    Check(Attempt),
    /// The limit was reached by an attempt whose erase was interrupted.
    EraseNow,
}

/// Refuses while the back-off wait runs; otherwise marks the attempt as
/// begun, durably, and says how the count stands.
pub fn begin(
    conn: &mut Connection,
    dir: &Path,
    policy: &SecurityPolicy,
    clock: &dyn Clock,
) -> Result<Start> {
    if meta::get_u64(conn, meta::ERASED)? != 0 {
        return Err(Error::Erased);
    }
    let failures = read_u32(conn, meta::FAILED_UNLOCKS)?;
    if failures >= policy.max_failed_unlocks {
        return Ok(Start::EraseNow);
    }
    let now = clock.since_boot();
    let wait_ms = policy.backoff_secs(failures).saturating_mul(1000);
    if wait_ms > 0 {
        let anchor: Option<SinceBoot> = meta::get_json(conn, meta::BACKOFF_ANCHOR)?;
        let elapsed_ms = match anchor {
            Some(anchor) if anchor.boot == now.boot && now.ms >= anchor.ms => now.ms - anchor.ms,
            _ => {
                durably(conn, dir, |c| meta::put_json(c, meta::BACKOFF_ANCHOR, &now))?;
                0
            }
        };
        if elapsed_ms < wait_ms {
            return Err(Error::BackOff {
                retry_after_secs: (wait_ms - elapsed_ms).div_ceil(1000),
            });
        }
    }
    // A mark left by an earlier attempt means that one never finished.
    let interrupted = read_u32(conn, meta::INTERRUPTED_UNLOCKS)?
        .saturating_add(read_u32(conn, meta::UNLOCK_IN_PROGRESS)?.min(1));
    durably(conn, dir, |c| {
        meta::put_u64(c, meta::INTERRUPTED_UNLOCKS, interrupted.into())?;
        meta::put_u64(c, meta::UNLOCK_IN_PROGRESS, 1)
    })?;
    Ok(Start::Check(Attempt {
        failures,
        interrupted,
    }))
}

/// A wrong PIN: counted, durably, before anyone is told. Returns the count.
pub fn failed(
    conn: &mut Connection,
    dir: &Path,
    clock: &dyn Clock,
    attempt: Attempt,
) -> Result<u32> {
    let counted = attempt.failures.saturating_add(1);
    let wall_ms = clock.now().timestamp_millis().max(0) as u64;
    let now = clock.since_boot();
    durably(conn, dir, |c| {
        meta::put_u64(c, meta::FAILED_UNLOCKS, counted.into())?;
        meta::put_u64(c, meta::LAST_FAILED_UNLOCK_MS, wall_ms)?;
        meta::put_json(c, meta::BACKOFF_ANCHOR, &now)?;
        meta::put_u64(c, meta::UNLOCK_IN_PROGRESS, 0)
    })?;
    Ok(counted)
}

/// The attempt stopped for a reason that was not the PIN (the key store was
/// unavailable, the store is damaged): it counts for nothing.
pub fn abandoned(conn: &mut Connection, dir: &Path) -> Result<()> {
    durably(conn, dir, |c| meta::put_u64(c, meta::UNLOCK_IN_PROGRESS, 0))
}

/// The right PIN: the counts start over. In the caller's transaction, which
/// the caller commits with [`with_full_sync`] before it says so.
pub fn succeeded(conn: &Connection) -> Result<()> {
    meta::put_u64(conn, meta::FAILED_UNLOCKS, 0)?;
    meta::put_u64(conn, meta::LAST_FAILED_UNLOCK_MS, 0)?;
    meta::put_u64(conn, meta::INTERRUPTED_UNLOCKS, 0)?;
    meta::put_u64(conn, meta::UNLOCK_IN_PROGRESS, 0)?;
    conn.execute("DELETE FROM meta WHERE key = ?1", [meta::BACKOFF_ANCHOR])?;
    Ok(())
}

fn read_u32(conn: &Connection, key: &str) -> Result<u32> {
    Ok(meta::get_u64(conn, key)?.min(u32::MAX as u64) as u32)
}

/// Runs `work` with commits synced to disk before they return. The store
/// otherwise runs with `synchronous = NORMAL`, whose commits a power cut can
/// take back.
pub fn with_full_sync<T>(
    conn: &mut Connection,
    work: impl FnOnce(&mut Connection) -> Result<T>,
) -> Result<T> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let result = work(conn);
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    result
}

/// Commits `write` durably; on a full disk, gives up the store's reserve and
/// tries once more.
fn durably(
    conn: &mut Connection,
    dir: &Path,
    write: impl Fn(&Connection) -> Result<()>,
) -> Result<()> {
    let once = |conn: &mut Connection| {
        with_full_sync(conn, |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            write(&tx)?;
            tx.commit()?;
            Ok(())
        })
    };
    match once(conn) {
        Err(Error::StorageFull) if storage_reserve::release(dir) => once(conn),
        other => other,
    }
}
