//! Running schedules: one seed (generate and run), a given list of steps
//! (replay), a range of seeds on several threads, and shrinking a failure
//! to a shorter schedule that still breaks the same invariant.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;

use crate::generate;
use crate::hub::Backend;
use crate::rng::Rng;
use crate::step::{Numbered, Step};
use crate::world::{Failure, World};

/// How to run schedules.
#[derive(Debug, Clone)]
pub struct Config {
    /// Random steps after the team is set up (a quiet point ends every schedule).
    pub steps: usize,
    /// Where the hub keeps its state.
    pub backend: Backend,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            steps: 150,
            backend: Backend::Sqlite,
        }
    }
}

/// One schedule's run: its steps, its trace, and the broken invariant if any.
pub struct Outcome {
    /// The seed it ran from.
    pub seed: u64,
    /// Every step, the team's setup included.
    pub steps: Vec<Numbered>,
    /// What happened, line by line, the same for the same seed.
    pub trace: Vec<String>,
    /// The first broken invariant; `None` when all held.
    pub failure: Option<Failure>,
}

/// The runtime the hub's router runs on (one per thread that runs schedules).
pub fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Generates and runs the schedule of `seed`.
pub fn run_seed(rt: &Runtime, seed: u64, config: &Config) -> Outcome {
    let mut rng = Rng::new(seed);
    let second_supervisor = rng.chance(300);
    let mut steps = Vec::new();
    let mut world = match World::new(rt, &config.backend, second_supervisor) {
        Ok(world) => world,
        Err(failure) => {
            return Outcome {
                seed,
                steps,
                trace: Vec::new(),
                failure: Some(failure),
            }
        }
    };
    let mut failure = None;
    for id in 1..=config.steps {
        let step = generate::next_step(&mut world, &mut rng);
        steps.push(Numbered {
            id,
            step: step.clone(),
        });
        if let Err(f) = world.apply(id, &step) {
            failure = Some(f);
            break;
        }
    }
    if failure.is_none() {
        let id = config.steps + 1;
        steps.push(Numbered {
            id,
            step: Step::Quiet,
        });
        failure = world.apply(id, &Step::Quiet).err();
    }
    Outcome {
        seed,
        steps,
        trace: world.into_trace(),
        failure,
    }
}

/// Runs `steps` (a quiet point is added at the end) on the team `seed` sets up.
pub fn replay(rt: &Runtime, seed: u64, steps: &[Numbered], config: &Config) -> Outcome {
    let mut rng = Rng::new(seed);
    let second_supervisor = rng.chance(300);
    let mut world = match World::new(rt, &config.backend, second_supervisor) {
        Ok(world) => world,
        Err(failure) => {
            return Outcome {
                seed,
                steps: steps.to_vec(),
                trace: Vec::new(),
                failure: Some(failure),
            }
        }
    };
    let mut failure = None;
    let mut ran = Vec::new();
    for numbered in steps {
        ran.push(numbered.clone());
        if let Err(f) = world.apply(numbered.id, &numbered.step) {
            failure = Some(f);
            break;
        }
    }
    let last = ran.last().map(|n| (n.id, matches!(n.step, Step::Quiet)));
    if failure.is_none() && !matches!(last, Some((_, true))) {
        let id = last.map_or(1, |(id, _)| id + 1);
        ran.push(Numbered {
            id,
            step: Step::Quiet,
        });
        failure = world.apply(id, &Step::Quiet).err();
    }
    Outcome {
        seed,
        steps: ran,
        trace: world.into_trace(),
        failure,
    }
}

/// A shorter schedule that still breaks the same invariant: chunks of steps
/// are dropped while the failure stays (delta debugging), within `budget`.
pub fn shrink(rt: &Runtime, failed: &Outcome, config: &Config, budget: Duration) -> Outcome {
    let Some(target) = failed.failure.as_ref().map(|f| f.invariant.clone()) else {
        panic!("only a failed schedule is shrunk");
    };
    let started = Instant::now();
    let mut best = replay(rt, failed.seed, &failed.steps, config);
    if best.failure.as_ref().map(|f| &f.invariant) != Some(&target) {
        // Not reproducible from its steps alone: keep the original.
        return Outcome {
            seed: failed.seed,
            steps: failed.steps.clone(),
            trace: failed.trace.clone(),
            failure: failed.failure.clone(),
        };
    }
    // A shorter schedule that breaks the same invariant (a replay adds a
    // closing quiet point, so what it ran is compared, not what it was given).
    let still_fails = |steps: &[Numbered], than: usize| {
        let tried = replay(rt, failed.seed, steps, config);
        let same = tried.failure.as_ref().map(|f| &f.invariant) == Some(&target);
        (same && tried.steps.len() < than).then_some(tried)
    };
    // First whole groups at once: every step of one kind, every step of one device.
    let mut groups: Vec<String> = Vec::new();
    for numbered in &best.steps {
        for group in groups_of(&numbered.step) {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    for group in groups {
        if started.elapsed() >= budget {
            break;
        }
        let candidate: Vec<Numbered> = best
            .steps
            .iter()
            .filter(|n| !groups_of(&n.step).contains(&group))
            .cloned()
            .collect();
        if candidate.len() < best.steps.len() {
            if let Some(tried) = still_fails(&candidate, best.steps.len()) {
                best = tried;
            }
        }
    }
    // Then runs of steps, halving their length (delta debugging).
    let mut chunk = (best.steps.len() / 2).max(1);
    while started.elapsed() < budget {
        let mut progress = false;
        let mut at = 0;
        while at < best.steps.len() && started.elapsed() < budget {
            let mut candidate = best.steps.clone();
            let end = (at + chunk).min(candidate.len());
            candidate.drain(at..end);
            match still_fails(&candidate, best.steps.len()) {
                Some(tried) => {
                    best = tried;
                    progress = true;
                }
                None => at += chunk,
            }
        }
        if !progress {
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    best
}

/// The groups a step belongs to for shrinking: its kind, and its device.
fn groups_of(step: &Step) -> Vec<String> {
    let kind = format!("{step:?}")
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string();
    let device = step.devices().first().map(|d| format!("d{d}"));
    let mut groups = vec![kind];
    groups.extend(device);
    groups
}

/// Runs seeds `start..start + count` on `jobs` threads; `report` sees each
/// outcome as it ends (from any thread). Returns the failed outcomes, by seed.
pub fn run_range(
    start: u64,
    count: u64,
    jobs: usize,
    config: &Config,
    report: &(dyn Fn(&Outcome) + Sync),
) -> Vec<Outcome> {
    let next = AtomicU64::new(start);
    let failures = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                let rt = runtime();
                loop {
                    let seed = next.fetch_add(1, Ordering::SeqCst);
                    if seed >= start + count {
                        return;
                    }
                    let outcome = run_seed(&rt, seed, config);
                    report(&outcome);
                    if outcome.failure.is_some() {
                        failures
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push(outcome);
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    failures.sort_by_key(|o| o.seed);
    failures
}

/// A failure as people read it: seed, invariant, detail, and the trace.
pub fn describe(outcome: &Outcome) -> String {
    let mut text = String::new();
    if let Some(f) = &outcome.failure {
        text.push_str(&format!(
            "seed {} broke \"{}\" at step {}:\n  {}\n",
            outcome.seed, f.invariant, f.step, f.detail
        ));
    }
    text.push_str(&format!(
        "trace of seed {} ({} steps):\n",
        outcome.seed,
        outcome.steps.len()
    ));
    for line in &outcome.trace {
        text.push_str(line);
        text.push('\n');
    }
    text
}
