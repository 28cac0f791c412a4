//! Chooses a schedule's next step from the seeded generator and the state
//! of the world: which devices are live, what they hold, what is parked.
//! Choices only ever depend on the seed and on what earlier steps did, so a
//! seed always gives the same schedule.

use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;

use crate::clock::MAX_SKEW_MS;
use crate::records;
use crate::rng::Rng;
use crate::step::{Fate, Step};
use crate::world::{World, MAX_DEVICES};

/// The kinds of step, with their weights.
#[derive(Clone, Copy)]
enum Choice {
    Write,
    Advance,
    Sync,
    Tick,
    Skew,
    Lock,
    Crash,
    CrashHub,
    Compact,
    Invite,
    Enroll,
    Revoke,
    Policy,
    Form,
    Ghost,
    Quiet,
}

/// The schedule's next step, chosen by `rng` among those that make sense in the world as it is.
pub fn next_step(world: &mut World, rng: &mut Rng) -> Step {
    loop {
        let choices = [
            (Choice::Write, 30),
            (
                Choice::Advance,
                if world.parked().is_empty() { 0 } else { 40 },
            ),
            (Choice::Sync, 9),
            (Choice::Tick, 6),
            (Choice::Skew, 2),
            (Choice::Lock, 2),
            (Choice::Crash, 2),
            (Choice::CrashHub, 1),
            (Choice::Compact, 2),
            (Choice::Invite, 1),
            (
                Choice::Enroll,
                if world.open_invites().is_empty() {
                    0
                } else {
                    3
                },
            ),
            (Choice::Revoke, 1),
            (Choice::Policy, 1),
            (Choice::Form, 1),
            (Choice::Ghost, if world.ghosts() > 0 { 1 } else { 0 }),
            (Choice::Quiet, 1),
        ];
        let weights: Vec<u32> = choices.iter().map(|(_, w)| *w).collect();
        let choice = choices[rng.weighted(&weights)].0;
        if let Some(step) = propose(world, rng, choice) {
            return step;
        }
    }
}

fn propose(world: &mut World, rng: &mut Rng, choice: Choice) -> Option<Step> {
    match choice {
        Choice::Write => write(world, rng),
        Choice::Advance => {
            let fate = [
                Fate::Deliver,
                Fate::LoseRequest,
                Fate::LoseResponse,
                Fate::Duplicate,
                Fate::Linger,
            ][rng.weighted(&[82, 5, 6, 4, 3])];
            Some(Step::Advance {
                task: *rng.pick(&world.parked()),
                fate,
            })
        }
        Choice::Sync => {
            let device = pick(rng, live(world).filter(|d| !world.busy(*d)))?;
            Some(Step::Sync { device })
        }
        Choice::Tick => {
            let ms = match rng.weighted(&[80, 15, 5]) {
                0 => rng.between(50, 5_000),
                1 => rng.between(30_000, 10 * 60_000),
                _ => rng.between(30 * 60_000, 3 * 3_600_000),
            };
            Some(Step::Tick { ms })
        }
        Choice::Skew => {
            let device = pick(rng, live(world))?;
            let ms = if rng.chance(200) {
                rng.between(-MAX_SKEW_MS, MAX_SKEW_MS)
            } else {
                rng.between(-2 * 3_600_000, 2 * 3_600_000)
            };
            Some(Step::Skew { device, ms })
        }
        Choice::Lock => {
            let device = pick(rng, live(world).filter(|d| world.app_may_use(*d)))?;
            Some(Step::Lock { device })
        }
        Choice::Crash => {
            let device = pick(rng, 0..world.devices.len())?;
            Some(Step::Crash { device })
        }
        Choice::CrashHub => Some(Step::CrashHub),
        Choice::Compact => {
            let device = pick(rng, idle_supervisors(world))?;
            Some(Step::Compact { device })
        }
        Choice::Invite => {
            if world.devices.len() + world.open_invites().len() >= MAX_DEVICES {
                return None;
            }
            let device = pick(rng, idle_supervisors(world))?;
            let role = [
                Role::Outreach,
                Role::CaseManager,
                Role::PeerLeader,
                Role::Supervisor,
            ][rng.weighted(&[3, 3, 2, 1])];
            Some(Step::Invite { device, role })
        }
        Choice::Enroll => {
            let open = world.open_invites();
            Some(Step::Enroll {
                invite: *rng.pick(&open),
            })
        }
        Choice::Revoke => {
            let active: Vec<usize> = live(world).filter(|d| !world.revoked(*d)).collect();
            if active.len() <= 3 {
                return None;
            }
            let device = pick(rng, idle_supervisors(world))?;
            if world.locked(device) {
                // Revoking is the supervisor's own act: the PIN first.
                return Some(Step::Unlock { device });
            }
            let target = pick(rng, active.into_iter().filter(|d| *d != device))?;
            Some(Step::Revoke { device, target })
        }
        Choice::Policy => {
            let device = pick(rng, idle_supervisors(world))?;
            if world.locked(device) {
                // Signing is the supervisor's own act: the PIN first.
                return Some(Step::Unlock { device });
            }
            Some(Step::SetPolicy {
                device,
                auto_lock_secs: [60, 5 * 60, 30 * 60][rng.weighted(&[1, 2, 1])],
                max_failed_unlocks: [5, 10, 20][rng.weighted(&[1, 2, 1])],
            })
        }
        Choice::Form => {
            let device = pick(rng, idle_supervisors(world))?;
            if world.locked(device) {
                return Some(Step::Unlock { device });
            }
            let kinds = [RecordKind::Contact, RecordKind::Meeting];
            Some(Step::PublishForm {
                device,
                kind: kinds[rng.below(kinds.len())],
            })
        }
        Choice::Ghost => Some(Step::Ghost {
            pick: rng.below(world.ghosts()),
        }),
        Choice::Quiet => Some(Step::Quiet),
    }
}

