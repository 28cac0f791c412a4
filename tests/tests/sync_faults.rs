//! A team syncing through a hostile network: a fault-injecting proxy between
//! the devices and a real hub drops, resets, delays and truncates requests
//! and responses. Syncs may fail, but never claim success when the proxy
//! broke their only attempt; once the network is clean again every device
//! converges to the same records and the hub's log holds every version
//! exactly once.

mod common;

use std::time::{Duration, Instant};

use common::devices::{quick_options, Device};
use common::fault_proxy::{Fault, FaultConfig, FaultProxy, Seed};
use common::hub::HubProcess;
use common::Rng;
use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::Role;
use fieldbook_core::sync::{RetryPolicy, SyncOptions, SyncSummary};
use serde_json::{json, Value};

const ROUNDS: usize = 12;
const FAULT_PERCENT: u64 = 30;

/// A device and what it wrote, to check nothing was lost.
struct Member {
    device: Device,
    written: Vec<(RecordId, RecordKind)>,
}

/// Everything written by the team, and the records all of them edit.
struct Team {
    members: Vec<Member>,
    /// Versions written on any device (each add or changing update is one).
    versions: u64,
    shared_client: RecordId,
    shared_referral: RecordId,
}

impl Team {
    fn add(&mut self, member: usize, kind: RecordKind, values: Value) -> RecordId {
        let m = &mut self.members[member];
        let id = m.device.add(kind, values);
        m.written.push((id, kind));
        self.versions += 1;
        id
    }

    /// Every update writes a value no one wrote before, so it is one new version.
    fn update(&mut self, member: usize, id: RecordId, values: Value) {
        self.members[member].device.update(id, values);
        self.versions += 1;
    }
}

/// Small batches and pages, so one sync crosses many exchanges (and faults).
fn options(attempts: u32) -> SyncOptions {
    SyncOptions {
        push_batch: 4,
        pull_limit: 6,
        retry: RetryPolicy {
            attempts,
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(40),
        },
    }
}

/// One round of a member's writes: new records of every kind it may write,
/// edits of its own records, and concurrent edits of the shared ones.
fn write_round(team: &mut Team, member: usize, round: usize, rng: &mut Rng) {
    let name = team.members[member].device.name.clone();
    let role = team.members[member].device.role();
    let client = team.add(
        member,
        RecordKind::Client,
        json!({"alias": format!("{name} {round}"), "area": "chợ Sắt"}),
    );
    team.add(
        member,
        RecordKind::Contact,
        json!({"client_id": client.to_string(), "at": "2026-11-20T08:30:00+07:00",
               "place": "bến xe", "notes": format!("{name} round {round}")}),
    );
    if round % 2 == 0 {
        team.add(
            member,
            RecordKind::Referral,
            json!({"client_id": client.to_string(), "service": "methadone",
                   "status": "sent", "date": "2026-11-20"}),
        );
    }
    if role.may_write(RecordKind::CaseNote) {
        team.add(
            member,
            RecordKind::CaseNote,
            json!({"client_id": client.to_string(), "date": "2026-11-21",
                   "narrative": format!("{name}: ổn định, vòng {round}")}),
        );
    }
    // Concurrent edits: every member changes the same fields between syncs.
    let shared = team.shared_client;
    team.update(
        member,
        shared,
        json!({"notes": format!("{name} saw them in round {round}")}),
    );
    let statuses = ["sent", "accepted", "completed", "lost"];
    let referral = team.shared_referral;
    team.update(
        member,
        referral,
        json!({"status": statuses[rng.below(4) as usize],
               "notes": format!("{name} round {round}")}),
    );
    // A later edit of one of its own earlier clients.
    let own: Vec<RecordId> = team.members[member]
        .written
        .iter()
        .filter(|(_, kind)| *kind == RecordKind::Client)
        .map(|(id, _)| *id)
        .collect();
    let earlier = own[rng.below(own.len() as u64) as usize];
    team.update(
        member,
        earlier,
        json!({"notes": format!("{name} follow-up in round {round}")}),
    );
}

/// One sync through the proxy, checked for honesty: a failed sync says why,
/// fails only when the proxy broke something, and never claims success when
/// the proxy broke a request it had a single attempt for.
fn faulty_sync(proxy: &FaultProxy, device: &mut Device, attempts: u32, seed: u64) -> SyncSummary {
    let before = proxy.counts();
    let summary = device.sync_with(&options(attempts));
    let after = proxy.counts();
    let broken = after.breaking() - before.breaking();
    assert!(
        summary.rejected.is_empty(),
        "seed {seed}: {} rejected versions: {summary:?}",
        device.name
    );
    if summary.ok {
        assert!(summary.errors.is_empty(), "seed {seed}: {summary:?}");
        assert!(
            attempts > 1 || broken == 0,
            "seed {seed}: {} said ok although the proxy broke {broken} of its single-attempt requests: {summary:?}",
            device.name
        );
    } else {
        assert!(
            !summary.errors.is_empty(),
            "seed {seed}: {} failed without saying why: {summary:?}",
            device.name
        );
        // Every request gets `attempts` tries: a sync fails only when the
        // proxy broke all the tries of one request.
        assert!(
            broken >= u64::from(attempts),
            "seed {seed}: {} failed although the proxy broke only {broken} exchanges for {attempts} attempts: {summary:?}",
            device.name
        );
    }
    assert_eq!(
        (after.upstream_failures, after.over_limit),
        (0, 0),
        "seed {seed}: the hub itself failed or the proxy refused connections"
    );
    summary
}

