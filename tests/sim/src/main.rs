//! `fieldbook-sim`: runs a range of simulated schedules (see the library's
//! documentation), shrinks each failure and prints it with its trace. The
//! last line is `N schedules, F failures`; the exit status is 1 on any
//! failure. `scripts/simulate.sh` builds and runs it.

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use fieldbook_sim::hub::Backend;
use fieldbook_sim::run::{self, Config};
use fieldbook_sim::step::Schedule;

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
    /// Also write the schedule (JSON) of every seed that passes, to keep
    /// one that reaches a scenario as a regression test.
    #[arg(long)]
    keep: bool,
    /// Where to write each failure's trace and its shrunk schedule (JSON,
    /// for `--replay` and for a regression test).
    #[arg(long, default_value = "target/simulation")]
    out: PathBuf,
    /// Run the schedule in this file (as written by a failure) and print its trace.
    #[arg(long)]
    replay: Option<PathBuf>,
}

/// Runs one schedule file; exits 1 if it breaks an invariant.
fn replay_file(path: &std::path::Path, config: &Config) -> ! {
    let schedule: Schedule = std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| {
            eprintln!("error: cannot read the schedule {}: {e}", path.display());
            std::process::exit(2)
        });
    let rt = run::runtime();
    let outcome = run::replay(&rt, schedule.seed, &schedule.steps, config);
    println!("{}", run::describe(&outcome));
    let failed = outcome.failure.is_some();
    println!("1 schedules, {} failures", u8::from(failed));
    std::process::exit(i32::from(failed))
}

fn default_jobs() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

fn main() {
    let args = Args::parse();
    let backend = if args.postgres {
        Backend::Postgres(
            std::env::var("FIELDBOOK_TEST_POSTGRES").unwrap_or_else(|_| {
                "postgres://postgres:fieldbook@127.0.0.1:5432/test".to_string()
            }),
        )
    } else {
        Backend::Sqlite
    };
    let config = Config {
        steps: args.steps,
        backend,
    };
    if let Some(path) = &args.replay {
        replay_file(path, &config);
    }
    let _ = std::fs::create_dir_all(&args.out);
    let started = Instant::now();
    let done = std::sync::atomic::AtomicU64::new(0);
    let failures = run::run_range(args.start, args.seeds, args.jobs, &config, &|outcome| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        let mut out = std::io::stdout().lock();
        if args.trace {
            let _ = writeln!(out, "{}", run::describe(outcome));
        }
        if args.keep && outcome.failure.is_none() {
            let schedule = Schedule {
                seed: outcome.seed,
                about: String::new(),
                steps: outcome.steps.clone(),
            };
            let path = args.out.join(format!("seed-{}.json", outcome.seed));
            if let Err(e) = serde_json::to_string_pretty(&schedule)
                .map_err(|e| e.to_string())
                .and_then(|json| std::fs::write(&path, json).map_err(|e| e.to_string()))
            {
                eprintln!("could not write {}: {e}", path.display());
            }
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
        let trace = args.out.join(format!("seed-{}.txt", failure.seed));
        let _ = std::fs::write(&trace, run::describe(failure));
        let kept = if args.shrink_secs > 0 {
            let shrunk = run::shrink(&rt, failure, &config, Duration::from_secs(args.shrink_secs));
            println!(
                "shrunk from {} to {} steps:\n{}",
                failure.steps.len(),
                shrunk.steps.len(),
                run::describe(&shrunk)
            );
            shrunk
        } else {
            run::Outcome {
                seed: failure.seed,
                steps: failure.steps.clone(),
                trace: Vec::new(),
                failure: failure.failure.clone(),
            }
        };
        let schedule = Schedule {
            seed: kept.seed,
            about: kept
                .failure
                .as_ref()
                .map(|f| f.invariant.clone())
                .unwrap_or_default(),
            steps: kept.steps,
        };
        let path = args.out.join(format!("seed-{}.json", failure.seed));
        match serde_json::to_string_pretty(&schedule) {
            Ok(json) if std::fs::write(&path, &json).is_ok() => println!(
                "its schedule: {} (replay: scripts/simulate.sh --replay {})",
                path.display(),
                path.display()
            ),
            _ => eprintln!("could not write {}", path.display()),
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
