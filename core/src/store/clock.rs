//! Time as the store sees it, injectable so tests can drive auto-lock, PIN
//! back-off and offline expiry without sleeping.
//!
//! Two clocks: the wall clock (dates, stamps), which anyone holding the
//! phone can set, and the time since boot, which nobody can set. Waits that
//! protect the store (PIN back-off) follow the time since boot, so setting
//! the wall clock forward does not shorten them.

use chrono::{DateTime, Local, NaiveDate, Utc};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

/// Where the store gets the time: the system's on devices, a [`ManualClock`] in tests.
pub trait Clock: Send + Sync {
    /// The wall clock, in UTC: stamps and dates follow it, and whoever holds the phone can set it.
    fn now(&self) -> DateTime<Utc>;
    /// The calendar day where the worker is: due lists and "today" defaults use it.
    fn today(&self) -> NaiveDate;
    /// Which boot this is and how long since it, counting sleep.
    fn since_boot(&self) -> SinceBoot;
}

/// A reading of the time since boot. `boot` names the boot: readings with
/// the same name can be subtracted; a different name means the phone
/// restarted (or, where the platform has no boot id, the wall clock moved).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SinceBoot {
    /// Which boot: the system's boot id, or one estimated from the wall clock where there is none.
    pub boot: String,
    /// Milliseconds since that boot, sleep included.
    pub ms: u64,
}

/// The device's own clocks, for shipped builds.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
    fn today(&self) -> NaiveDate {
        Local::now().date_naive()
    }
    fn since_boot(&self) -> SinceBoot {
        let ms = uptime_ms();
        SinceBoot {
            boot: boot_id().unwrap_or_else(|| {
                // No boot id: name the boot by when it happened, by the wall
                // clock, to the minute. Setting the clock then looks like a
                // restart, which only makes waits start over.
                let booted_ms = (Utc::now().timestamp_millis().max(0) as u64).saturating_sub(ms);
                format!("estimated-{}", booted_ms / 60_000)
            }),
            ms,
        }
    }
}

/// Linux and Android name each boot in procfs.
fn boot_id() -> Option<String> {
    let id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let id = id.trim();
    (!id.is_empty()).then(|| id.to_string())
}

/// Milliseconds since boot, including time asleep where the platform counts it.
#[cfg(unix)]
fn uptime_ms() -> u64 {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const CLOCK: libc::clockid_t = libc::CLOCK_BOOTTIME;
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const CLOCK: libc::clockid_t = libc::CLOCK_MONOTONIC;
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(CLOCK, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec.max(0) as u64) * 1000 + (ts.tv_nsec.max(0) as u64) / 1_000_000
}

#[cfg(not(unix))]
fn uptime_ms() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    // Without a boot clock, the process's own start stands in; each process
    // then looks like a new boot, which only makes waits start over.
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// A clock that moves only when told to (tests, benchmarks). Its wall clock
/// and its time since boot move together unless a test sets the wall clock
/// alone (as someone holding the phone could) or restarts the phone.
#[derive(Debug, Clone)]
pub struct ManualClock {
    millis: Arc<AtomicI64>,
    uptime: Arc<AtomicU64>,
    boot: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock whose wall clock reads `start`, a minute after a boot.
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock {
            millis: Arc::new(AtomicI64::new(start.timestamp_millis())),
            uptime: Arc::new(AtomicU64::new(60_000)),
            boot: Arc::new(AtomicU64::new(1)),
        }
    }

    /// Time passes: both clocks move.
    pub fn advance_secs(&self, secs: i64) {
        self.millis.fetch_add(secs * 1000, Ordering::SeqCst);
        if secs > 0 {
            self.uptime.fetch_add(secs as u64 * 1000, Ordering::SeqCst);
        }
    }

    /// Someone sets the wall clock (forward or back); no time passes.
    pub fn set_wall_clock_by_secs(&self, secs: i64) {
        self.millis.fetch_add(secs * 1000, Ordering::SeqCst);
    }

    /// The phone restarts: a new boot, counted from zero.
    pub fn restart(&self) {
        self.boot.fetch_add(1, Ordering::SeqCst);
        self.uptime.store(0, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(self.millis.load(Ordering::SeqCst)).unwrap_or_default()
    }
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
    fn since_boot(&self) -> SinceBoot {
        SinceBoot {
            boot: format!("manual-{}", self.boot.load(Ordering::SeqCst)),
            ms: self.uptime.load(Ordering::SeqCst),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_names_its_boot_and_counts_forward() {
        let a = SystemClock.since_boot();
        let b = SystemClock.since_boot();
        assert_eq!(a.boot, b.boot);
        assert!(b.ms >= a.ms);
        assert!(a.ms > 0);
    }

    #[test]
    fn a_manual_clock_moves_its_wall_clock_alone_when_set() {
        let clock = ManualClock::new(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        let before = clock.since_boot();
        clock.set_wall_clock_by_secs(3600);
        assert_eq!(clock.since_boot(), before);
        clock.advance_secs(10);
        assert_eq!(clock.since_boot().ms, before.ms + 10_000);
        clock.restart();
        assert_ne!(clock.since_boot().boot, before.boot);
        assert_eq!(clock.since_boot().ms, 0);
    }
}