/// The records of one kind in a snapshot.
fn of_kind(snapshot: &Value, kind: RecordKind) -> Vec<(String, Value)> {
    snapshot
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["kind"] == kind.as_str())
        .map(|(id, r)| (id.clone(), r.clone()))
        .collect()
}

#[test]
fn a_team_converges_through_dropped_reset_delayed_and_truncated_exchanges() {
    let seed = Seed::for_test("sync_faults");
    let mut rng = Rng::new(seed.value ^ 0x5eed);
    let hub = HubProcess::start();
    // Timed from here: the first hub start may build the binaries.
    let started = Instant::now();
    let proxy = FaultProxy::start(
        hub.port(),
        FaultConfig {
            seed: seed.value,
            percent: FAULT_PERCENT,
            max_delay: Duration::from_millis(250),
        },
    );

    // Enrollment uses one-time codes: the team forms on a clean network.
    let (team_id, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &proxy.url(), &code);
    let outreach = supervisor.invite("outreach", Role::Outreach, &proxy.url());
    let case_manager = supervisor.invite("case-manager", Role::CaseManager, &proxy.url());
    let shared_client = supervisor.add(
        RecordKind::Client,
        json!({"alias": "Hoa", "sex": "female", "birth_year": 1990}),
    );
    let shared_referral = supervisor.add(
        RecordKind::Referral,
        json!({"client_id": shared_client.to_string(), "service": "hiv_test",
               "status": "sent", "date": "2026-11-19"}),
    );
    let mut team = Team {
        members: [supervisor, outreach, case_manager]
            .into_iter()
            .map(|device| Member {
                device,
                written: Vec::new(),
            })
            .collect(),
        versions: 2,
        shared_client,
        shared_referral,
    };
    team.members[0].written.extend([
        (shared_client, RecordKind::Client),
        (shared_referral, RecordKind::Referral),
    ]);
    for member in &mut team.members {
        member.device.sync();
    }

    proxy.set_faults(true);
    let (mut failed, mut succeeded, mut repushed) = (0, 0, 0);
    for round in 0..ROUNDS {
        for member in 0..team.members.len() {
            write_round(&mut team, member, round, &mut rng);
            // Odd rounds: a single attempt per request, so any broken
            // exchange must show in the result. Even rounds: retries may
            // hide the faults.
            let attempts = if round % 2 == 1 { 1 } else { 4 };
            let device = &mut team.members[member].device;
            let summary = faulty_sync(&proxy, device, attempts, seed.value);
            repushed += summary.push_duplicates;
            if summary.ok {
                succeeded += 1;
            } else {
                failed += 1;
            }
        }
    }
    let faulty = proxy.counts();

    // A clean network: everyone syncs until a whole round moves nothing.
    proxy.set_faults(false);
    let mut quiet = false;
    for _ in 0..6 {
        let mut moved = 0;
        for member in &mut team.members {
            let summary = member.device.sync_with(&quick_options());
            assert!(
                summary.ok,
                "seed {}: {} sync on a clean network failed: {summary:?}",
                seed.value, member.device.name
            );
            moved += summary.pushed + summary.push_duplicates + summary.pulled;
        }
        if moved == 0 {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "seed {}: syncs never went quiet", seed.value);

    let snapshots: Vec<Value> = team
        .members
        .iter_mut()
        .map(|m| m.device.snapshot())
        .collect();
    for (i, a) in team.members.iter().enumerate() {
        for (j, b) in team.members.iter().enumerate().skip(i + 1) {
            for kind in RecordKind::ALL {
                if a.device.role().may_read(kind) && b.device.role().may_read(kind) {
                    assert_eq!(
                        of_kind(&snapshots[i], kind),
                        of_kind(&snapshots[j], kind),
                        "seed {}: {} and {} disagree on {kind:?}",
                        seed.value,
                        a.device.name,
                        b.device.name
                    );
                }
            }
        }
    }
    // Every record written is on every device that may read it.
    for writer in &team.members {
        for (id, kind) in &writer.written {
            for (reader, snapshot) in team.members.iter().zip(&snapshots) {
                if reader.device.role().may_read(*kind) {
                    assert_eq!(
                        snapshot[id.to_string()]["kind"],
                        kind.as_str(),
                        "seed {}: {}'s {kind:?} {id} is missing on {}",
                        seed.value,
                        writer.device.name,
                        reader.device.name
                    );
                }
            }
        }
    }
    // The supervisor reads every kind: it holds every version, once.
    let supervisor_versions: usize = snapshots[0]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["versions"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        supervisor_versions as u64, team.versions,
        "seed {}: versions lost or invented",
        seed.value
    );
    assert_eq!(
        hub.log_versions(&team_id),
        team.versions,
        "seed {}: the hub's log holds each version exactly once",
        seed.value
    );
    let conflicted = snapshots[0]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["conflicts"].as_array().is_some_and(|c| !c.is_empty()))
        .count();
    assert!(
        conflicted > 0,
        "seed {}: concurrent edits left no visible conflict",
        seed.value
    );

    for fault in Fault::ALL {
        assert!(
            faulty.of(fault) > 0,
            "seed {}: the proxy never injected {fault:?}: {faulty:?}",
            seed.value
        );
    }
    assert!(failed > 0, "seed {}: no sync ever failed", seed.value);
    eprintln!(
        "sync_faults: {} versions, {} exchanges, faults {:?} (order {:?}), syncs failed {failed} / ok {succeeded}, {repushed} versions re-pushed after a lost answer, {:.1} s",
        team.versions,
        faulty.exchanges,
        faulty.injected,
        Fault::ALL,
        started.elapsed().as_secs_f64()
    );
}
