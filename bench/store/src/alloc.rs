//! A counting global allocator: the Rust heap in use now and its peak since
//! the last reset, so each phase reports the memory it needed.
//!
//! SQLite allocates through its own allocator, not this one; its usage comes
//! from `sqlite3_status64` (see [`sqlite_heap`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

pub struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = CURRENT.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

fn shrank(by: usize) {
    CURRENT.fetch_sub(by, Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Bytes of Rust heap in use now.
pub fn current() -> usize {
    CURRENT.load(Relaxed)
}

/// The peak since the last [`reset_peak`].
pub fn peak() -> usize {
    PEAK.load(Relaxed)
}

pub fn reset_peak() {
    PEAK.store(CURRENT.load(Relaxed), Relaxed);
}

/// Puts back a peak a nested measure reset (see [`peak_of`]).
fn raise_peak(to: usize) {
    PEAK.fetch_max(to, Relaxed);
}

/// Runs `f` and returns, beside its result, the Rust heap it needed above
/// what was in use when it started, without disturbing an enclosing probe.
pub fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let outer = peak();
    let start = current();
    reset_peak();
    let out = f();
    let needed = peak().saturating_sub(start);
    raise_peak(outer);
    (out, needed)
}

/// SQLite's own heap: (in use now, highest since the last reset); `reset`
/// starts a new high-water mark.
pub fn sqlite_heap(reset: bool) -> (i64, i64) {
    let mut cur: i64 = 0;
    let mut hi: i64 = 0;
    // SAFETY: plain out-pointers to locals; SQLITE_STATUS_MEMORY_USED is a valid op.
    unsafe {
        rusqlite::ffi::sqlite3_status64(
            rusqlite::ffi::SQLITE_STATUS_MEMORY_USED,
            &mut cur,
            &mut hi,
            reset as i32,
        );
    }
    (cur, hi)
}

/// The process's maximum resident set size so far, in bytes.
pub fn max_rss() -> u64 {
    // SAFETY: getrusage fills the struct we own.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_SELF, &mut usage) == 0 {
            usage.ru_maxrss as u64 * 1024
        } else {
            0
        }
    }
}

/// What one phase needed: Rust heap above where it started, and SQLite's
/// high-water mark (absolute, including the page caches of open connections).
#[derive(Debug, Clone, Copy, Default)]
pub struct PhaseMemory {
    pub rust_heap: usize,
    pub sqlite_heap: i64,
}

impl PhaseMemory {
    pub fn total(&self) -> u64 {
        self.rust_heap as u64 + self.sqlite_heap.max(0) as u64
    }
    pub fn max(self, other: PhaseMemory) -> PhaseMemory {
        PhaseMemory {
            rust_heap: self.rust_heap.max(other.rust_heap),
            sqlite_heap: self.sqlite_heap.max(other.sqlite_heap),
        }
    }
}

/// Starts measuring a phase.
pub struct PhaseProbe {
    start: usize,
}

impl PhaseProbe {
    pub fn start() -> Self {
        reset_peak();
        sqlite_heap(true);
        PhaseProbe { start: current() }
    }

    pub fn finish(self) -> PhaseMemory {
        PhaseMemory {
            rust_heap: peak().saturating_sub(self.start),
            sqlite_heap: sqlite_heap(false).1,
        }
    }
}
