//! Versions whose bodies the device let go: what is kept, what comes back,
//! and that every version reads exactly as it was written, whatever the
//! order of saves, pushes and pulls among a team's devices.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde_json::json;

use super::records;
use super::version_stubs::pushed;
use crate::record::{RecordId, RecordKind, RecordVersion, VersionId};
use crate::store::{Role, Store, WriteOptions};
use crate::testing::{obj, TestDevice, TEST_PIN};

struct Device {
    files: TestDevice,
    store: Store,
}

/// A supervisor and `members` outreach workers of one team.
fn team(members: usize) -> Vec<Device> {
    let files = TestDevice::new();
    let mut supervisor = files.create();
    let mut devices = Vec::new();
    for _ in 0..members {
        let files = TestDevice::new();
        let store = files.create_member(&mut supervisor, Role::Outreach);
        devices.push(Device { files, store });
    }
    devices.insert(
        0,
        Device {
            files,
            store: supervisor,
        },
    );
    devices
}

/// The hub: every version pushed, in the order it took them.
#[derive(Default)]
struct Hub {
    log: Vec<fieldbook_proto::SealedVersion>,
}

impl Hub {
    /// `device` pushes everything unsent; with `locked`, it is locked
    /// meanwhile, as a scheduled sync runs.
    fn push(&mut self, device: &mut Device, locked: bool) {
        if locked {
            device.store.lock();
        }
        let sent = device.store.unpushed(10_000).unwrap();
        let ids: Vec<uuid::Uuid> = sent.iter().map(|v| v.version_id).collect();
        self.log.extend(sent);
        device.store.mark_pushed(&ids).unwrap();
        if locked {
            device.store.unlock(TEST_PIN).unwrap();
        }
    }

    /// `device` pulls what it has not seen from `from` on.
    fn pull(&self, device: &mut Device, from: &mut usize) {
        let outcome = device.store.receive(&self.log[*from..]).unwrap();
        assert!(outcome.rejected.is_empty(), "{outcome:?}");
        *from = self.log.len();
    }
}

