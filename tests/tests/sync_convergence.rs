//! Several devices of one team, random operations and random sync orders
//! through a real hub on loopback: once everyone has synced, every device
//! holds identical records (values, conflicts and version histories), and the
//! hub's log holds each version exactly once.

mod common;

use common::devices::Device;
use common::hub::HubProcess;
use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::Role;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const DEVICES: usize = 4;
const ALIASES: [&str; 6] = ["Hoa", "Tuấn Xe Ôm", "Chị Lan", "Minh", "Anh Hải", "Bé Na"];

#[derive(Debug, Clone)]
enum Op {
    AddClient {
        device: usize,
        alias: usize,
    },
    AddContact {
        device: usize,
        client: usize,
    },
    AddReferral {
        device: usize,
        client: usize,
    },
    AddCaseNote {
        device: usize,
        client: usize,
    },
    RenameClient {
        device: usize,
        client: usize,
        alias: usize,
    },
    NoteOnClient {
        device: usize,
        client: usize,
        note: u16,
    },
    DeleteClient {
        device: usize,
        client: usize,
    },
    Sync {
        device: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let device = 0..DEVICES;
    let pick = any::<prop::sample::Index>();
    prop_oneof![
        3 => (device.clone(), 0..ALIASES.len()).prop_map(|(device, alias)| Op::AddClient { device, alias }),
        2 => (device.clone(), pick.clone()).prop_map(|(device, c)| Op::AddContact { device, client: c.index(1 << 16) }),
        1 => (device.clone(), pick.clone()).prop_map(|(device, c)| Op::AddReferral { device, client: c.index(1 << 16) }),
        1 => (device.clone(), pick.clone()).prop_map(|(device, c)| Op::AddCaseNote { device, client: c.index(1 << 16) }),
        3 => (device.clone(), pick.clone(), 0..ALIASES.len()).prop_map(|(device, c, alias)| Op::RenameClient { device, client: c.index(1 << 16), alias }),
        2 => (device.clone(), pick.clone(), any::<u16>()).prop_map(|(device, c, note)| Op::NoteOnClient { device, client: c.index(1 << 16), note }),
        1 => (device.clone(), pick).prop_map(|(device, c)| Op::DeleteClient { device, client: c.index(1 << 16) }),
        4 => device.prop_map(|device| Op::Sync { device }),
    ]
}

struct Team {
    team_id: String,
    devices: Vec<Device>,
    /// Every record written, deleted ones included.
    written: Vec<(RecordId, RecordKind)>,
}

/// A supervisor, an outreach worker, a case manager and a peer leader.
fn team(hub: &HubProcess, case: u32) -> Team {
    let (team_id, code) = hub.create_team(&format!("Nhóm {case}"));
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    let case_manager = supervisor.invite("case-manager", Role::CaseManager, &hub.url());
    let peer = supervisor.invite("peer-leader", Role::PeerLeader, &hub.url());
    Team {
        team_id,
        devices: vec![supervisor, outreach, case_manager, peer],
        written: Vec::new(),
    }
}

/// The `index`th client this device can see now (sorted, so runs repeat).
fn known_client(device: &mut Device, index: usize) -> Option<RecordId> {
    let mut ids: Vec<RecordId> = device
        .store
        .list(RecordKind::Client)
        .unwrap()
        .records
        .into_iter()
        .map(|r| r.id)
        .collect();
    ids.sort_by_key(|id| id.to_string());
    (!ids.is_empty()).then(|| ids[index % ids.len()])
}

fn may_write(device: &Device, kind: RecordKind) -> bool {
    device.role().may_write(kind) && device.role().may_read(kind)
}

/// Applies one operation; returns the record it created, if any.
fn apply(device: &mut Device, op: &Op) -> Option<(RecordId, RecordKind)> {
    let add =
        |device: &mut Device, kind: RecordKind, values| Some((device.add(kind, values), kind));
    match *op {
        Op::AddClient { alias, .. } => {
            return add(
                device,
                RecordKind::Client,
                json!({"alias": ALIASES[alias], "notes": format!("ghi chú của {}", device.name)}),
            );
        }
        Op::AddContact { client, .. } => {
            if let Some(client) = known_client(device, client) {
                return add(
                    device,
                    RecordKind::Contact,
                    json!({"client_id": client.to_string(), "at": "2026-11-20T08:30:00+07:00",
                           "notes": "phát bơm kim tiêm"}),
                );
            }
        }
        Op::AddReferral { client, .. } => {
            if let Some(client) = known_client(device, client) {
                return add(
                    device,
                    RecordKind::Referral,
                    json!({"client_id": client.to_string(), "service": "methadone",
                           "status": "sent", "date": "2026-11-20"}),
                );
            }
        }
        Op::AddCaseNote { client, .. } => {
            if may_write(device, RecordKind::CaseNote) {
                if let Some(client) = known_client(device, client) {
                    return add(
                        device,
                        RecordKind::CaseNote,
                        json!({"client_id": client.to_string(), "date": "2026-11-21",
                               "narrative": "ổn định, đang điều trị"}),
                    );
                }
            }
        }
        Op::RenameClient { client, alias, .. } => {
            if let Some(client) = known_client(device, client) {
                device.update(client, json!({"alias": ALIASES[alias]}));
            }
        }
        Op::NoteOnClient { client, note, .. } => {
            if let Some(client) = known_client(device, client) {
                device.update(client, json!({"notes": format!("lần gặp {note}")}));
            }
        }
        Op::DeleteClient { client, .. } => {
            if let Some(client) = known_client(device, client) {
                device.store.delete(client).unwrap();
            }
        }
        Op::Sync { .. } => {
            device.sync();
        }
    }
    None
}

fn device_of(op: &Op) -> usize {
    match *op {
        Op::AddClient { device, .. }
        | Op::AddContact { device, .. }
        | Op::AddReferral { device, .. }
        | Op::AddCaseNote { device, .. }
        | Op::RenameClient { device, .. }
        | Op::NoteOnClient { device, .. }
        | Op::DeleteClient { device, .. }
        | Op::Sync { device } => device,
    }
}

/// One record as a device holds it: values, deletion, conflicts with the
/// values they beat, and the ids of its versions; `None` if it is missing.
fn record_state(device: &mut Device, id: RecordId) -> Option<Value> {
    let details = device.store.details(id).ok()?;
    let mut versions: Vec<String> = device
        .store
        .history(id)
        .unwrap()
        .iter()
        .map(|h| h.version_id.to_string())
        .collect();
    versions.sort();
    Some(json!({
        "deleted": details.view.deleted,
        "values": details.view.values,
        "conflicts": details.conflict_details,
        "versions": versions,
    }))
}

fn converge_and_check(hub: &HubProcess, team: &mut Team) {
    // Two rounds: the first pushes everything, the second pulls what the
    // devices after each one pushed.
    for _ in 0..2 {
        for device in &mut team.devices {
            device.sync();
        }
    }
    let mut versions = 0;
    for &(id, kind) in &team.written {
        // The supervisor reads every kind: the reference.
        let reference = record_state(&mut team.devices[0], id)
            .unwrap_or_else(|| panic!("the supervisor lacks {kind:?} {id}"));
        let count = reference["versions"].as_array().unwrap().len();
        let mut unique = reference["versions"].as_array().unwrap().clone();
        unique.dedup();
        assert_eq!(unique.len(), count, "a version is duplicated");
        versions += count;
        for device in team.devices.iter_mut().skip(1) {
            let held = record_state(device, id);
            if device.role().may_read(kind) {
                assert_eq!(
                    held.as_ref(),
                    Some(&reference),
                    "{} and the supervisor disagree on {kind:?} {id}",
                    device.name
                );
            } else {
                assert!(held.is_none(), "{} holds a {kind:?}", device.name);
            }
        }
    }
    assert_eq!(
        hub.log_versions(&team.team_id),
        versions as u64,
        "the hub's log holds each version once"
    );
}

#[test]
fn devices_converge_whatever_the_operations_and_sync_order() {
    let hub = HubProcess::start();
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    let case = std::cell::Cell::new(0);
    runner
        .run(&prop::collection::vec(op(), 20..60), |ops| {
            case.set(case.get() + 1);
            let mut team = team(&hub, case.get());
            for op in &ops {
                if let Some(written) = apply(&mut team.devices[device_of(op)], op) {
                    team.written.push(written);
                }
            }
            converge_and_check(&hub, &mut team);
            Ok(())
        })
        .unwrap();
    assert!(case.get() >= 6, "every case ran against the hub");
}

/// Two devices edit the same field while apart: after syncing both show the
/// same winner and the losing value as a conflict, never silently dropped.
#[test]
fn concurrent_edits_show_the_same_conflict_everywhere() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    let client = outreach.add(RecordKind::Client, json!({"alias": "Hoa"}));
    outreach.sync();
    supervisor.sync();
    supervisor.update(client, json!({"alias": "Chị Hoa"}));
    outreach.update(client, json!({"alias": "Hoa Chợ Đêm"}));
    for _ in 0..2 {
        supervisor.sync();
        outreach.sync();
    }
    let (a, b) = (supervisor.snapshot(), outreach.snapshot());
    let record = &a[client.to_string()];
    assert_eq!(record, &b[client.to_string()]);
    let conflicts = record["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{record}");
    let shown = conflicts[0].to_string();
    let winner = record["values"]["alias"].as_str().unwrap();
    let loser = if winner == "Chị Hoa" {
        "Hoa Chợ Đêm"
    } else {
        "Chị Hoa"
    };
    assert!(shown.contains(loser), "the losing value is kept: {shown}");
}
