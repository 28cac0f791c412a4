//! fieldbook-sync-bench: a first sync of many records, a sync with nothing
//! new, and many devices syncing at once, through a real hub on loopback,
//! on SQLite and on PostgreSQL, with PostgreSQL's figures as ratios against
//! SQLite's.
//!
//! `cargo run --release -p fieldbook-sync-bench -- [--records N] [--devices N] [--quick]`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Parser;
use fieldbook_sync_bench::backend::{BackendKind, DEFAULT_POSTGRES};
use fieldbook_sync_bench::crowd::CrowdConfig;
use fieldbook_sync_bench::team::Kdf;
use fieldbook_sync_bench::{report, run, Config};

#[derive(Parser)]
#[command(
    name = "fieldbook-sync-bench",
    about = "Fieldbook's sync benchmark: first sync, no-op sync and many devices at once, on SQLite and PostgreSQL"
)]
struct Args {
    /// Records the first device writes and syncs to the second.
    #[arg(long, default_value_t = 50_000)]
    records: usize,
    /// Simulated devices syncing at once.
    #[arg(long, default_value_t = 500)]
    devices: usize,
    /// Devices per team among the simulated ones.
    #[arg(long, default_value_t = 20)]
    team_size: usize,
    /// Rounds in which every simulated device syncs once, all at the same moment.
    #[arg(long, default_value_t = 5)]
    rounds: usize,
    /// Sealed versions each simulated device pushes per sync.
    #[arg(long, default_value_t = 5)]
    versions: usize,
    /// Backends, comma-separated: sqlite, postgres.
    #[arg(long, value_delimiter = ',', default_value = "sqlite,postgres")]
    backends: Vec<BackendKind>,
    /// PostgreSQL to use (a fresh schema is made and dropped).
    #[arg(long, env = "FIELDBOOK_TEST_POSTGRES", default_value = DEFAULT_POSTGRES, hide_env_values = true)]
    postgres: String,
    /// The hub's listen backlog (default: as the fieldbook-hub binary listens, 128).
    #[arg(long)]
    backlog: Option<u32>,
    /// A small run: 2,000 records, 50 devices, 2 rounds.
    #[arg(long)]
    quick: bool,
    /// Create the two devices' stores with the tests' cheap KDF.
    #[arg(long)]
    fast_kdf: bool,
    /// Where the hub's SQLite file and the devices' stores go (default: the system's temp dir).
    #[arg(long)]
    work_dir: Option<PathBuf>,
    /// Cap the two devices' link to the hub at this many megabits a second
    /// each way, as a phone's network would (default: loopback, uncapped).
    #[arg(long)]
    link_mbit: Option<f64>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let (records, devices, rounds) = if args.quick {
        (2_000, 50, 2)
    } else {
        (args.records, args.devices, args.rounds)
    };
    let config = Config {
        records,
        write_batch: 1_000,
        crowd: CrowdConfig {
            devices,
            team_size: args.team_size.max(1),
            rounds,
            versions_per_sync: args.versions,
            // Averages 1.8 KB, near the first sync's sealed clients,
            // contacts and referrals (1.65 KB on average).
            body_bytes: (800, 2_800),
            deadline: Duration::from_secs(300),
        },
        backends: args.backends,
        kdf: if args.fast_kdf {
            Kdf::Fast
        } else {
            Kdf::Strong
        },
        postgres_url: args.postgres,
        hub_backlog: args.backlog,
        work_dir: args.work_dir,
        link_mbit: args.link_mbit,
        verbose: true,
    };
    let started = Instant::now();
    match run(&config) {
        Ok(runs) => {
            report::print(&config, &runs);
            println!("total run time: {:.0} s", started.elapsed().as_secs_f64());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("fieldbook-sync-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
