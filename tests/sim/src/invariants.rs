//! What must hold at every quiet point (the network healed, every task
//! finished, every device unlocked and synced twice):
//!
//! - every active device holds identical records of the kinds it may read,
//!   with the same winners and the same visible conflicts, and none of the
//!   kinds it may not read;
//! - no acknowledged write is lost: every write a store acknowledged on an
//!   active device reached the hub, stays in its writer's history, and on
//!   every device that may read it its value is the field's winner, one of
//!   its visible conflicts, or was overwritten by a write whose author had
//!   seen it;
//! - the hub's log holds each version once, and keeps every version it
//!   acknowledged unless a compaction dropped it;
//! - a revoked device that reached the hub was wiped (a revoked device
//!   receiving anything, and a wipe of a device never revoked, are caught
//!   when they happen: see [`crate::model`] and [`crate::world`]);
//! - no device holds a key its role may not hold;
//! - every active device follows the same team policy, the newest its
//!   supervisors signed into the roster;
//! - every device's audit trail verifies, and nothing waits to be pushed or
//!   merged.
//!
//! Sync summaries are checked as each sync ends (`World::synced`).

use std::collections::{BTreeMap, HashMap, HashSet};

use fieldbook_core::record::{RecordKind, SensitivityClass};
use fieldbook_core::store::Store;
use fieldbook_core::Error;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::model::Ack;
use crate::world::{Checked, World};

/// Checks every invariant against the world at a quiet point; the first broken one fails.
pub fn check(world: &mut World) -> Checked {
    hub_log(world)?;
    rotated_after_revocations(world)?;
    let active = active_devices(world);
    devices_settled(world, &active)?;
    team_policy(world, &active)?;
    team_forms(world, &active)?;
    let states = record_states(world, &active)?;
    convergence(world, &active, &states)?;
    acknowledged(world, &active, &states)
}

/// Devices enrolled, not revoked and not wiped.
fn active_devices(world: &World) -> Vec<usize> {
    (0..world.devices.len())
        .filter(|d| world.devices[*d].is_live() && !world.revoked(*d))
        .collect()
}

fn hub_log(world: &World) -> Checked {
    let log = world.hub().log(world.rt());
    let mut ids = HashSet::new();
    let mut last_seq = 0;
    for version in &log {
        if !ids.insert(version.version_id) {
            return Err(world.failure(
                "the hub's log holds each version once",
                format!("version {} is in the log twice", version.version_id),
            ));
        }
        if version.seq <= last_seq {
            return Err(world.failure(
                "the hub's log is ordered",
                format!("seq {} follows seq {last_seq}", version.seq),
            ));
        }
        last_seq = version.seq;
    }
    let dropped: HashSet<Uuid> = world.model.merged.values().flatten().copied().collect();
    let mut acknowledged: Vec<(&Uuid, &u64)> = world.model.on_hub.iter().collect();
    acknowledged.sort_by_key(|(_, event)| **event);
    for (version, event) in acknowledged {
        if !ids.contains(version) && !dropped.contains(version) {
            return Err(world.failure(
                "the hub keeps every version it acknowledged",
                format!("version {version}, stored at hub event {event}, is gone from the log and no compaction dropped it"),
            ));
        }
    }
    Ok(())
}

/// A revocation only protects what is written after it if the team moves to
/// keys the revoked device never had.
fn rotated_after_revocations(world: &World) -> Checked {
    let mut revoked: Vec<(&Uuid, &u64)> = world.model.revoked.iter().collect();
    revoked.sort_by_key(|(_, event)| **event);
    for (device, event) in revoked {
        if !world.model.rotations.iter().any(|r| r.event >= *event) {
            return Err(world.failure(
                "every revocation is followed by a key rotation",
                format!("{device} was revoked at hub event {event} and the team's keys never changed after"),
            ));
        }
    }
    Ok(())
}

fn devices_settled(world: &mut World, active: &[usize]) -> Checked {
    for device in 0..world.devices.len() {
        if world.devices[device].is_live() && world.revoked(device) {
            return Err(world.failure(
                "a revoked device that reaches the hub is wiped",
                format!("d{device} synced over a healthy network and still holds its data"),
            ));
        }
    }
    for &device in active {
        let state = world.devices[device]
            .store
            .with(|s| -> Result<Option<String>, Error> {
                if s.is_locked() {
                    return Ok(Some("it is locked after unlocking".into()));
                }
                if let Some(held) = keys_beyond_role(s) {
                    return Ok(Some(held));
                }
                let audit = s.verify_audit()?;
                if !audit.ok {
                    return Ok(Some(format!("its audit trail does not verify: {audit:?}")));
                }
                let (held, unpushed) = (s.held_count()?, s.unpushed_count()?);
                if held > 0 || unpushed > 0 {
                    return Ok(Some(format!(
                        "after two healthy syncs {held} versions wait to be merged and {unpushed} to be pushed"
                    )));
                }
                Ok(None)
            })
            .expect("a live device has a store");
        match state {
            Ok(None) => {}
            Ok(Some(problem)) => {
                let invariant = if problem.contains("key") {
                    "no device holds a key its role may not hold"
                } else if problem.contains("audit") {
                    "every device's audit trail verifies"
                } else {
                    "healthy syncs leave nothing behind"
                };
                return Err(world.failure(invariant, format!("d{device}: {problem}")));
            }
            Err(e) => {
                return Err(
                    world.failure("an active device's store works", format!("d{device}: {e}"))
                )
            }
        }
    }
    Ok(())
}

