//! Crashes in the middle of a sync, against a real hub on loopback: the hub
//! SIGKILLed while a device pushes thousands of versions, and a CLI device
//! SIGKILLed while it pulls. After restarts and a final sync, nothing is
//! lost and nothing is stored twice, on the hub or on the devices.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::devices::Device;
use common::fault_proxy::Seed;
use common::hub::HubProcess;
use common::{ids, Fieldbook, Rng};
use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::{Role, WriteOptions};
use fieldbook_core::sync::{RetryPolicy, SyncOptions};
use serde_json::{json, Map, Value};

/// What a device wrote: record ids by kind, and the versions behind them.
#[derive(Default)]
struct Written {
    ids: Vec<(RecordId, RecordKind)>,
    versions: u64,
    /// Versions an outreach device may receive (everything but case notes).
    outreach_versions: u64,
}

impl Written {
    fn of(&self, kind: RecordKind) -> Vec<String> {
        let mut out: Vec<String> = self
            .ids
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(id, _)| id.to_string())
            .collect();
        out.sort();
        out
    }

    fn count(&mut self, kind: RecordKind, versions: u64) {
        self.versions += versions;
        if Role::Outreach.may_read(kind) {
            self.outreach_versions += versions;
        }
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Writes `clients` clients, a contact for each, a referral for every other
/// one, a case note for every third, and a later edit of every fifth, in
/// transactions of a few hundred records (the way a busy device piles up
/// unsent work).
fn write_caseload(device: &mut Device, clients: usize) -> Written {
    let mut written = Written::default();
    let options = || WriteOptions::default();
    let mut client_ids = Vec::with_capacity(clients);
    for chunk in (0..clients).collect::<Vec<_>>().chunks(250) {
        let items: Vec<_> = chunk
            .iter()
            .map(|n| {
                (
                    RecordKind::Client,
                    object(json!({"alias": format!("Khách {n}"), "area": "Lê Chân",
                                  "birth_year": 1970 + (n % 40) as i64})),
                )
            })
            .collect();
        let ids = device.store.add_many(&items, options()).unwrap();
        client_ids.extend(ids.iter().copied());
        written
            .ids
            .extend(ids.into_iter().map(|id| (id, RecordKind::Client)));
        written.count(RecordKind::Client, chunk.len() as u64);
    }
    for chunk in client_ids.chunks(250) {
        let mut items = Vec::new();
        for (n, client) in chunk.iter().enumerate() {
            let client = client.to_string();
            items.push((
                RecordKind::Contact,
                object(
                    json!({"client_id": client, "at": "2026-11-20T08:30:00+07:00",
                              "services": {"syringes": 10, "naloxone": 1}}),
                ),
            ));
            if n % 2 == 0 {
                items.push((
                    RecordKind::Referral,
                    object(json!({"client_id": client, "service": "methadone",
                                  "status": "sent", "date": "2026-11-20"})),
                ));
            }
            if n % 3 == 0 {
                items.push((
                    RecordKind::CaseNote,
                    object(json!({"client_id": client, "date": "2026-11-21",
                                  "narrative": "ổn định, đang điều trị"})),
                ));
            }
        }
        let ids = device.store.add_many(&items, options()).unwrap();
        for (id, (kind, _)) in ids.into_iter().zip(&items) {
            written.ids.push((id, *kind));
            written.count(*kind, 1);
        }
    }
    for (n, client) in client_ids.iter().enumerate().filter(|(n, _)| n % 5 == 0) {
        device.update(*client, json!({"notes": format!("gặp lại lần {n}")}));
        written.count(RecordKind::Client, 1);
    }
    written
}

fn sqlite(db: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

fn query_u64(conn: &rusqlite::Connection, sql: &str) -> u64 {
    use rusqlite::OptionalExtension;
    conn.query_row(sql, [], |r| r.get::<_, i64>(0))
        .optional()
        .unwrap()
        .unwrap_or(0) as u64
}

/// The log cursor a store saved (0 before its first page).
fn saved_cursor(conn: &rusqlite::Connection) -> u64 {
    query_u64(conn, "SELECT value FROM meta WHERE key = 'sync_cursor'")
}

fn unpushed(conn: &rusqlite::Connection) -> u64 {
    query_u64(conn, "SELECT count(*) FROM versions WHERE pushed = 0")
}

/// Polls `done` every millisecond until it holds, `give_up` is set, or 30 s pass.
fn wait_for(mut done: impl FnMut() -> bool, give_up: &AtomicBool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline && !give_up.load(Ordering::SeqCst) {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    false
}

fn of_kind(snapshot: &Value, kind: RecordKind) -> Vec<(String, Value)> {
    snapshot
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["kind"] == kind.as_str())
        .map(|(id, r)| (id.clone(), r.clone()))
        .collect()
}

fn version_count(snapshot: &Value) -> u64 {
    snapshot
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["versions"].as_array().unwrap().len() as u64)
        .sum()
}

const HUB_KILLS: u64 = 4;

#[test]
fn a_hub_killed_mid_push_ends_up_with_each_version_exactly_once() {
    let seed = Seed::for_test("hub killed mid-push");
    let mut rng = Rng::new(seed.value);
    let hub = Arc::new(Mutex::new(HubProcess::start()));
    // Timed from here: the first hub start may build the binaries.
    let started = Instant::now();
    let url = hub.lock().unwrap().url();
    let (team_id, code) = hub.lock().unwrap().create_team("Hải Phòng");
    let mut writer = Device::enroll("supervisor", &url, &code);
    let mut reader = writer.invite("case-manager", Role::CaseManager, &url);

    let written = write_caseload(&mut writer, 1100);
    let total = writer.store.unpushed_count().unwrap();
    assert_eq!(total, written.versions);
    let options = SyncOptions {
        push_batch: 25,
        pull_limit: 200,
        retry: RetryPolicy {
            attempts: 3,
            base_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(40),
        },
    };
    let db = writer.dir().join("data").join("fieldbook.db");
    let mut duplicates = 0;
    for round in 1..=HUB_KILLS {
        // Kill at a random moment around the round's share of the push.
        let share = round * 100 / (HUB_KILLS + 1);
        let target = total * (100 - share + rng.below(10)) / 100;
        let extra = Duration::from_millis(rng.below(25));
        let before = writer.store.unpushed_count().unwrap();
        let sync_over = Arc::new(AtomicBool::new(false));
        let killer = {
            let (hub, db, sync_over) = (Arc::clone(&hub), db.clone(), Arc::clone(&sync_over));
            std::thread::spawn(move || {
                let conn = sqlite(&db);
                let reached = wait_for(|| unpushed(&conn) <= target, &sync_over);
                if reached {
                    std::thread::sleep(extra);
                    hub.lock().unwrap().kill();
                }
                reached
            })
        };
        let summary = writer.sync_with(&options);
        sync_over.store(true, Ordering::SeqCst);
        assert!(
            killer.join().unwrap(),
            "seed {}: round {round}: the push never got down to {target} unsent versions: {summary:?}",
            seed.value
        );
        let after = writer.store.unpushed_count().unwrap();
        assert!(
            !summary.ok && !summary.errors.is_empty(),
            "seed {}: the hub died mid-push, yet the sync says {summary:?}",
            seed.value
        );
        assert!(
            after < before && after > 0,
            "seed {}: round {round}: {before} unsent before, {after} after",
            seed.value
        );
        duplicates += summary.push_duplicates;
        // Whatever the hub acknowledged survived its death; nothing is there twice.
        let mut hub = hub.lock().unwrap();
        let logged = hub.log_versions(&team_id);
        assert!(
            logged >= total - after && logged <= total,
            "seed {}: round {round}: {} acknowledged, {logged} in the hub's log of {total}",
            seed.value,
            total - after
        );
        hub.restart();
    }

    let last = writer.sync_with(&options);
    assert!(last.ok, "seed {}: {last:?}", seed.value);
    duplicates += last.push_duplicates;
    assert_eq!(writer.store.unpushed_count().unwrap(), 0);
    let hub = hub.lock().unwrap();
    assert_eq!(
        hub.log_versions(&team_id),
        written.versions,
        "seed {}: the hub's log holds each version exactly once",
        seed.value
    );

    let pulled = reader.sync_with(&options);
    assert!(pulled.ok, "seed {}: {pulled:?}", seed.value);
    let (theirs, ours) = (reader.snapshot(), writer.snapshot());
    for kind in RecordKind::ALL {
        let mut got: Vec<String> = of_kind(&theirs, kind)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        got.sort();
        assert_eq!(
            got,
            written.of(kind),
            "seed {}: {kind:?} records",
            seed.value
        );
    }
    assert_eq!(theirs, ours, "seed {}: the devices disagree", seed.value);
    assert_eq!(version_count(&theirs), written.versions);
    eprintln!(
        "hub killed mid-push: {} versions, {HUB_KILLS} kills, {duplicates} re-pushed versions the hub already had, {:.1} s",
        written.versions,
        started.elapsed().as_secs_f64()
    );
}

const DEVICE_KILLS: u64 = 6;
const PAGE: u64 = 40;

#[test]
fn a_device_killed_mid_pull_resumes_and_holds_every_record_once() {
    let seed = Seed::for_test("device killed mid-pull");
    let mut rng = Rng::new(seed.value);
    let hub = HubProcess::start();
    // Timed from here: the first hub start may build the binaries.
    let started = Instant::now();
    let (_team_id, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let cli = Fieldbook::new();
    let invite = supervisor.make_invite(Role::Outreach);
    let enrolled = cli.run(&["enroll", &invite, "--hub", &hub.url()]);
    assert!(enrolled.ok(), "{enrolled:?}");

    let written = write_caseload(&mut supervisor, 700);
    supervisor.sync();

    let conn = sqlite(&cli.db());
    let mut cursor = saved_cursor(&conn);
    let page = PAGE.to_string();
    for round in 1..=DEVICE_KILLS {
        let mut child = cli
            .command(&["sync", "--json", "--page-size", &page])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawning fieldbook sync");
        // A few pages in, then a random moment within the next one.
        let target = cursor + PAGE * (1 + rng.below(3));
        let reached = wait_for(
            || saved_cursor(&conn) >= target || !matches!(child.try_wait(), Ok(None)),
            &AtomicBool::new(false),
        ) && saved_cursor(&conn) >= target;
        std::thread::sleep(Duration::from_millis(rng.below(30)));
        let still_running = matches!(child.try_wait(), Ok(None));
        let _ = child.kill();
        let _ = child.wait();
        assert!(
            reached && still_running,
            "seed {}: round {round}: the pull ended or stalled before cursor {target} (at {})",
            seed.value,
            saved_cursor(&conn)
        );
        let now = saved_cursor(&conn);
        // It resumed from the saved cursor: each round goes further than the last.
        assert!(
            now >= target,
            "seed {}: cursor {cursor} -> {now}",
            seed.value
        );
        cursor = now;
    }

    let last = cli.run(&["sync", "--json"]);
    assert!(
        last.ok(),
        "seed {}: final sync failed: {last:?}",
        seed.value
    );
    assert_eq!(last.json()["ok"], true);

    for (kind, name) in [
        (RecordKind::Client, "client"),
        (RecordKind::Contact, "contact"),
        (RecordKind::Referral, "referral"),
    ] {
        let mut listed = ids(&cli.list(name));
        listed.sort();
        assert_eq!(
            listed,
            written.of(kind),
            "seed {}: {name} records on the killed device",
            seed.value
        );
    }
    let (versions, distinct) = conn
        .query_row(
            "SELECT count(*), count(DISTINCT version_id) FROM versions",
            [],
            |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
        )
        .unwrap();
    assert_eq!(
        (versions, distinct),
        (written.outreach_versions, written.outreach_versions),
        "seed {}: every version the device may read, once",
        seed.value
    );
    // Histories (edited clients and others) match the writer's exactly.
    let mut sample: Vec<RecordId> = written
        .ids
        .iter()
        .filter(|(_, kind)| Role::Outreach.may_read(*kind))
        .step_by(97)
        .map(|(id, _)| *id)
        .take(4)
        .collect();
    sample.push(written.ids[0].0);
    for id in sample {
        let theirs = cli.json(&["history", &id.to_string()]);
        let ours = serde_json::to_value(supervisor.store.history(id).unwrap()).unwrap();
        assert_eq!(theirs, ours, "seed {}: history of {id}", seed.value);
    }
    let audit = cli.run(&["audit", "verify"]);
    assert!(audit.ok(), "seed {}: {audit:?}", seed.value);
    eprintln!(
        "device killed mid-pull: {} versions ({} readable), {DEVICE_KILLS} kills, {:.1} s",
        written.versions,
        written.outreach_versions,
        started.elapsed().as_secs_f64()
    );
}
