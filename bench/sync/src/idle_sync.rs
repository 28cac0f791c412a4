//! A sync with nothing new, on each device once everything is synced: what
//! a phone pays for every periodic sync on a quiet day.

use std::sync::atomic::AtomicBool;
use std::time::Instant;

use fieldbook_core::store::Store;
use fieldbook_core::sync::{sync, SyncOptions};

use crate::first_sync::check;
use crate::hub::Hub;
use crate::proxy::{Bytes, Proxy};
use crate::team::Team;
use crate::Res;

/// What one sync with nothing new cost one device.
#[derive(Debug, Clone, Copy)]
pub struct IdleSync {
    /// Which device (`supervisor` or `outreach`).
    pub device: &'static str,
    /// Wall time of the sync.
    pub seconds: f64,
    /// Requests the hub answered.
    pub requests: u64,
    /// Of those, pulls (a no-op sync should be exactly one pull).
    pub pulls: u64,
    /// Bytes on the wire, each way, through the proxy.
    pub bytes: Bytes,
}

/// One sync with nothing new on each device, the supervisor's first.
pub fn run(team: &mut Team, hub: &Hub, proxy: &Proxy) -> Res<Vec<IdleSync>> {
    Ok(vec![
        once(&mut team.supervisor, "supervisor", hub, proxy)?,
        once(&mut team.outreach, "outreach", hub, proxy)?,
    ])
}

fn once(store: &mut Store, device: &'static str, hub: &Hub, proxy: &Proxy) -> Res<IdleSync> {
    let (traffic, bytes, start) = (hub.traffic(), proxy.bytes(), Instant::now());
    let summary = sync(
        store,
        &SyncOptions::default(),
        None,
        &AtomicBool::new(false),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let traffic = hub.traffic().since(&traffic);
    check(&summary, "a sync with nothing new")?;
    if summary.pushed + summary.pulled != 0 {
        return Err(format!(
            "a sync with nothing new moved versions: pushed {}, pulled {}",
            summary.pushed, summary.pulled
        )
        .into());
    }
    Ok(IdleSync {
        device,
        seconds,
        requests: traffic.requests(),
        pulls: traffic.pull.requests,
        bytes: proxy.bytes().since(&bytes),
    })
}
