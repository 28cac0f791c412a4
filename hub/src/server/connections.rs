//! The open connections: what each one waits for and since when, the cap on
//! how many there are, and the sweep that closes those whose client stalled.
//!
//! Each connection's task records, as it goes, whether the hub is waiting on
//! the client (for a request's head, for the next request, for more of a
//! body, or for the client to take the answer) and since when. A sweeper
//! closes every connection that waited longer than its limit, and at the cap
//! the one that has waited longest makes room for a new one. So stalled
//! clients, however many, hold a connection for a bounded time and never
//! keep a responsive client out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::limits::{ConnectionLimits, SHED_AFTER};

/// How often the sweeper looks: a stalled connection lives at most this much
/// past its limit.
const SWEEP_EVERY: Duration = Duration::from_millis(250);

/// While at the cap with no connection to shed, how often to look again.
const RETRY_SHED_EVERY: Duration = Duration::from_millis(100);

/// What a connection is doing; all but `Working` wait on the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub(super) enum Phase {
    /// The hub is answering (or the client is sending and the bytes flow).
    Working = 0,
    /// Waiting for a request's head.
    Head = 1,
    /// Waiting for the next request on a kept-alive connection.
    Idle = 2,
    /// Waiting for more of a request body.
    Body = 3,
}

impl Phase {
    fn from_bits(bits: u64) -> Phase {
        match bits & 0b11 {
            1 => Phase::Head,
            2 => Phase::Idle,
            3 => Phase::Body,
            _ => Phase::Working,
        }
    }

    pub(super) fn describe(self) -> &'static str {
        match self {
            Phase::Working => "answering",
            Phase::Head => "a request's head",
            Phase::Idle => "a next request",
            Phase::Body => "a request body",
        }
    }
}

/// One connection's state, shared by its task (which writes it) and the
/// registry (which reads it). Times are milliseconds since the registry's
/// start, plus one, so that zero means "not waiting".
pub(super) struct Connection {
    epoch: Instant,
    /// `since << 2 | phase`.
    phase: AtomicU64,
    /// Since when a write to the client has not gone through (0: none pending).
    write_blocked: AtomicU64,
    in_flight: AtomicU32,
    closing: AtomicBool,
    close: Notify,
}

impl Connection {
    fn new(epoch: Instant) -> Connection {
        let c = Connection {
            epoch,
            phase: AtomicU64::new(0),
            write_blocked: AtomicU64::new(0),
            in_flight: AtomicU32::new(0),
            closing: AtomicBool::new(false),
            close: Notify::new(),
        };
        // A new connection owes the hub a request head.
        c.enter(Phase::Head);
        c
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64 + 1
    }

    fn enter(&self, phase: Phase) {
        let since = if phase == Phase::Working {
            0
        } else {
            self.now()
        };
        self.phase
            .store(since << 2 | phase as u64, Ordering::Relaxed);
    }

    pub(super) fn phase(&self) -> Phase {
        Phase::from_bits(self.phase.load(Ordering::Relaxed))
    }

    /// Bytes arrived: on an idle connection, a request has begun.
    pub(super) fn bytes_read(&self) {
        if self.phase() == Phase::Idle {
            self.enter(Phase::Head);
        }
    }

    /// A request's head is in; the hub works on it.
    pub(super) fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        self.enter(Phase::Working);
    }

    /// A request's answer went out (or was abandoned).
    pub(super) fn request_finished(&self) {
        if self.in_flight.fetch_sub(1, Ordering::Relaxed) == 1 {
            self.enter(Phase::Idle);
        }
    }

    /// The handler wants more of the body and none is there.
    pub(super) fn body_pending(&self) {
        if self.phase() != Phase::Body {
            self.enter(Phase::Body);
        }
    }

    /// Body bytes arrived, or the handler stopped reading.
    pub(super) fn body_progressed(&self) {
        if self.phase() == Phase::Body {
            self.enter(Phase::Working);
        }
    }

    /// The hub is done with the connection and waits for its client to
    /// close: like any waiting connection, it may go to make room.
    pub(super) fn lingering(&self) {
        self.write_progressed();
        self.enter(Phase::Idle);
    }

    pub(super) fn write_pending(&self) {
        if self.write_blocked.load(Ordering::Relaxed) == 0 {
            self.write_blocked.store(self.now(), Ordering::Relaxed);
        }
    }

    pub(super) fn write_progressed(&self) {
        self.write_blocked.store(0, Ordering::Relaxed);
    }

    /// How long the hub has been waiting on this client, and for what.
    fn waiting(&self, now: u64) -> Option<(Phase, Duration, bool)> {
        let bits = self.phase.load(Ordering::Relaxed);
        let phase = Phase::from_bits(bits);
        let read_wait = (phase != Phase::Working).then(|| now.saturating_sub(bits >> 2));
        let blocked = self.write_blocked.load(Ordering::Relaxed);
        let write_wait = (blocked != 0).then(|| now.saturating_sub(blocked));
        match (read_wait, write_wait) {
            (Some(r), Some(w)) if w > r => Some((phase, Duration::from_millis(w), true)),
            (Some(r), _) => Some((phase, Duration::from_millis(r), false)),
            (None, Some(w)) => Some((phase, Duration::from_millis(w), true)),
            (None, None) => None,
        }
    }

    /// Whether the client has kept the hub waiting past its limit.
    fn expired(&self, now: u64, limits: &ConnectionLimits) -> Option<&'static str> {
        let bits = self.phase.load(Ordering::Relaxed);
        let phase = Phase::from_bits(bits);
        let waited = Duration::from_millis(now.saturating_sub(bits >> 2));
        let limit = match phase {
            Phase::Working => None,
            Phase::Head => Some(limits.header_timeout),
            Phase::Idle => Some(limits.idle_timeout),
            Phase::Body => Some(limits.body_timeout),
        };
        if limit.is_some_and(|l| waited > l) {
            return Some(phase.describe());
        }
        let blocked = self.write_blocked.load(Ordering::Relaxed);
        if blocked != 0 && Duration::from_millis(now.saturating_sub(blocked)) > limits.body_timeout
        {
            return Some("the client to take the answer");
        }
        None
    }

    /// Asks the connection's task to drop the connection.
    fn close(&self) {
        if !self.closing.swap(true, Ordering::Relaxed) {
            self.close.notify_one();
        }
    }

    /// Resolves once the connection was told to close.
    pub(super) async fn closed(&self) {
        self.close.notified().await
    }
}

