//! Hybrid logical clock: wall-clock milliseconds plus a counter. Stamps stay
//! close to real time yet never go backwards on a device and always move past
//! any stamp the device has seen, so a later edit wins even when phone clocks
//! disagree by minutes.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A stamp of the hybrid logical clock; stamps order by wall time, then counter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (UTC).
    pub wall_ms: u64,
    /// Orders stamps within one millisecond.
    pub counter: u32,
}

impl Hlc {
    /// Earlier than every real stamp: a clock that has issued nothing yet.
    pub const ZERO: Hlc = Hlc {
        wall_ms: 0,
        counter: 0,
    };

    /// A stamp at `wall_ms` milliseconds since the Unix epoch, `counter` within it.
    pub fn new(wall_ms: u64, counter: u32) -> Self {
        Hlc { wall_ms, counter }
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.wall_ms, self.counter)
    }
}

/// The clock of one device. Its last stamp is persisted by the store so a
/// restart never reissues a stamp.
#[derive(Debug, Clone)]
pub struct HlcClock {
    last: Hlc,
}

impl HlcClock {
    /// Resumes a device's clock from the last stamp it issued or observed, as the store saved it.
    pub fn resume(last: Hlc) -> Self {
        HlcClock { last }
    }

    /// The latest stamp issued or observed, for the store to save.
    pub fn last(&self) -> Hlc {
        self.last
    }

    /// A fresh stamp, strictly greater than every stamp issued or observed.
    pub fn tick(&mut self, physical_ms: u64) -> Hlc {
        self.last = if physical_ms > self.last.wall_ms {
            Hlc::new(physical_ms, 0)
        } else {
            Hlc::new(self.last.wall_ms, self.last.counter.saturating_add(1))
        };
        self.last
    }

    /// Moves the clock past a stamp received from another device, but never
    /// more than `allowance_ms` past this device's own wall clock: a stamp
    /// far in the future does not drag the clock with it (see
    /// [`CLOCK_ALLOWANCE_MS`](super::merge::CLOCK_ALLOWANCE_MS)).
    pub fn observe(&mut self, remote: Hlc, physical_ms: u64, allowance_ms: u64) {
        let ceiling = Hlc::new(physical_ms.saturating_add(allowance_ms), 0);
        let remote = remote.min(ceiling);
        if remote > self.last {
            self.last = remote;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_strictly_increasing_even_when_wall_clock_goes_back() {
        let mut clock = HlcClock::resume(Hlc::ZERO);
        let a = clock.tick(1_000);
        let b = clock.tick(900);
        let c = clock.tick(1_000);
        let d = clock.tick(1_001);
        assert!(a < b && b < c && c < d);
        assert_eq!(d, Hlc::new(1_001, 0));
    }

    #[test]
    fn observing_a_future_stamp_moves_the_clock_past_it() {
        let mut clock = HlcClock::resume(Hlc::ZERO);
        clock.observe(Hlc::new(5_000, 7), 1_000, 10_000);
        let next = clock.tick(1_000);
        assert!(next > Hlc::new(5_000, 7));
    }

    #[test]
    fn a_stamp_beyond_the_allowance_does_not_drag_the_clock() {
        let mut clock = HlcClock::resume(Hlc::ZERO);
        clock.observe(Hlc::new(u64::MAX, u32::MAX), 1_000, 10_000);
        assert_eq!(clock.last(), Hlc::new(11_000, 0));
        assert_eq!(clock.tick(2_000), Hlc::new(11_000, 1));
    }
}
