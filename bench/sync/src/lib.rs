//! Fieldbook's sync benchmark, in one run against a hub in this process on
//! 127.0.0.1, for each storage backend:
//!
//! 1. a first sync of many records from one real device, through the hub,
//!    to a second real device ([`first_sync`]), with the bytes on the wire
//!    counted by a proxy between the devices and the hub ([`proxy`]);
//! 2. a sync with nothing new on each device ([`idle_sync`]);
//! 3. many simulated devices syncing at once ([`crowd`]).
//!
//! [`run`] does it all and returns the figures; [`report`] prints them.

pub mod backend;
pub mod crowd;
pub mod first_sync;
pub mod hub;
pub mod idle_sync;
pub mod machine;
pub mod proxy;
pub mod records;
pub mod report;
pub mod stats;
pub mod team;

use std::path::PathBuf;
use std::time::Instant;

use backend::BackendKind;
use crowd::{Crowd, CrowdConfig};
use first_sync::FirstSync;
use hub::Hub;
use idle_sync::IdleSync;
use proxy::Proxy;
use team::Kdf;

/// A result whose error crosses threads.
pub type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// What to run, and how big.
#[derive(Debug, Clone)]
pub struct Config {
    /// Records the first device writes and syncs.
    pub records: usize,
    /// Records per `add_many` call while writing them.
    pub write_batch: usize,
    /// The many-devices run.
    pub crowd: CrowdConfig,
    /// The hub backends to run against, in order.
    pub backends: Vec<BackendKind>,
    /// How the two real devices derive their store keys.
    pub kdf: Kdf,
    /// The PostgreSQL database to make the run's schema in.
    pub postgres_url: String,
    /// The hub's listen backlog; `None` listens as the `fieldbook-hub`
    /// binary does (128).
    pub hub_backlog: Option<u32>,
    /// Where the hub's SQLite file and the devices' stores go (a new
    /// temporary directory inside it, removed afterwards).
    pub work_dir: Option<PathBuf>,
    /// The two devices' link to the hub, in megabits a second each way
    /// (`None`: loopback, as fast as it goes).
    pub link_mbit: Option<f64>,
    /// Progress lines on standard error.
    pub verbose: bool,
}

/// Everything measured against one backend.
#[derive(Debug, Clone)]
pub struct BackendRun {
    /// The backend measured.
    pub backend: BackendKind,
    /// The first sync of many records.
    pub first: FirstSync,
    /// A sync with nothing new, on each device.
    pub idle: Vec<IdleSync>,
    /// Many devices syncing at once.
    pub crowd: Crowd,
    /// Wall time of everything against this backend.
    pub seconds: f64,
}

/// Runs the whole benchmark on every configured backend, one after another.
pub fn run(config: &Config) -> Res<Vec<BackendRun>> {
    config
        .backends
        .iter()
        .map(|&backend| run_backend(config, backend))
        .collect()
}

/// Runs the whole benchmark against one backend, on a fresh hub store.
pub fn run_backend(config: &Config, backend: BackendKind) -> Res<BackendRun> {
    let started = Instant::now();
    let note = |what: &str| {
        if config.verbose {
            eprintln!(
                "[{:>6.1} s] {}: {what}",
                started.elapsed().as_secs_f64(),
                backend.name()
            );
        }
    };
    let work = match &config.work_dir {
        Some(dir) => tempfile::Builder::new()
            .prefix("fieldbook-sync-bench-")
            .tempdir_in(dir)?,
        None => tempfile::Builder::new()
            .prefix("fieldbook-sync-bench-")
            .tempdir()?,
    };
    let runtime = hub::runtime()?;
    let store = backend::open(backend, work.path(), &config.postgres_url, &runtime)?;
    let hub = Hub::start(runtime, store.storage.clone(), config.hub_backlog)?;
    let proxy = Proxy::start(hub.addr(), config.link_mbit)?;

    note("enrolling two devices");
    let mut team = team::set_up(&hub, &proxy.url(), work.path(), config.kdf)?;
    note(&format!(
        "writing {} records, then the first sync",
        config.records
    ));
    let first = first_sync::run(&mut team, &hub, &proxy, config.records, config.write_batch)?;
    note("syncs with nothing new");
    let idle = idle_sync::run(&mut team, &hub, &proxy)?;
    note(&format!("{} devices syncing at once", config.crowd.devices));
    let crowd = crowd::run(&hub, config.crowd)?;
    note("done");
    // The hub goes before its store (PostgreSQL: before the schema is dropped).
    drop(team);
    drop(proxy);
    drop(hub);
    drop(store);
    Ok(BackendRun {
        backend,
        first,
        idle,
        crowd,
        seconds: started.elapsed().as_secs_f64(),
    })
}
