//! Counting PIN attempts so that neither a killed process nor a clock set
//! forward helps whoever guesses.
//!
//! Each attempt is written as a failure, and that write reaches the disk
//! (fsync), before the key derivation runs: pulling the battery once the
//! PIN is typed cannot take the attempt back. A right PIN clears the count
//! in the same transaction that records the unlock.
//!
//! The back-off wait runs on the time since boot, not the wall clock. A
//! restart (or, where the platform has no boot id, a wall clock that moved)
//! starts the wait over: never shorter, at worst longer.

use rusqlite::{Connection, TransactionBehavior};

use super::clock::{Clock, SinceBoot};
use super::meta;
use super::policy::SecurityPolicy;
use crate::{Error, Result};

/// Refuses while the back-off wait runs; otherwise counts this attempt as a
/// failure, durably, and returns the count including it.
pub fn begin(conn: &mut Connection, policy: &SecurityPolicy, clock: &dyn Clock) -> Result<u32> {
    if meta::get_u64(conn, meta::ERASED)? != 0 {
        return Err(Error::Erased);
    }
    let failures = meta::get_u64(conn, meta::FAILED_UNLOCKS)?.min(u32::MAX as u64) as u32;
    let now = clock.since_boot();
    let wait_ms = policy.backoff_secs(failures).saturating_mul(1000);
    if wait_ms > 0 {
        let anchor: Option<SinceBoot> = meta::get_json(conn, meta::BACKOFF_ANCHOR)?;
        let elapsed_ms = match anchor {
            Some(anchor) if anchor.boot == now.boot && now.ms >= anchor.ms => now.ms - anchor.ms,
            _ => {
                durably(conn, |c| meta::put_json(c, meta::BACKOFF_ANCHOR, &now))?;
                0
            }
        };
        if elapsed_ms < wait_ms {
            return Err(Error::BackOff {
                retry_after_secs: (wait_ms - elapsed_ms).div_ceil(1000),
            });
        }
    }
    let counted = failures.saturating_add(1);
    let wall_ms = clock.now().timestamp_millis().max(0) as u64;
    durably(conn, |c| {
        meta::put_u64(c, meta::FAILED_UNLOCKS, counted.into())?;
        meta::put_u64(c, meta::LAST_FAILED_UNLOCK_MS, wall_ms)?;
        meta::put_json(c, meta::BACKOFF_ANCHOR, &now)
    })?;
    Ok(counted)
}

/// The attempt failed for a reason that was not the PIN (the key store was
/// unavailable, the store is damaged): it does not count against the person.
pub fn not_counted(conn: &mut Connection, counted: u32) -> Result<()> {
    durably(conn, |c| {
        meta::put_u64(c, meta::FAILED_UNLOCKS, counted.saturating_sub(1).into())
    })
}

/// The right PIN: the count starts over. In the caller's transaction.
pub fn clear(conn: &Connection) -> Result<()> {
    meta::put_u64(conn, meta::FAILED_UNLOCKS, 0)?;
    meta::put_u64(conn, meta::LAST_FAILED_UNLOCK_MS, 0)?;
    conn.execute("DELETE FROM meta WHERE key = ?1", [meta::BACKOFF_ANCHOR])?;
    Ok(())
}

/// Commits `write` with the WAL synced to disk before returning. The store
/// otherwise runs with `synchronous = NORMAL`, whose commits a power cut can
/// take back.
fn durably(conn: &mut Connection, write: impl FnOnce(&Connection) -> Result<()>) -> Result<()> {
    conn.pragma_update(None, "synchronous", "FULL")?;
    let result = (|| {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        write(&tx)?;
        tx.commit()?;
        Ok(())
    })();
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    result
}
