//! A store written by the release that sealed records as JSON (record
//! format 2, protocol 2), kept frozen in `core/tests/fixtures/store-v2/`,
//! opens in this build with every record, version, conflict and audit entry.
//!
//! The fixture was written once by [`write_the_frozen_v2_fixture`] at the
//! commit that froze it, together with `expected.json`: what that build
//! itself read back out of the store (each record's details and history,
//! the audit trail's length, what waited to be pushed). Never regenerate it
//! with a later build: it stands for the stores in the field.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{json, Value};

use super::*;
use crate::crypto::SoftwareKeyProvider;
use crate::record::{RecordId, RecordKind};
use crate::testing::{obj, test_morning, TestDevice, TEST_PIN};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-v2")
}

/// What a build reads out of a store, to compare the frozen store's
/// contents across builds: per record its details and history, then the
/// audit trail and the unpushed count.
/// The bytes of every sealed state, list row and version (the views the
/// store had went with the schema upgrade, at open).
fn body_bytes(conn: &rusqlite::Connection) -> i64 {
    conn.query_row(
        "SELECT (SELECT sum(length(state)) FROM records)
              + (SELECT coalesce(sum(length(body)), 0) FROM list_rows)
              + (SELECT sum(length(body)) FROM version_bodies)",
        [],
        |r| r.get(0),
    )
    .expect("a sum")
}

fn read_everything(store: &mut Store, ids: &[RecordId]) -> Value {
    let records: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({
                "details": serde_json::to_value(store.details(*id).expect("a record opens")).expect("json"),
                "history": serde_json::to_value(store.history(*id).expect("its history opens")).expect("json"),
            })
        })
        .collect();
    let audit = store.verify_audit().expect("the audit trail reads");
    json!({
        "records": records,
        "audit_entries": audit.entries,
        "audit_ok": audit.ok,
        "unpushed": store.unpushed_count().expect("a count"),
    })
}

/// Writes the fixture. Run once, by hand, at the commit that froze it:
/// `FIELDBOOK_WRITE_V2_FIXTURE=1 cargo test -p fieldbook-core --lib format_v2 -- --ignored`.
#[test]
#[ignore = "writes the frozen fixture; run by hand only"]
fn write_the_frozen_v2_fixture() {
    if std::env::var_os("FIELDBOOK_WRITE_V2_FIXTURE").is_none() {
        return;
    }
    let device = TestDevice::new();
    let mut store = device.create();
    let colleague = TestDevice::new();
    let mut member = colleague.create_member(&mut store, Role::Outreach);

    let hoa = store
        .add(
            RecordKind::Client,
            &obj(json!({
                "alias": "Nguyễn Thị Hoa", "sex": "female", "birth_year": 1991,
                "notes": "Gặp ở chợ Long Biên", "area": "long_bien",
                "primary_substances": ["heroin"], "injecting": true,
                "uic_mother_name": "Nguyễn Thị Lan", "uic_father_name": "Trần Văn Minh"
            })),
            WriteOptions::default(),
        )
        .expect("a client");
    let minh = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "Minh", "sex": "male", "birth_year": 1985})),
            WriteOptions::default(),
        )
        .expect("a client");
    let contact = store
        .add(
            RecordKind::Contact,
            &obj(json!({
                "client_id": hoa.to_string(), "at": "2026-11-20T08:30:00+07:00",
                "place": "long_bien", "services": {"syringes": 10, "condoms": 4},
                "notes": "Đưa kim tiêm sạch"
            })),
            WriteOptions::default(),
        )
        .expect("a contact");
    let case_note = store
        .add(
            RecordKind::CaseNote,
            &obj(json!({
                "client_id": hoa.to_string(), "date": "2026-11-21",
                "narrative": "Muốn bắt đầu điều trị Methadone", "drug_use_rating": "3",
                "next_follow_up": "2026-12-05"
            })),
            WriteOptions::default(),
        )
        .expect("a case note");
    let referral = store
        .add(
            RecordKind::Referral,
            &obj(json!({
                "client_id": hoa.to_string(), "service": "methadone", "status": "sent",
                "date": "2026-11-21", "facility": "Cơ sở điều trị Methadone quận 1"
            })),
            WriteOptions::default(),
        )
        .expect("a referral");
    let meeting = store
        .add(
            RecordKind::Meeting,
            &obj(json!({
                "group_name": "Nhóm tự lực Hy Vọng", "date": "2026-11-22",
                "attendance_total": 12, "attendance_women": 5,
                "attendee_ids": [hoa.to_string(), minh.to_string()]
            })),
            WriteOptions::default(),
        )
        .expect("a meeting");
    // Everything so far reached the hub; what follows waits to be pushed.
    let sent = store.unpushed(1000).expect("unpushed");
    let pushed: Vec<uuid::Uuid> = sent.iter().map(|v| v.version_id).collect();
    store.mark_pushed(&pushed).expect("marked");

    // A colleague learns the clients and edits Hoa's notes while this device
    // edits them too: a conflict, merged here.
    let clients: Vec<_> = sent
        .into_iter()
        .filter(|v| v.kind == RecordKind::Client)
        .collect();
    member.receive(&clients).expect("received");
    device.clock.advance_secs(300);
    colleague.clock.advance_secs(300);
    member
        .update(
            hoa,
            &obj(json!({"notes": "Hẹn gặp lại thứ Hai"})),
            WriteOptions::default(),
        )
        .expect("the colleague's edit");
    store
        .update(
            hoa,
            &obj(json!({"notes": "Đã chuyển đến quận 1", "area": Value::Null})),
            WriteOptions::default(),
        )
        .expect("an edit");
    let outcome = store
        .receive(&member.unpushed(1000).expect("unpushed"))
        .expect("received");
    assert_eq!(outcome.conflicts, 1, "{outcome:?}");
    store
        .update(
            referral,
            &obj(json!({"status": "completed"})),
            WriteOptions::default(),
        )
        .expect("an edit");
    store.delete(minh).expect("a delete");
    let ids = vec![hoa, minh, contact, case_note, referral, meeting];
    let expected = read_everything(&mut store, &ids);
    drop(member);
    drop(store);

    let out = fixture_dir();
    let _ = std::fs::remove_dir_all(&out);
    copy_dir(&device.dir, &out.join("device"));
    copy_dir(&device.platform_dir(), &out.join("platform"));
    std::fs::write(
        out.join("expected.json"),
        serde_json::to_vec_pretty(&json!({
            "ids": ids.iter().map(|id| id.to_string()).collect::<Vec<_>>(),
            "read": expected,
        }))
        .expect("json"),
    )
    .expect("written");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("a directory");
    for entry in std::fs::read_dir(from).expect("a directory") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

