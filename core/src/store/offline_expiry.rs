//! Offline expiry: a device that has not reached the office hub for the
//! policy's number of days crypto-erases itself at its next open or unlock.
//! A phone seized and kept offline never hears its wipe order; this is the
//! order it gives itself.
//!
//! Time offline is measured from the last hub contact to the latest time the
//! store has seen, which only moves forward: the latest wall-clock reading,
//! carried on by the time since boot. Setting the clock back therefore gains
//! nothing while the phone stays on; time spent switched off with the clock
//! set back is the one thing it cannot count.
//!
//! These values sit in clear: the store must read them before any PIN, and
//! whoever can rewrite the app's files could as well have copied the store
//! before the deadline (see docs/threat-model.md).

use serde::{Deserialize, Serialize};

use super::clock::{Clock, SinceBoot};
use super::meta;
use super::policy::{SecurityPolicy, OFFLINE_WARNING_DAYS};
use crate::Result;
use rusqlite::Connection;

const DAY_MS: u64 = 24 * 60 * 60 * 1000;

/// The latest wall-clock time seen, and the time since boot when it was.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Seen {
    wall_ms: u64,
    since_boot: SinceBoot,
}

/// How long a device linked to a hub has been away from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OfflineStatus {
    /// Whole days since the last hub contact.
    pub days_offline: u32,
    /// Whole days left before the store erases itself (0: at the next open).
    pub days_left: u32,
    /// Whether the apps should warn (from [`OFFLINE_WARNING_DAYS`] before).
    pub warn: bool,
}

/// The latest time this store can vouch for: never earlier than one it saw.
fn latest_ms(conn: &Connection, clock: &dyn Clock) -> Result<u64> {
    let wall = clock.now().timestamp_millis().max(0) as u64;
    let Some(seen) = meta::get_json::<Seen>(conn, meta::WALL_CLOCK_SEEN)? else {
        return Ok(wall);
    };
    let now = clock.since_boot();
    let carried = if now.boot == seen.since_boot.boot {
        seen.wall_ms + now.ms.saturating_sub(seen.since_boot.ms)
    } else {
        seen.wall_ms
    };
    Ok(wall.max(carried))
}

/// Moves the latest time seen forward to now.
pub fn observe(conn: &Connection, clock: &dyn Clock) -> Result<()> {
    let seen = Seen {
        wall_ms: latest_ms(conn, clock)?,
        since_boot: clock.since_boot(),
    };
    meta::put_json(conn, meta::WALL_CLOCK_SEEN, &seen)
}

/// The hub answered: the offline time starts over.
pub fn record_hub_contact(conn: &Connection, clock: &dyn Clock) -> Result<()> {
    let now = latest_ms(conn, clock)?;
    meta::put_u64(conn, meta::LAST_HUB_CONTACT_MS, now)?;
    observe(conn, clock)
}

/// `None` for a store that never reached a hub (a team of its own).
pub fn status(
    conn: &Connection,
    clock: &dyn Clock,
    policy: &SecurityPolicy,
) -> Result<Option<OfflineStatus>> {
    let last = meta::get_u64(conn, meta::LAST_HUB_CONTACT_MS)?;
    if last == 0 {
        return Ok(None);
    }
    let offline_ms = latest_ms(conn, clock)?.saturating_sub(last);
    let limit_ms = policy.offline_limit_ms();
    let days_offline = (offline_ms / DAY_MS).min(u32::MAX as u64) as u32;
    let days_left = (limit_ms.saturating_sub(offline_ms) / DAY_MS) as u32;
    Ok(Some(OfflineStatus {
        days_offline,
        days_left,
        warn: days_left < OFFLINE_WARNING_DAYS,
    }))
}

/// Whether the store has been away from its hub longer than the policy allows.
pub fn expired(conn: &Connection, clock: &dyn Clock, policy: &SecurityPolicy) -> Result<bool> {
    let last = meta::get_u64(conn, meta::LAST_HUB_CONTACT_MS)?;
    Ok(last != 0 && latest_ms(conn, clock)?.saturating_sub(last) > policy.offline_limit_ms())
}
