//! The test command's share of the simulation: a range of seeds on every
//! run, and the proof that a seed replays the same way. `scripts/simulate.sh`
//! runs longer ranges; see `docs/testing.md`.

use fieldbook_sim::hub::Backend;
use fieldbook_sim::run::{self, Config};

/// How many schedules `cargo test` runs: `FIELDBOOK_SIM_SEEDS`, or 2,000.
/// CI sets a start that changes between runs (`FIELDBOOK_SIM_START`), so
/// over time it covers more seeds than any one run.
fn share() -> (u64, u64) {
    let read = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (
        read("FIELDBOOK_SIM_START", 0),
        read("FIELDBOOK_SIM_SEEDS", 2_000),
    )
}

#[test]
fn random_team_schedules_keep_every_invariant() {
    let (start, count) = share();
    let started = std::time::Instant::now();
    let failures = run::run_range(start, count, 2, &Config::default(), &|_| {});
    eprintln!(
        "simulation: {count} schedules from seed {start} in {:.1?}, {} failures",
        started.elapsed(),
        failures.len()
    );
    if let Some(first) = failures.first() {
        let seeds: Vec<u64> = failures.iter().map(|f| f.seed).collect();
        panic!(
            "{} of {count} schedules broke an invariant (seeds {seeds:?}); replay one with \
             scripts/simulate.sh --seeds 1 --start SEED\n\n{}",
            failures.len(),
            run::describe(first)
        );
    }
}

/// A share on PostgreSQL when the test command has one
/// (`FIELDBOOK_TEST_POSTGRES`): `FIELDBOOK_SIM_POSTGRES_SEEDS`, or 100.
#[test]
fn random_team_schedules_keep_every_invariant_on_postgresql() {
    let Ok(url) = std::env::var("FIELDBOOK_TEST_POSTGRES") else {
        eprintln!("no FIELDBOOK_TEST_POSTGRES: the PostgreSQL share is skipped");
        return;
    };
    let count = std::env::var("FIELDBOOK_SIM_POSTGRES_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let config = Config {
        backend: Backend::Postgres(url),
        ..Config::default()
    };
    let failures = run::run_range(0, count, 1, &config, &|_| {});
    if let Some(first) = failures.first() {
        panic!(
            "{} of {count} schedules on PostgreSQL broke an invariant\n\n{}",
            failures.len(),
            run::describe(first)
        );
    }
}

/// A seed is the whole story: generating and running it twice tells the
/// same trace, and running its recorded steps tells it again.
#[test]
fn a_seed_replays_the_same_trace() {
    let rt = run::runtime();
    let config = Config::default();
    for seed in [3, 1_234] {
        let first = run::run_seed(&rt, seed, &config);
        let again = run::run_seed(&rt, seed, &config);
        assert!(first.trace.len() > 100, "a schedule does things");
        assert_eq!(
            first.trace, again.trace,
            "seed {seed} ran differently twice"
        );
        let replayed = run::replay(&rt, seed, &first.steps, &config);
        let differ = first
            .trace
            .iter()
            .zip(&replayed.trace)
            .position(|(a, b)| a != b);
        assert!(
            differ.is_none() && first.trace.len() == replayed.trace.len(),
            "seed {seed}'s recorded steps ran differently from its generation, from line {differ:?}:\n{}\n---\n{}",
            first.trace[differ.unwrap_or(0).saturating_sub(3)..].iter().take(8).cloned().collect::<Vec<_>>().join("\n"),
            replayed.trace[differ.unwrap_or(0).saturating_sub(3)..].iter().take(8).cloned().collect::<Vec<_>>().join("\n"),
        );
    }
}