/// A worker's write: the worker unlocks first when the app is locked.
fn write(world: &mut World, rng: &mut Rng) -> Option<Step> {
    let device = pick(rng, live(world).filter(|d| world.app_may_use(*d)))?;
    let role = world.devices[device].role;
    if world.locked(device) {
        return Some(Step::Unlock { device });
    }
    let writable: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| role.may_write(*k) && role.may_read(*k))
        .collect();
    match rng.weighted(&[50, 40, 4]) {
        0 => {
            let kind = *rng.pick(&writable);
            let today = world.clock.start().date_naive();
            let input = records::new_input(kind, rng, today);
            let link = match kind {
                RecordKind::Client => None,
                RecordKind::CaseNote | RecordKind::Referral => {
                    Some(pick_record(world, rng, device, &[RecordKind::Client])?)
                }
                RecordKind::Contact if rng.chance(700) => {
                    pick_record(world, rng, device, &[RecordKind::Client])
                }
                RecordKind::Meeting if rng.chance(200) => {
                    pick_record(world, rng, device, &[RecordKind::Client])
                }
                _ => None,
            };
            Some(Step::Add {
                device,
                kind,
                input,
                link,
            })
        }
        1 => {
            let record = pick_record(world, rng, device, &writable)?;
            let kind = world.model.record(record)?.kind;
            Some(Step::Edit {
                device,
                record,
                input: records::edit_input(kind, rng),
            })
        }
        _ => {
            let record = pick_record(world, rng, device, &writable)?;
            Some(Step::Delete { device, record })
        }
    }
}

/// A record of one of `kinds` the device was seen to write or pull (it may
/// since have lost it, or hold it unmerged; the store then refuses), named
/// by the step that added it.
fn pick_record(world: &World, rng: &mut Rng, device: usize, kinds: &[RecordKind]) -> Option<usize> {
    let known = world.model.known_records.get(&device)?;
    let mut held: Vec<usize> = known
        .iter()
        .copied()
        .filter(|h| kinds.contains(&world.model.records[*h].kind))
        .collect();
    held.sort_unstable();
    (!held.is_empty()).then(|| world.model.records[*rng.pick(&held)].key)
}

fn live<'a>(world: &'a World) -> impl Iterator<Item = usize> + 'a {
    (0..world.devices.len()).filter(|d| world.devices[*d].is_live())
}

fn idle_supervisors<'a>(world: &'a World) -> impl Iterator<Item = usize> + 'a {
    live(world).filter(|d| world.devices[*d].role == Role::Supervisor && !world.busy(*d))
}

fn pick(rng: &mut Rng, items: impl Iterator<Item = usize>) -> Option<usize> {
    let items: Vec<usize> = items.collect();
    (!items.is_empty()).then(|| *rng.pick(&items))
}