/// Every unlocked active device uses, for each kind, the newest form its
/// verified roster published (it adopts every one), and all use the same.
/// A locked store cannot open its forms: it is checked once unlocked.
fn team_forms(world: &mut World, active: &[usize]) -> Checked {
    let invariant = "every active device uses the team's newest published form of each kind";
    let mut first: Option<(usize, Vec<u32>)> = None;
    for &device in active {
        let seen = world.devices[device]
            .store
            .with(|s| -> Result<Option<Vec<u32>>, Error> {
                let Some(roster) = s.roster()? else {
                    return Ok(None);
                };
                let forms = s.forms()?;
                let mut versions = Vec::new();
                for kind in RecordKind::ALL {
                    let in_use = forms.current(kind).definition.version;
                    let published = roster.newest_form_version(kind).unwrap_or(1);
                    if in_use != published {
                        return Err(Error::InvalidInput(format!(
                            "uses {kind} form version {in_use}, its roster published {published}"
                        )));
                    }
                    versions.push(in_use);
                }
                Ok(Some(versions))
            })
            .expect("a live device has a store");
        let versions = match seen {
            Ok(Some(v)) => v,
            Ok(None) | Err(Error::Locked) => continue,
            Err(e) => return Err(world.failure(invariant, format!("d{device} {e}"))),
        };
        match &first {
            None => first = Some((device, versions)),
            Some((other, theirs)) if *theirs != versions => {
                return Err(world.failure(
                    invariant,
                    format!("d{other} uses form versions {theirs:?}, d{device} {versions:?}"),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Every active device holds the same verified roster policy link, and
/// follows that policy (no simulated worker chooses a stricter one of its own).
fn team_policy(world: &mut World, active: &[usize]) -> Checked {
    let mut first: Option<(usize, Option<u64>)> = None;
    for &device in active {
        let view = world.devices[device]
            .store
            .with(|s| s.policy_view())
            .expect("a live device has a store");
        let view = match view {
            Ok(view) => view,
            Err(e) => {
                return Err(
                    world.failure("an active device's store works", format!("d{device}: {e}"))
                )
            }
        };
        let invariant = "every active device follows the team's newest signed policy";
        if !view.has_roster || view.effective != view.team {
            return Err(world.failure(
                invariant,
                format!(
                    "d{device} follows {:?}, its verified roster says {:?} (roster held: {})",
                    view.effective, view.team, view.has_roster
                ),
            ));
        }
        let link = view.signed.map(|s| s.seq);
        match first {
            None => first = Some((device, link)),
            Some((other, other_link)) if other_link != link => {
                return Err(world.failure(
                    invariant,
                    format!(
                        "d{other} holds the policy of roster link {other_link:?}, d{device} that of {link:?}"
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// The key classes a store holds beyond what its role may hold, if any.
pub fn keys_beyond_role(store: &mut Store) -> Option<String> {
    let role = store.role();
    for class in SensitivityClass::ALL {
        match store.holds(class) {
            Ok(true) if !role.key_classes().contains(&class) => {
                return Some(format!("a {role} device holds a {} key", class.as_str()))
            }
            Ok(_) => {}
            Err(e) => return Some(format!("cannot tell which keys it holds: {e}")),
        }
    }
    None
}

/// Each active device's view of each record it may read: deleted or not,
/// values, conflicts with the values they beat; `None` when it lacks it.
type States = HashMap<usize, BTreeMap<usize, Option<Value>>>;

fn record_states(world: &mut World, active: &[usize]) -> Result<States, crate::world::Failure> {
    let mut states = States::new();
    let records = world.model.records.clone();
    for &device in active {
        let role = world.devices[device].role;
        let mut held = BTreeMap::new();
        for (handle, record) in records.iter().enumerate() {
            let details = world.devices[device]
                .store
                .with(|s| s.details(record.id))
                .expect("a live device has a store");
            let state = match details {
                Ok(d) => Some(json!({
                    "deleted": d.view.deleted,
                    "values": d.view.values,
                    "conflicts": d.conflict_details,
                })),
                Err(Error::RecordNotFound { .. }) => None,
                Err(e) => {
                    return Err(world.failure(
                        "every record a device holds can be read",
                        format!("d{device} r{handle}: {e}"),
                    ))
                }
            };
            if role.may_read(record.kind) {
                held.insert(handle, state);
            } else if state.is_some() {
                return Err(world.failure(
                    "no device holds records its role may not read",
                    format!("d{device} ({role}) holds r{handle}, a {}", record.kind),
                ));
            }
        }
        states.insert(device, held);
    }
    Ok(states)
}

fn convergence(world: &World, active: &[usize], states: &States) -> Checked {
    for (handle, record) in world.model.records.iter().enumerate() {
        let readers: Vec<usize> = active
            .iter()
            .copied()
            .filter(|d| world.devices[*d].role.may_read(record.kind))
            .collect();
        let Some((&first, rest)) = readers.split_first() else {
            continue;
        };
        let reference = &states[&first][&handle];
        for &other in rest {
            let theirs = &states[&other][&handle];
            if theirs != reference {
                return Err(world.failure(
                    "every active device holds identical records",
                    format!(
                        "r{handle} ({}): d{first} has {}, d{other} has {}",
                        record.kind,
                        show(reference),
                        show(theirs)
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn acknowledged(world: &mut World, active: &[usize], states: &States) -> Checked {
    let lost = "no acknowledged write is lost";
    let acks = world.model.acks.clone();
    let mut histories: HashMap<(usize, usize), HashSet<Uuid>> = HashMap::new();
    for ack in &acks {
        let reached = world.model.on_hub.contains_key(&ack.version);
        let writer_active = active.contains(&ack.device);
        if !reached && !writer_active {
            // Written on a device revoked or wiped before it could push.
            continue;
        }
        let record = world.model.records[ack.record].clone();
        if !reached {
            return Err(world.failure(
                lost,
                format!(
                    "d{}'s write of r{} at step {} never reached the hub",
                    ack.device, ack.record, ack.step
                ),
            ));
        }
        if writer_active {
            let kept = histories
                .entry((ack.device, ack.record))
                .or_insert_with(|| {
                    world.devices[ack.device]
                        .store
                        .with(|s| s.history(record.id))
                        .expect("a live device has a store")
                        .map(|h| h.iter().map(|e| e.version_id.0).collect())
                        .unwrap_or_default()
                })
                .contains(&ack.version);
            if !kept {
                return Err(world.failure(
                    lost,
                    format!(
                        "d{}'s write of r{} at step {} is gone from its own history",
                        ack.device, ack.record, ack.step
                    ),
                ));
            }
        }
        for &reader in active {
            let Some(state) = states[&reader].get(&ack.record) else {
                continue;
            };
            let Some(state) = state else {
                return Err(world.failure(
                    lost,
                    format!(
                        "d{reader} lacks r{} ({}), written by d{} at step {}",
                        ack.record, record.kind, ack.device, ack.step
                    ),
                ));
            };
            if ack.deletes {
                if state["deleted"] != json!(true) {
                    return Err(world.failure(
                        lost,
                        format!(
                            "d{reader} shows r{} undeleted; d{} deleted it at step {}",
                            ack.record, ack.device, ack.step
                        ),
                    ));
                }
                continue;
            }
            for (field, value) in &ack.values {
                if shows(state, field, value) || overwritten(world, &acks, ack, field) {
                    continue;
                }
                return Err(world.failure(
                    lost,
                    format!(
                        "d{reader} shows neither d{}'s {field} = {value} of r{} (step {}) nor a later write that saw it: {}",
                        ack.device,
                        ack.record,
                        ack.step,
                        show(&Some(state.clone()))
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether a record state shows `value` in `field`: as its winner or as one
/// of the values it beat.
fn shows(state: &Value, field: &str, value: &Value) -> bool {
    let winner = state["values"].get(field).unwrap_or(&Value::Null);
    if winner == value {
        return true;
    }
    state["conflicts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["field"] == field)
        .flat_map(|c| c["losing_values"].as_array().into_iter().flatten())
        .any(|losing| &losing["value"] == value)
}

/// Whether another write of `field` that reached the hub was made by a
/// device that had seen `ack`.
fn overwritten(world: &World, acks: &[Ack], ack: &Ack, field: &str) -> bool {
    acks.iter().any(|later| {
        later.record == ack.record
            && later.version != ack.version
            && later.values.iter().any(|(f, _)| f == field)
            && world.model.on_hub.contains_key(&later.version)
            && world.model.has_seen(later, ack.version)
    })
}

fn show(state: &Option<Value>) -> String {
    match state {
        None => "nothing".into(),
        Some(v) => v.to_string(),
    }
}