#[test]
fn the_frozen_v2_store_opens_with_everything_in_it() {
    let tmp = tempfile::tempdir().expect("a directory");
    copy_dir(&fixture_dir(), tmp.path());
    let expected: Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("expected.json")).expect("the fixture's expectations"),
    )
    .expect("json");
    let ids: Vec<RecordId> = expected["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|id| id.as_str().expect("an id").parse().expect("a record id"))
        .collect();
    let provider = Arc::new(SoftwareKeyProvider::new(tmp.path().join("platform")));
    let clock = ManualClock::new(test_morning() + chrono::Duration::days(1));
    let options = OpenOptions {
        clock: Arc::new(clock),
        ..OpenOptions::for_tests()
    };
    let dir = tmp.path().join("device");
    let mut store = Store::open(&dir, provider.clone(), options.clone()).expect("opens");
    assert!(format_upgrade::pending(&store.conn).unwrap());
    let before = body_bytes(&store.conn);
    store.unlock(TEST_PIN).expect("the PIN unlocks it");
    // The first unlock rewrote every body in format 3, once, and gave
    // every record its list row.
    assert!(!format_upgrade::pending(&store.conn).unwrap());
    let (records, rows): (i64, i64) = store
        .conn
        .query_row(
            "SELECT (SELECT count(*) FROM records), (SELECT count(*) FROM list_rows)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((rows, records), (records, ids.len() as i64));
    let after = body_bytes(&store.conn);
    assert!(
        after * 2 < before,
        "{after} bytes of bodies after, {before} before"
    );
    let read = read_everything(&mut store, &ids);
    assert_eq!(read["records"], expected["read"]["records"]);
    assert_eq!(read["unpushed"], expected["read"]["unpushed"]);
    assert_eq!(read["audit_ok"], json!(true));
    // Locked and opened again, it reads the same, and has nothing left to do.
    drop(store);
    let mut store = Store::open(&dir, provider, options).expect("opens again");
    store.unlock(TEST_PIN).expect("unlocks again");
    assert_eq!(body_bytes(&store.conn), after);
    let again = read_everything(&mut store, &ids);
    assert_eq!(again["records"], read["records"]);
    assert_eq!(again["unpushed"], read["unpushed"]);
    // The upgrade may add entries of its own, never lose one.
    assert!(
        read["audit_entries"].as_u64() >= expected["read"]["audit_entries"].as_u64(),
        "{} < {}",
        read["audit_entries"],
        expected["read"]["audit_entries"]
    );
}
