//! Simulated time. The world's time moves only when the schedule says so;
//! each device reads it through its own clock, off by an offset that drifts
//! and jumps (a phone set by hand, a dead battery, a time-zone mix-up).
//!
//! The world starts at noon UTC of the real current day: the hub checks
//! invite expiry against its wall clock, so simulated time stays within days
//! of it, and starting at a fixed time of day keeps every date boundary at the
//! same point of a schedule whenever it is replayed.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use fieldbook_core::store::{Clock, SinceBoot};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// How far a device's clock may stray from the world's, either way.
pub const MAX_SKEW_MS: i64 = 36 * 3600 * 1000;

/// The simulated world's time: a start at noon today and the milliseconds since, moved only by the schedule.
#[derive(Clone)]
pub struct WorldClock {
    start: DateTime<Utc>,
    elapsed_ms: Arc<AtomicI64>,
}

impl WorldClock {
    /// A world clock at noon today (UTC).
    pub fn new() -> WorldClock {
        let today = Utc::now().date_naive();
        WorldClock {
            start: today
                .and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"))
                .and_utc(),
            elapsed_ms: Arc::new(AtomicI64::new(0)),
        }
    }

    /// When the world's time began.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Milliseconds since the start.
    pub fn elapsed_ms(&self) -> i64 {
        self.elapsed_ms.load(Ordering::SeqCst)
    }

    /// Moves the world's time on by `ms` (never back).
    pub fn advance(&self, ms: i64) {
        self.elapsed_ms.fetch_add(ms.max(0), Ordering::SeqCst);
    }

    /// A clock for one device, starting `skew_ms` off the world's.
    pub fn device(&self, skew_ms: i64) -> DeviceClock {
        DeviceClock {
            world: self.clone(),
            skew_ms: Arc::new(AtomicI64::new(skew_ms)),
        }
    }
}

impl Default for WorldClock {
    fn default() -> Self {
        Self::new()
    }
}

/// A device's clock: world time plus its own skew. Clones share the skew,
/// so the store and the simulation see the same clock.
#[derive(Clone)]
pub struct DeviceClock {
    world: WorldClock,
    skew_ms: Arc<AtomicI64>,
}

impl DeviceClock {
    /// How far this clock is from the world's, in milliseconds.
    pub fn skew_ms(&self) -> i64 {
        self.skew_ms.load(Ordering::SeqCst)
    }

    /// Moves the skew by `delta_ms`, kept within [`MAX_SKEW_MS`].
    pub fn skew_by(&self, delta_ms: i64) {
        let next = (self.skew_ms() + delta_ms).clamp(-MAX_SKEW_MS, MAX_SKEW_MS);
        self.skew_ms.store(next, Ordering::SeqCst);
    }
}

impl Clock for DeviceClock {
    fn now(&self) -> DateTime<Utc> {
        self.world.start + chrono::Duration::milliseconds(self.world.elapsed_ms() + self.skew_ms())
    }
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
    /// World time, without the skew: drift and jumps are the wall clock's
    /// (which anyone holding the phone can set); the time since boot only
    /// ever runs forward with the world. A crash restarts the app, not the
    /// phone, so the boot stays the same.
    fn since_boot(&self) -> SinceBoot {
        SinceBoot {
            boot: "simulated".into(),
            ms: BOOTED_MS_BEFORE_START + self.world.elapsed_ms().max(0) as u64,
        }
    }
}

/// How long each phone has been on when a schedule starts.
const BOOTED_MS_BEFORE_START: u64 = 3_600_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_read_world_time_through_their_own_skew() {
        let world = WorldClock::new();
        let fast = world.device(5_000);
        let slow = world.device(-5_000);
        world.advance(60_000);
        assert_eq!((fast.now() - slow.now()).num_seconds(), 10);
        assert_eq!((fast.now() - world.start()).num_seconds(), 65);
        fast.skew_by(10 * MAX_SKEW_MS);
        assert_eq!(fast.skew_ms(), MAX_SKEW_MS);
        world.advance(-1);
        assert_eq!(world.elapsed_ms(), 60_000, "world time never runs back");
    }
}