/// Every open connection, and the slots for new ones.
pub(super) struct Registry {
    limits: ConnectionLimits,
    epoch: Instant,
    slots: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    shutting_down: AtomicBool,
}

/// A connection's place in the registry; leaving frees the slot.
pub(super) struct Slot {
    registry: Arc<Registry>,
    id: u64,
    connection: Arc<Connection>,
    _permit: OwnedSemaphorePermit,
}

impl Slot {
    pub(super) fn connection(&self) -> &Arc<Connection> {
        &self.connection
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    pub(super) fn new(limits: ConnectionLimits) -> Arc<Registry> {
        Arc::new(Registry {
            limits,
            epoch: Instant::now(),
            slots: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            shutting_down: AtomicBool::new(false),
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        // The map stays consistent whatever panicked while holding it.
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64 + 1
    }

    /// A slot for a connection just accepted: a free one, or one freed by
    /// closing the connection that has kept the hub waiting longest; when
    /// every connection is busy, waits until one ends.
    pub(super) async fn admit(self: &Arc<Self>) -> Slot {
        loop {
            if let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() {
                return self.register(permit);
            }
            self.shed_one();
            tokio::select! {
                permit = Arc::clone(&self.slots).acquire_owned() => {
                    if let Ok(permit) = permit {
                        return self.register(permit);
                    }
                }
                _ = tokio::time::sleep(RETRY_SHED_EVERY) => {}
            }
        }
    }

    fn register(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Slot {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let connection = Arc::new(Connection::new(self.epoch));
        self.lock().insert(id, Arc::clone(&connection));
        Slot {
            registry: Arc::clone(self),
            id,
            connection,
            _permit: permit,
        }
    }

    /// Closes the connection that has kept the hub waiting longest, if it
    /// waited at least [`SHED_AFTER`]. Returns whether one was closed.
    fn shed_one(&self) -> bool {
        let now = self.now();
        let open = self.lock();
        let longest = open
            .values()
            .filter(|c| !c.closing.load(Ordering::Relaxed))
            .filter_map(|c| c.waiting(now).map(|w| (c, w)))
            .filter(|(_, (_, waited, _))| *waited >= SHED_AFTER)
            .max_by_key(|(_, (_, waited, _))| *waited);
        match longest {
            Some((connection, (phase, waited, writing))) => {
                tracing::debug!(
                    waited_ms = waited.as_millis() as u64,
                    waiting_for = if writing { "the client to take the answer" } else { phase.describe() },
                    "at the connection cap: closing the connection that kept the hub waiting longest"
                );
                connection.close();
                true
            }
            None => false,
        }
    }

    /// Closes, every [`SWEEP_EVERY`], the connections whose client kept the
    /// hub waiting past its limit; once shutting down, also those between
    /// requests. Runs until aborted.
    pub(super) async fn sweep(self: Arc<Self>) {
        let mut tick = tokio::time::interval(SWEEP_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = self.now();
            let shutting_down = self.shutting_down.load(Ordering::Relaxed);
            let mut closed = 0usize;
            for connection in self.lock().values() {
                if connection.closing.load(Ordering::Relaxed) {
                    continue;
                }
                let idle = matches!(connection.phase(), Phase::Head | Phase::Idle);
                let expired = connection.expired(now, &self.limits);
                if expired.is_some() || (shutting_down && idle) {
                    if let Some(what) = expired {
                        tracing::debug!(
                            waiting_for = what,
                            "closing a connection: its client stalled"
                        );
                    }
                    connection.close();
                    closed += 1;
                }
            }
            if closed > 0 {
                tracing::debug!(closed, "closed stalled connections");
            }
        }
    }

    /// From now on, connections between requests are closed.
    pub(super) fn begin_shutdown(&self) {
        self.shutting_down.store(true, Ordering::Relaxed);
    }

    /// Resolves once every connection has ended.
    pub(super) async fn drained(&self) {
        let all = u32::try_from(self.limits.max_connections.max(1)).unwrap_or(u32::MAX);
        let _ = self.slots.acquire_many(all).await;
    }
}
