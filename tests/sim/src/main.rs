//! `fieldbook-sim`: runs a range of simulated schedules (see the library's
//! documentation), shrinks each failure and prints it with its trace. The
//! last line is `N schedules, F failures`; the exit status is 1 on any
//! failure. `scripts/simulate.sh` builds and runs it.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use fieldbook_sim::generate::Avoid;
use fieldbook_sim::hub::Backend;
use fieldbook_sim::run::{self, Config};

#[derive(Parser)]
#[command(
    about = "Simulates whole teams: random schedules of devices, hub and faults, each deterministic from its seed"
)]
struct Args {
    /// How many schedules (seeds) to run.
    #[arg(long, default_value_t = 1000)]
    seeds: u64,
    /// The first seed.
    #[arg(long, default_value_t = 0)]
    start: u64,
    /// Random steps per schedule.
    #[arg(long, default_value_t = Config::default().steps)]
    steps: usize,
    /// Schedules run at once.
    #[arg(long, default_value_t = default_jobs())]
    jobs: usize,
    /// Print the whole trace of every schedule, not only of failures.
    #[arg(long)]
    trace: bool,
    /// Seconds spent shrinking each failure (0: do not shrink).
    #[arg(long, default_value_t = 120)]
    shrink_secs: u64,
    /// Run the hub on PostgreSQL (FIELDBOOK_TEST_POSTGRES, or a local server).
    #[arg(long)]
    postgres: bool,
    /// Do not steer around the known, unfixed product bugs.
    #[arg(long)]
    known_bugs: bool,
    /// Where to write the full traces of failures.
    #[arg(long)]
    out: Option<PathBuf>,
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn main() {
    let args = Args::parse();
    let backend = if args.postgres {
        Backend::Postgres(
            std::env::var("FIELDBOOK_TEST_POSTGRES")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string()),
        )
    } else {
        Backend::Sqlite
    };
    let config = Config {
        steps: args.steps,
        backend,
        avoid: if args.known_bugs {
            Avoid::NOTHING
        } else {
            Avoid::KNOWN
        },
    };
    let started = Instant::now();
    let done = std::sync::atomic::AtomicU64::new(0);
    let failures = run::run_range(args.start, args.seeds, args.jobs, &config, &|outcome| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let mut out = std::io::stdout().lock();
        if args.trace {
            let _ = writeln!(out, "{}", run::describe(outcome));
        }
        if let Some(f) = &outcome.failure {
            let _ = writeln!(
                out,
                "seed {}: FAILED \"{}\" at step {}",
                outcome.seed, f.invariant, f.step
            );
        }
        if n % 1000 == 0 {
            let _ = writeln!(out, "… {n} schedules in {:.0?}", started.elapsed());
        }
    });
    let ran = started.elapsed();
    let rt = run::runtime();
    for failure in &failures {
        println!("\n{}", run::describe(failure));
        if args.shrink_secs > 0 {
            let shrunk = run::shrink(&rt, failure, &config, Duration::from_secs(args.shrink_secs));
            println!(
                "shrunk from {} to {} steps (replay it with the steps below on seed {}):\n{}",
                failure.steps.len(),
                shrunk.steps.len(),
                failure.seed,
                run::describe(&shrunk)
            );
            for (i, step) in shrunk.steps.iter().enumerate() {
                println!("  step {}: {step}", i + 1);
            }
        }
        if let Some(dir) = &args.out {
            let _ = std::fs::create_dir_all(dir);
            let path = dir.join(format!("seed-{}.txt", failure.seed));
            let _ = std::fs::write(&path, run::describe(failure));
        }
    }
    println!(
        "ran seeds {}..{} with {} steps each in {:.1?} on {} threads",
        args.start,
        args.start + args.seeds,
        config.steps,
        ran,
        args.jobs
    );
    println!("{} schedules, {} failures", args.seeds, failures.len());
    if !failures.is_empty() {
        std::process::exit(1);
    }
}