/// (pushed mark, body length, stub length) of each of `id`'s version rows.
fn rows(store: &Store, id: RecordId) -> Vec<(i64, Option<usize>, Option<usize>)> {
    store
        .conn
        .prepare(
            "SELECT v.pushed, length(b.body), length(v.stub)
             FROM versions v LEFT JOIN version_bodies b ON b.seq = v.seq
             WHERE v.record_id = ?1 ORDER BY v.seq",
        )
        .unwrap()
        .query_map([id.as_bytes().as_slice()], |r| {
            let len = |n: Option<i64>| n.map(|n| n as usize);
            Ok((r.get(0)?, len(r.get(1)?), len(r.get(2)?)))
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// A check finds nothing damaged (the test stores' file header aside).
fn assert_whole(store: &mut Store) {
    let findings = store.find_damage().unwrap();
    assert!(
        findings.keys.is_empty()
            && findings.heads.is_empty()
            && findings.damaged_versions.is_empty()
            && findings.damaged_lookup_chunks == 0
            && findings.audit.ok,
        "{findings:?}"
    );
}

/// Flips the last byte of `column` in the rows `filter` picks.
fn flip(store: &Store, table: &str, column: &str, filter: &str, id: RecordId) {
    let blob: Vec<u8> = store
        .conn
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE {filter} = ?1"),
            [id.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap();
    let mut flipped = blob;
    *flipped.last_mut().unwrap() ^= 1;
    store
        .conn
        .execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE {filter} = ?2"),
            rusqlite::params![flipped, id.as_bytes().as_slice()],
        )
        .unwrap();
}

fn versions(store: &mut Store, id: RecordId) -> Vec<RecordVersion> {
    let (conn, keys) = store.unlocked().unwrap();
    records::versions(conn, keys, id).unwrap()
}

fn add(store: &mut Store, alias: &str) -> RecordId {
    store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": alias, "sex": "female", "birth_year": 1990})),
            WriteOptions::default(),
        )
        .unwrap()
}

fn edit(store: &mut Store, id: RecordId, change: serde_json::Value) {
    store
        .update(id, &obj(change), WriteOptions::default())
        .unwrap();
}

#[test]
fn a_pushed_version_the_state_rebuilds_keeps_only_its_stub_on_both_sides() {
    let mut devices = team(1);
    let (head, tail) = devices.split_at_mut(1);
    let (supervisor, worker) = (&mut head[0], &mut tail[0]);
    let id = add(&mut worker.store, "Hoa");
    let history = worker.store.history(id).unwrap();
    let written = versions(&mut worker.store, id);
    // Before the push: the body travels, the stub waits beside it.
    let [(pushed::NO, Some(body), Some(_))] = rows(&worker.store, id)[..] else {
        panic!("{:?}", rows(&worker.store, id));
    };
    assert!(body >= 512, "a body is padded to its bucket: {body}");

    let mut hub = Hub::default();
    hub.push(worker, false);
    let [(pushed::STUB, None, Some(stub))] = rows(&worker.store, id)[..] else {
        panic!("{:?}", rows(&worker.store, id));
    };
    assert!(stub < 100, "a stub is small: {stub}");
    assert_eq!(versions(&mut worker.store, id), written);
    assert_eq!(worker.store.history(id).unwrap(), history);

    hub.pull(supervisor, &mut 0);
    let [(pushed::STUB, None, Some(_))] = rows(&supervisor.store, id)[..] else {
        panic!("{:?}", rows(&supervisor.store, id));
    };
    assert_eq!(versions(&mut supervisor.store, id), written);
    assert_eq!(supervisor.store.history(id).unwrap(), history);
    assert_whole(&mut supervisor.store);
    assert_whole(&mut worker.store);
}

#[test]
fn an_edit_brings_back_the_body_its_stub_would_no_longer_rebuild() {
    let mut devices = team(1);
    let worker = &mut devices[1];
    let id = add(&mut worker.store, "Hoa");
    let first = versions(&mut worker.store, id);
    let mut hub = Hub::default();
    hub.push(worker, false);
    assert_eq!(rows(&worker.store, id)[0].0, pushed::STUB);

    worker.files.clock.advance_secs(60);
    edit(&mut worker.store, id, json!({"alias": "Hoa B"}));
    // The first version's alias is overwritten: its body is back, as it was.
    let now = rows(&worker.store, id);
    assert_eq!(now[0].0, pushed::YES, "{now:?}");
    assert!(now[0].1.is_some_and(|body| body >= 512) && now[0].2.is_none());
    let all = versions(&mut worker.store, id);
    assert_eq!(all[0], first[0]);
    assert_eq!(all[0].fields["alias"].value, json!("Hoa"));
    let history = worker.store.history(id).unwrap();
    assert_eq!(history[0].changes["alias"], json!("Hoa"));
    assert_eq!(history[1].changes["alias"], json!("Hoa B"));

    // A version that wrote a field no one wrote again keeps its stub.
    hub.push(worker, false);
    worker.files.clock.advance_secs(60);
    edit(&mut worker.store, id, json!({"notes": "first visit"}));
    let now = rows(&worker.store, id);
    assert_eq!(now[1].0, pushed::STUB, "{now:?}");
    assert_whole(&mut worker.store);
}

#[test]
fn a_stub_that_went_stale_before_the_push_never_replaces_the_body() {
    let mut devices = team(1);
    let worker = &mut devices[1];
    let id = add(&mut worker.store, "Hoa");
    worker.files.clock.advance_secs(60);
    edit(&mut worker.store, id, json!({"alias": "Hoa B"}));
    // The first version's stub would rebuild it without its alias: dropped.
    assert_eq!(
        rows(&worker.store, id)
            .iter()
            .map(|r| r.2.is_some())
            .collect::<Vec<_>>(),
        vec![false, true]
    );
    let before = versions(&mut worker.store, id);
    // Pushed while locked: the bodies go without a key where a stub waits.
    Hub::default().push(worker, true);
    let marks: Vec<i64> = rows(&worker.store, id).iter().map(|r| r.0).collect();
    assert_eq!(marks, vec![pushed::YES, pushed::STUB]);
    assert_eq!(versions(&mut worker.store, id), before);
}

#[test]
fn a_damaged_stub_is_a_damaged_version_the_hub_holds() {
    let mut devices = team(1);
    let worker = &mut devices[1];
    let id = add(&mut worker.store, "Hoa");
    Hub::default().push(worker, false);
    flip(&worker.store, "versions", "stub", "record_id", id);
    let findings = worker.store.find_damage().unwrap();
    assert_eq!(findings.damaged_versions.len(), 1);
    assert!(findings.damaged_versions[0].on_hub);
    assert_eq!(findings.damaged_versions[0].record, id);
    // The record's values are whole: its state is the source.
    assert_eq!(worker.store.get(id).unwrap().text("alias"), Some("Hoa"));
    assert!(worker.store.history(id).is_err());
}

/// The attacker edits the store's file: a stub moved onto another version's
/// row (of another record, or of the same one) is refused, never read as
/// that version.
#[test]
fn a_stub_moved_to_another_version_is_refused() {
    let mut devices = team(1);
    let worker = &mut devices[1];
    let first = add(&mut worker.store, "Hoa");
    let second = add(&mut worker.store, "Lan");
    worker.files.clock.advance_secs(60);
    edit(&mut worker.store, second, json!({"notes": "visit"}));
    Hub::default().push(worker, false);
    let stub_of = |store: &Store, id: RecordId| -> Vec<u8> {
        store
            .conn
            .query_row(
                "SELECT stub FROM versions WHERE record_id = ?1 AND pushed = 2 ORDER BY seq LIMIT 1",
                [id.as_bytes().as_slice()],
                |r| r.get(0),
            )
            .unwrap()
    };
    let moved = stub_of(&worker.store, first);
    let target: i64 = worker
        .store
        .conn
        .query_row(
            "SELECT max(seq) FROM versions WHERE record_id = ?1",
            [second.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap();
    worker
        .store
        .conn
        .execute(
            "UPDATE versions SET stub = ?1 WHERE seq = ?2",
            rusqlite::params![moved, target],
        )
        .unwrap();
    let (conn, keys) = worker.store.unlocked().unwrap();
    assert!(matches!(
        records::versions(conn, keys, second),
        Err(crate::Error::RecordCorrupt { id }) if id == second
    ));
    let findings = worker.store.find_damage().unwrap();
    let named: Vec<i64> = findings.damaged_versions.iter().map(|v| v.seq).collect();
    assert_eq!(named, vec![target]);
    // Within one record too: the second record's first stub on its second row.
    let own = stub_of(&worker.store, second);
    worker
        .store
        .conn
        .execute(
            "UPDATE versions SET stub = ?1 WHERE seq = ?2",
            rusqlite::params![own, target],
        )
        .unwrap();
    let findings = worker.store.find_damage().unwrap();
    let named: Vec<i64> = findings.damaged_versions.iter().map(|v| v.seq).collect();
    assert_eq!(named, vec![target]);
    assert_eq!(
        worker.store.get(second).unwrap().text("notes"),
        Some("visit")
    );
}

#[test]
fn a_damaged_state_makes_its_stubs_damaged_versions_the_hub_holds() {
    let mut devices = team(1);
    let worker = &mut devices[1];
    let id = add(&mut worker.store, "Hoa");
    Hub::default().push(worker, false);
    flip(&worker.store, "records", "state", "id", id);
    let findings = worker.store.find_damage().unwrap();
    assert!(findings.head_of(id).is_some_and(|h| h.state));
    assert_eq!(findings.damaged_versions.len(), 1);
    assert!(findings.damaged_versions[0].on_hub);
}

#[test]
fn a_conflict_and_its_resolution_keep_every_version_as_written() {
    let mut devices = team(2);
    let mut hub = Hub::default();
    let mut cursors = [0usize; 3];
    let id = add(&mut devices[1].store, "Hoa");
    hub.push(&mut devices[1], false);
    hub.pull(&mut devices[2], &mut cursors[2]);
    // Both edit the alias without having seen each other's edit.
    devices[1].files.clock.advance_secs(60);
    devices[2].files.clock.advance_secs(61);
    edit(
        &mut devices[1].store,
        id,
        json!({"alias": "Hoa A", "notes": "one"}),
    );
    edit(&mut devices[2].store, id, json!({"alias": "Hoa B"}));
    let mut written: BTreeMap<VersionId, RecordVersion> = BTreeMap::new();
    for device in [1, 2] {
        for version in versions(&mut devices[device].store, id) {
            written.insert(version.version_id, version);
        }
    }
    hub.push(&mut devices[1], true);
    hub.push(&mut devices[2], false);
    for device in 0..3 {
        hub.pull(&mut devices[device], &mut cursors[device]);
    }
    let view = devices[0].store.get(id).unwrap();
    assert!(!view.conflicts.is_empty(), "the alias is in conflict");
    let check = |devices: &mut Vec<Device>, written: &BTreeMap<VersionId, RecordVersion>| {
        for device in devices.iter_mut() {
            let held = versions(&mut device.store, id);
            assert_eq!(held.len(), 3);
            for version in held {
                assert_eq!(Some(&version), written.get(&version.version_id));
            }
            assert_whole(&mut device.store);
        }
    };
    check(&mut devices, &written);
    // Both conflicting versions wrote what the state still holds: stubs.
    let stubs = rows(&devices[0].store, id)
        .iter()
        .filter(|r| r.0 == pushed::STUB)
        .count();
    assert_eq!(stubs, 2, "{:?}", rows(&devices[0].store, id));

    // The supervisor resolves the conflict: both edits' bodies come back.
    devices[0].files.clock.advance_secs(120);
    edit(&mut devices[0].store, id, json!({"alias": "Hoa C"}));
    for version in versions(&mut devices[0].store, id) {
        written.entry(version.version_id).or_insert(version);
    }
    hub.push(&mut devices[0], false);
    for device in 0..3 {
        hub.pull(&mut devices[device], &mut cursors[device]);
    }
    assert!(devices[1].store.get(id).unwrap().conflicts.is_empty());
    for device in devices.iter_mut() {
        let held = versions(&mut device.store, id);
        assert_eq!(held.len(), 4);
        for version in held {
            assert_eq!(Some(&version), written.get(&version.version_id));
        }
        let history = device.store.history(id).unwrap();
        let aliases: Vec<&serde_json::Value> = history
            .iter()
            .filter_map(|e| e.changes.get("alias"))
            .collect();
        assert_eq!(aliases.len(), 4);
        assert_whole(&mut device.store);
    }
}

#[test]
fn a_merged_version_keeps_its_body_and_its_log_reads_the_same() {
    let mut devices = team(1);
    let mut hub = Hub::default();
    let id = add(&mut devices[1].store, "Hoa");
    for n in 0..4 {
        devices[1].files.clock.advance_secs(10);
        edit(
            &mut devices[1].store,
            id,
            json!({"notes": format!("visit {n}")}),
        );
    }
    hub.push(&mut devices[1], false);
    hub.pull(&mut devices[0], &mut 0);
    let history = devices[0].store.history(id).unwrap();
    devices[0].files.clock.advance_secs(60);
    let compactions = devices[0].store.make_merged_versions(3, 100).unwrap();
    assert_eq!(compactions.len(), 1);
    let merged = compactions[0].keep_version_id;
    let before = versions(&mut devices[0].store, id);
    hub.push(&mut devices[0], false);
    // Its writes carry older stamps than its own: no stub rebuilds it.
    let marks: Vec<i64> = rows(&devices[0].store, id).iter().map(|r| r.0).collect();
    assert_eq!(marks.last(), Some(&pushed::YES), "{marks:?}");
    assert_eq!(versions(&mut devices[0].store, id), before);
    assert!(before.iter().any(|v| v.version_id == merged));
    assert_eq!(devices[0].store.history(id).unwrap(), history);
    assert_whole(&mut devices[0].store);
}

/// One step of a team's random history.
#[derive(Debug, Clone)]
enum Step {
    /// A device creates a client.
    Create {
        device: usize,
    },
    /// A device edits some fields of a record it holds.
    Edit {
        device: usize,
        record: usize,
        alias: Option<u8>,
        notes: Option<u8>,
        year: Option<u8>,
    },
    Push {
        device: usize,
        locked: bool,
    },
    Pull {
        device: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => (0..3usize).prop_map(|device| Step::Create { device }),
        4 => (
            0..3usize,
            0..2usize,
            proptest::option::of(0..3u8),
            proptest::option::of(0..3u8),
            proptest::option::of(0..3u8)
        )
            .prop_map(|(device, record, alias, notes, year)| Step::Edit {
                device,
                record,
                alias,
                notes,
                year
            }),
        2 => (0..3usize, any::<bool>()).prop_map(|(device, locked)| Step::Push { device, locked }),
        3 => (0..3usize).prop_map(|device| Step::Pull { device }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Every version every device holds reads exactly as its writer wrote
    /// it, whatever the order of saves, edits of the same fields on several
    /// devices (conflicts), pushes (locked or not) and pulls; and a check
    /// finds nothing wrong.
    #[test]
    fn every_version_reads_as_written_through_stubs(steps in proptest::collection::vec(step(), 8..64)) {
        let mut devices = team(2);
        let mut hub = Hub::default();
        let mut cursors = [0usize; 3];
        let mut records: Vec<RecordId> = Vec::new();
        let mut written: BTreeMap<VersionId, RecordVersion> = BTreeMap::new();
        for (n, step) in steps.iter().enumerate() {
            for device in &devices {
                device.files.clock.advance_secs(7);
            }
            let touched = match *step {
                Step::Create { device } => {
                    let id = add(&mut devices[device].store, &format!("c{n}"));
                    records.push(id);
                    Some((device, id))
                }
                Step::Edit { device, record, alias, notes, year } => {
                    let Some(&id) = records.get(record) else { continue };
                    if devices[device].store.get(id).is_err() {
                        continue; // not pulled here yet
                    }
                    let mut change = serde_json::Map::new();
                    if let Some(a) = alias {
                        change.insert("alias".into(), json!(format!("a{a}")));
                    }
                    if let Some(t) = notes {
                        change.insert("notes".into(), json!(format!("n{t}")));
                    }
                    if let Some(y) = year {
                        change.insert("birth_year".into(), json!(1980 + y as i64));
                    }
                    if change.is_empty() {
                        continue;
                    }
                    devices[device]
                        .store
                        .update(id, &change, WriteOptions::default())
                        .unwrap();
                    Some((device, id))
                }
                Step::Push { device, locked } => {
                    hub.push(&mut devices[device], locked);
                    None
                }
                Step::Pull { device } => {
                    hub.pull(&mut devices[device], &mut cursors[device]);
                    None
                }
            };
            // A new version is read from its full body, on its writer, once.
            if let Some((device, id)) = touched {
                for version in versions(&mut devices[device].store, id) {
                    written.entry(version.version_id).or_insert(version);
                }
            }
            for device in devices.iter_mut() {
                for &id in &records {
                    for version in versions(&mut device.store, id) {
                        prop_assert_eq!(
                            Some(&version),
                            written.get(&version.version_id),
                            "step {}: {:?}", n, step
                        );
                    }
                }
            }
        }
        for device in devices.iter_mut() {
            assert_whole(&mut device.store);
        }
    }
}
