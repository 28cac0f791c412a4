//! Every product bug the simulation found, as the shrunk schedule that
//! showed it (`tests/sim/regressions/`), named by its seed. A fixed bug's
//! schedule must keep every invariant. An unfixed bug's test is ignored
//! until its fix lands (`cargo test -p fieldbook-sim --test regressions --
//! --ignored` shows it failing), and the random schedules steer around it
//! meanwhile (`fieldbook_sim::generate::Avoid`); removing the ignore and the
//! avoidance is part of the fix.

use std::path::Path;

use fieldbook_sim::run::{self, Config, Outcome};
use fieldbook_sim::step::Schedule;

fn replay(file: &str) -> (Schedule, Outcome) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("regressions")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let schedule: Schedule =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("parsing {}: {e}", path.display()));
    let rt = run::runtime();
    let outcome = run::replay(&rt, schedule.seed, &schedule.steps, &Config::default());
    (schedule, outcome)
}

fn keeps_every_invariant(file: &str) {
    let (schedule, outcome) = replay(file);
    if outcome.failure.is_some() {
        panic!("{}\n\n{}", schedule.about, run::describe(&outcome));
    }
}

/// A sync found its store locked when it checked for a new key epoch, the
/// store was unlocked before the page was merged, and the page's versions
/// under the new epoch were rejected and skipped for good.
#[test]
fn seed_109_versions_under_a_new_epoch_survive_an_unlock_mid_sync() {
    keeps_every_invariant("seed-109-unlocked-between-key-check-and-merge.json");
}

// --- found, not fixed yet: key rotation and enrollment (the signed roster
// and signed rotations rework this code; each test below is the check that
// it did). `Avoid` in `generate.rs` names the same bugs.

/// A code issued before a rotation enrolls a device that never receives
/// the new epoch's keys (`Avoid::stale_invites`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_8_a_code_issued_before_a_rotation_still_gets_the_new_keys() {
    keeps_every_invariant("seed-8-code-issued-before-a-rotation.json");
}

/// A supervisor behind the team's key epoch issues a code with old keys
/// only (`Avoid::stale_invites`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_148_a_code_from_a_supervisor_behind_the_epoch_still_gets_the_new_keys() {
    keeps_every_invariant("seed-148-code-issued-by-a-supervisor-behind-the-epoch.json");
}

/// A crash between the hub's revocation and the key rotation leaves the
/// team on keys the revoked device holds (`Avoid::interrupted_revocations`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_92_a_revocation_cut_by_a_crash_still_rotates_the_keys() {
    keeps_every_invariant("seed-92-crash-during-a-revocation.json");
}

/// The store locking itself between the hub's revocation and the rotation
/// does the same (`Avoid::interrupted_revocations`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_260_a_revocation_cut_by_an_auto_lock_still_rotates_the_keys() {
    keeps_every_invariant("seed-260-store-locks-during-a-revocation.json");
}

/// Two supervisors rotating at once make two keys for one epoch
/// (`Avoid::concurrent_rotations`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_233_two_supervisors_revoking_at_once_agree_on_the_keys() {
    keeps_every_invariant("seed-233-two-supervisors-rotate-at-once.json");
}

/// A supervisor behind the team's epoch rotates to an epoch that already
/// exists, with other keys (`Avoid::concurrent_rotations`).
#[test]
#[ignore = "a product bug the simulation found, not fixed yet"]
fn seed_255_a_rotation_from_a_stale_epoch_does_not_reuse_the_epoch() {
    keeps_every_invariant("seed-255-rotation-from-a-stale-epoch.json");
}

/// Each unfixed bug's schedule still fails today, so the ignored tests
/// above are real: when one starts to pass, its bug was fixed and the test
/// (and its `Avoid`) can be switched on.
#[test]
fn the_unfixed_bugs_schedules_still_fail() {
    for file in [
        "seed-8-code-issued-before-a-rotation.json",
        "seed-148-code-issued-by-a-supervisor-behind-the-epoch.json",
        "seed-92-crash-during-a-revocation.json",
        "seed-260-store-locks-during-a-revocation.json",
        "seed-233-two-supervisors-rotate-at-once.json",
        "seed-255-rotation-from-a-stale-epoch.json",
    ] {
        let (schedule, outcome) = replay(file);
        assert!(
            outcome.failure.is_some(),
            "{file} now keeps every invariant: its bug looks fixed; switch its test on \
             and stop avoiding it in generate.rs ({})",
            schedule.about
        );
    }
}
