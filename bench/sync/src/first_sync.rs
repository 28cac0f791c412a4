//! A first sync of many records: the outreach device writes them, then its
//! first sync pushes them to the hub (and, as the engine works, pulls its own
//! versions straight back: the "echo"); then the supervisor's first sync
//! pulls them all. Timed, with the hub's requests and the bytes on the wire
//! for each leg, and checked: every record must arrive.

use std::cell::RefCell;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use fieldbook_core::store::Store;
use fieldbook_core::sync::{sync, SyncListener, SyncOptions, SyncPhase, SyncSummary};
use fieldbook_core::RecordKind;

use crate::hub::{Hub, TrafficSnapshot};
use crate::proxy::{Bytes, Proxy};
use crate::records::{self, Written};
use crate::team::Team;
use crate::Res;

/// One leg of the journey: a span of a sync.
#[derive(Debug, Clone, Copy, Default)]
pub struct Leg {
    /// Wall time of the leg.
    pub seconds: f64,
    /// Versions it carried.
    pub versions: u64,
    /// Requests the hub answered (counted at the hub).
    pub requests: u64,
    /// Bytes on the wire, each way, through the proxy.
    pub bytes: Bytes,
    /// Seconds the hub spent answering those requests (the rest is the
    /// device, the wire and the proxy).
    pub hub_busy: f64,
}

impl Leg {
    fn between(start: &Mark, end: &Mark, versions: u64) -> Leg {
        let traffic = end.traffic.since(&start.traffic);
        Leg {
            seconds: (end.at - start.at).as_secs_f64(),
            versions,
            requests: traffic.requests(),
            bytes: end.bytes.since(&start.bytes),
            hub_busy: traffic.push.busy + traffic.pull.busy + traffic.other.busy,
        }
    }

    /// Versions carried per second.
    pub fn per_second(&self) -> f64 {
        self.versions as f64 / self.seconds.max(1e-9)
    }

    /// Bytes on the wire (both ways) per version carried.
    pub fn wire_per_version(&self) -> f64 {
        self.bytes.total() as f64 / self.versions.max(1) as f64
    }
}

/// What the first sync of many records measured.
#[derive(Debug, Clone, Copy)]
pub struct FirstSync {
    /// The records the outreach device wrote, by kind.
    pub written: Written,
    /// Seconds the outreach device spent writing the records (`add_many`; not sync).
    pub write_seconds: f64,
    /// The sum of the sealed bodies the hub's log holds for the team.
    pub sealed_bytes: u64,
    /// The outreach device's sync until its last push was acknowledged.
    pub push: Leg,
    /// The rest of that sync: pulling its own versions back.
    pub echo: Leg,
    /// The supervisor's first sync.
    pub pull: Leg,
}

impl FirstSync {
    /// Records written, of every kind.
    pub fn records(&self) -> u64 {
        self.written.total() as u64
    }

    /// Sealed bytes the hub holds per record.
    pub fn sealed_per_record(&self) -> f64 {
        self.sealed_bytes as f64 / self.records().max(1) as f64
    }
}

/// Counters at one instant.
#[derive(Clone, Copy)]
struct Mark {
    at: Instant,
    bytes: Bytes,
    traffic: TrafficSnapshot,
}

impl Mark {
    fn now(proxy: &Proxy, hub: &Hub) -> Mark {
        Mark {
            at: Instant::now(),
            bytes: proxy.bytes(),
            traffic: hub.traffic(),
        }
    }
}

/// Marks the moment the engine reports its last push batch acknowledged.
struct PushEnd<'a> {
    proxy: &'a Proxy,
    hub: &'a Hub,
    mark: RefCell<Option<Mark>>,
}

impl SyncListener for PushEnd<'_> {
    fn progress(&self, phase: SyncPhase, _done: u64, _total: Option<u64>) {
        if phase == SyncPhase::Push {
            *self.mark.borrow_mut() = Some(Mark::now(self.proxy, self.hub));
        }
    }
}

/// Writes `records` records on the outreach device (`batch` per call), syncs them to the hub, then times the supervisor's first sync that pulls them.
pub fn run(
    team: &mut Team,
    hub: &Hub,
    proxy: &Proxy,
    records: usize,
    batch: usize,
) -> Res<FirstSync> {
    let started = Instant::now();
    let written = records::write(&mut team.outreach, records, batch, 0x5EED_F1E1_DB00_C0DE)?;
    let write_seconds = started.elapsed().as_secs_f64();
    let n = written.total() as u64;
    let cancel = AtomicBool::new(false);
    let options = SyncOptions::default();

    let start = Mark::now(proxy, hub);
    let listener = PushEnd {
        proxy,
        hub,
        mark: RefCell::new(None),
    };
    let pushed = sync(&mut team.outreach, &options, Some(&listener), &cancel)?;
    let end = Mark::now(proxy, hub);
    let push_end = listener.mark.into_inner().unwrap_or(start);
    check(&pushed, "the outreach device's first sync")?;
    if u64::from(pushed.pushed) != n || pushed.push_duplicates != 0 {
        return Err(format!("pushed {} of {n} records", pushed.pushed).into());
    }
    let push = Leg::between(&start, &push_end, n);
    let echo = Leg::between(&push_end, &end, u64::from(pushed.pulled));

    let start = Mark::now(proxy, hub);
    let pulled = sync(&mut team.supervisor, &options, None, &cancel)?;
    let end = Mark::now(proxy, hub);
    check(&pulled, "the supervisor's first sync")?;
    if u64::from(pulled.pulled) != n || u64::from(pulled.merged) != n {
        return Err(format!("the supervisor pulled {} of {n} records", pulled.pulled).into());
    }
    let pull = Leg::between(&start, &end, n);

    check_arrived(&mut team.supervisor, &written)?;
    let log = hub.block_on(hub.storage().log_stats(team.team_id))?;
    if log.versions != n {
        return Err(format!("the hub's log holds {} versions, not {n}", log.versions).into());
    }
    Ok(FirstSync {
        written,
        write_seconds,
        sealed_bytes: log.bytes,
        push,
        echo,
        pull,
    })
}

/// A sync must say it succeeded, with nothing rejected.
pub fn check(summary: &SyncSummary, what: &str) -> Res<()> {
    if summary.ok && summary.rejected.is_empty() && summary.errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed: {} rejected, errors: {:?}",
            summary.rejected.len(),
            summary.errors
        )
        .into())
    }
}

/// Every record written on one device reads back on the other.
fn check_arrived(store: &mut Store, written: &Written) -> Res<()> {
    for (kind, expected) in [
        (RecordKind::Client, written.clients),
        (RecordKind::Contact, written.contacts),
        (RecordKind::Referral, written.referrals),
    ] {
        let listing = store.list(kind)?;
        if listing.records.len() != expected || !listing.unreadable.is_empty() {
            return Err(format!(
                "the supervisor reads {} {kind} records of {expected} ({} unreadable)",
                listing.records.len(),
                listing.unreadable.len()
            )
            .into());
        }
    }
    Ok(())
}
