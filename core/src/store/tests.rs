//! The store's behaviour: lock and unlock, PIN back-off and erase, writes and
//! history, damage that stays confined to one record, the audit trail.

use super::*;
use crate::crypto::SoftwareKeyProvider;
use crate::record::{RecordId, RecordKind, RecordVersion, SensitivityClass, Stamp, VersionId};
use crate::Lang;
use chrono::Utc;
use fieldbook_trust::Link;
use serde_json::json;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

const PIN: &str = crate::testing::TEST_PIN;

pub(crate) use crate::testing::{obj, TestDevice as Fixture};

pub(crate) fn add_client(store: &mut Store, alias: &str) -> RecordId {
    store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": alias, "sex": "female", "birth_year": 1990, "notes": "n"})),
            WriteOptions::default(),
        )
        .unwrap()
}

/// Flips a bit in the middle of a record's sealed state (`records`) or
/// list row (`list_rows`).
fn corrupt(store: &Store, id: RecordId, table: &str) {
    let column = if table == "records" { "state" } else { "body" };
    let blob: Vec<u8> = store
        .conn
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            [id.as_bytes().as_slice()],
            |r| r.get(0),
        )
        .unwrap();
    let mut blob = blob;
    let middle = blob.len() / 2;
    blob[middle] ^= 0x01;
    store
        .conn
        .execute(
            &format!("UPDATE {table} SET {column} = ?1 WHERE id = ?2"),
            rusqlite::params![blob, id.as_bytes().as_slice()],
        )
        .unwrap();
}

#[test]
fn records_survive_lock_and_reopen_and_need_the_pin() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let id = add_client(&mut store, "Hoa");
    store.lock();
    assert!(matches!(store.get(id), Err(Error::Locked)));
    drop(store);

    let mut store = fx.open().unwrap();
    assert!(store.is_locked());
    assert!(matches!(store.list(RecordKind::Client), Err(Error::Locked)));
    store.unlock(PIN).unwrap();
    assert_eq!(store.get(id).unwrap().text("alias"), Some("Hoa"));
}

#[test]
fn wrong_pins_are_counted_slowed_down_and_finally_erase_the_store() {
    let fx = Fixture::new();
    let policy = SecurityPolicy {
        max_failed_unlocks: 5,
        free_attempts: 2,
        backoff_base_secs: 30,
        ..SecurityPolicy::default()
    };
    let mut store = fx.create_with(Role::Supervisor, policy);
    add_client(&mut store, "Hoa");
    drop(store);

    let mut store = fx.open().unwrap();
    assert!(matches!(
        store.unlock("0000"),
        Err(Error::WrongPin { attempts_left: 4 })
    ));
    assert!(matches!(
        store.unlock("0000"),
        Err(Error::WrongPin { attempts_left: 3 })
    ));
    // Two failures used the free attempts: the next try must wait.
    assert!(matches!(
        store.unlock(PIN),
        Err(Error::BackOff {
            retry_after_secs: 30
        })
    ));
    // Reopening the store does not reset the count.
    drop(store);
    let mut store = fx.open().unwrap();
    assert!(matches!(store.unlock(PIN), Err(Error::BackOff { .. })));
    fx.clock.advance_secs(31);
    // The right PIN after the wait works and resets the count.
    store.unlock(PIN).unwrap();
    store.lock();
    for left in [4, 3, 2, 1] {
        assert!(
            matches!(store.unlock("1111"), Err(Error::WrongPin { attempts_left }) if attempts_left == left)
        );
        fx.clock.advance_secs(3600);
    }
    assert!(matches!(store.unlock("1111"), Err(Error::Erased)));
    assert!(matches!(store.unlock(PIN), Err(Error::Erased)));
    drop(store);
    assert!(matches!(fx.open(), Err(Error::Erased)));
    // Nothing sealed is left behind.
    let conn = rusqlite::Connection::open(db_path(&fx.dir)).unwrap();
    for table in [
        "records",
        "versions",
        "team_keys",
        "lookup",
        "lookup_postings",
        "audit_sealed",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} not emptied");
    }
}

#[test]
fn an_idle_store_locks_itself() {
    let fx = Fixture::new();
    let mut store = fx.create_with(
        Role::Supervisor,
        SecurityPolicy {
            auto_lock_secs: 60,
            ..Default::default()
        },
    );
    let id = add_client(&mut store, "Hoa");
    fx.clock.advance_secs(59);
    store.get(id).unwrap();
    fx.clock.advance_secs(59);
    store.get(id).unwrap();
    fx.clock.advance_secs(61);
    assert!(matches!(store.get(id), Err(Error::Locked)));
    store.unlock(PIN).unwrap();
    store.get(id).unwrap();
}

#[test]
fn updates_keep_every_version_and_a_no_op_writes_nothing() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let id = add_client(&mut store, "Hoa");
    store
        .update(
            id,
            &obj(json!({"alias": "Hoà", "area": "Chợ Long Biên"})),
            WriteOptions::default(),
        )
        .unwrap();
    store
        .update(id, &obj(json!({"alias": "Hoà"})), WriteOptions::default())
        .unwrap();
    store
        .update(id, &obj(json!({"area": null})), WriteOptions::default())
        .unwrap();
    let view = store.get(id).unwrap();
    assert_eq!(view.text("alias"), Some("Hoà"));
    assert!(view.values.get("area").is_none());
    let history = store.history(id).unwrap();
    assert_eq!(history.len(), 3);
    assert_eq!(history[0].changes["alias"], json!("Hoa"));
    assert_eq!(history[1].changes["alias"], json!("Hoà"));
    assert_eq!(history[2].changes["area"], Value::Null);

    // The clock survives a restart: later writes still win.
    drop(store);
    let mut store = fx.reopen();
    fx.clock.advance_secs(-3600);
    store
        .update(id, &obj(json!({"alias": "Lan"})), WriteOptions::default())
        .unwrap();
    assert_eq!(store.get(id).unwrap().text("alias"), Some("Lan"));
}

#[test]
fn invalid_input_is_refused_with_field_errors_and_stores_nothing() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let err = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "", "birth_year": 1800})),
            WriteOptions::lang(Lang::Vi),
        )
        .unwrap_err();
    let Error::Validation(errors) = err else {
        panic!("expected validation errors")
    };
    assert!(errors.get("alias").is_some());
    assert!(errors.get("birth_year").is_some());
    assert!(store.list(RecordKind::Client).unwrap().records.is_empty());
}

#[test]
fn links_must_point_at_a_stored_record_of_the_right_kind() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let client = add_client(&mut store, "Hoa");
    let missing = RecordId::make();
    let err = store
        .add(
            RecordKind::Contact,
            &obj(json!({"client_id": missing.to_string(), "at": "2026-11-20T08:00:00Z"})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::LinkNotFound { .. }));
    let contact = store
        .add(
            RecordKind::Contact,
            &obj(json!({"client_id": client.to_string(), "at": "2026-11-20T08:00:00Z"})),
            WriteOptions::default(),
        )
        .unwrap();
    let err = store
        .add(
            RecordKind::Referral,
            &obj(json!({"client_id": contact.to_string(), "service": "methadone", "date": "2026-11-20"})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::WrongLinkKind { .. }));
}

#[test]
fn a_client_with_an_existing_code_is_offered_instead_of_duplicated() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let input = obj(json!({
        "alias": "Hoa", "sex": "female", "birth_year": 1990,
        "uic_mother_name": "Nguyễn Thị Lan", "uic_father_name": "Trần Văn Minh"
    }));
    let first = store
        .add(RecordKind::Client, &input, WriteOptions::default())
        .unwrap();
    let code = store.get(first).unwrap().text("uic").unwrap().to_string();
    assert!(store
        .get(first)
        .unwrap()
        .values
        .get("uic_mother_name")
        .is_none());

    let same_person = obj(json!({
        "alias": "Hoa B", "sex": "female", "birth_year": 1990,
        "uic_mother_name": "nguyen thi lan", "uic_father_name": "TRAN VAN MINH"
    }));
    let err = store
        .add(RecordKind::Client, &same_person, WriteOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateClient { existing } if existing == first));
    let found = store
        .clients_by_uic(&code.to_lowercase().replace('-', ""))
        .unwrap();
    assert_eq!(found.iter().map(|c| c.id).collect::<Vec<_>>(), vec![first]);

    let second = store
        .add(
            RecordKind::Client,
            &same_person,
            WriteOptions {
                allow_duplicate_uic: true,
                ..Default::default()
            },
        )
        .unwrap();
    assert_ne!(first, second);
    // A deleted client no longer blocks its code.
    store.delete(first).unwrap();
    store.delete(second).unwrap();
    store
        .add(RecordKind::Client, &input, WriteOptions::default())
        .unwrap();
}

/// Listings are opened in batches on several threads: a listing of many
/// batches keeps the table's order and names every damaged record, wherever
/// it falls.
#[test]
fn a_listing_of_many_batches_keeps_order_and_every_damaged_record() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let items: Vec<(RecordKind, Map<String, Value>)> = (0..1000)
        .map(|i| {
            (
                RecordKind::Client,
                obj(json!({"alias": format!("C{i}"), "sex": "male", "birth_year": 1980})),
            )
        })
        .collect();
    store.add_many(&items, WriteOptions::default()).unwrap();
    let table_order = |store: &Store, table: &str| -> Vec<RecordId> {
        let mut stmt = store
            .conn
            .prepare(&format!("SELECT id FROM {table} WHERE kind = 'client'"))
            .unwrap();
        let ids = stmt
            .query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|id| RecordId::from_slice(&id.unwrap()).unwrap())
            .collect();
        ids
    };
    for table in ["list_rows", "records"] {
        let order = table_order(&store, table);
        let damaged = [order[0], order[255], order[256], order[999]];
        for id in damaged {
            corrupt(&store, id, table);
        }
        let expected: Vec<RecordId> = order
            .iter()
            .copied()
            .filter(|id| !damaged.contains(id))
            .collect();
        if table == "list_rows" {
            let listing = store.list_rows(RecordKind::Client).unwrap();
            assert_eq!(listing.unreadable, damaged.to_vec());
            let listed: Vec<RecordId> = listing.rows.iter().map(|r| r.id).collect();
            assert_eq!(listed, expected);
            assert!(listing.rows.iter().all(|row| row.birth_year == Some(1980)));
        } else {
            let listing = store.list(RecordKind::Client).unwrap();
            assert_eq!(listing.unreadable, damaged.to_vec());
            let listed: Vec<RecordId> = listing.records.iter().map(|r| r.id).collect();
            assert_eq!(listed, expected);
            for view in &listing.records {
                assert_eq!(view.values["birth_year"], json!(1980));
            }
        }
    }
}

#[test]
fn one_damaged_record_breaks_only_itself() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let ids: Vec<RecordId> = (0..5)
        .map(|i| add_client(&mut store, &format!("C{i}")))
        .collect();
    corrupt(&store, ids[2], "list_rows");
    corrupt(&store, ids[3], "records");

    // A damaged list row hides that client from lists, saying so; its
    // values are in its state, which still opens.
    let rows = store.list_rows(RecordKind::Client).unwrap();
    assert_eq!(rows.unreadable, vec![ids[2]]);
    assert_eq!(rows.rows.len(), 4);
    assert_eq!(store.get(ids[2]).unwrap().text("alias"), Some("C2"));
    // A damaged state: the record does not open, in full or by id.
    let listing = store.list(RecordKind::Client).unwrap();
    assert_eq!(listing.unreadable, vec![ids[3]]);
    assert_eq!(listing.records.len(), 4);
    assert!(matches!(store.get(ids[3]), Err(Error::RecordCorrupt { id }) if id == ids[3]));
    // The state holds the merge history: updating a record whose state is damaged fails, naming it.
    let err = store
        .update(ids[3], &obj(json!({"alias": "x"})), WriteOptions::default())
        .unwrap_err();
    assert!(matches!(err, Error::RecordCorrupt { id } if id == ids[3]));
    for id in [ids[0], ids[1], ids[4]] {
        store.get(id).unwrap();
        store
            .update(
                id,
                &obj(json!({"notes": "still fine"})),
                WriteOptions::default(),
            )
            .unwrap();
    }
}

#[test]
fn a_sealed_value_cannot_be_moved_to_another_record() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let a = add_client(&mut store, "A");
    let b = add_client(&mut store, "B");
    // A's state put in B's row opens for neither B's get nor B's list row.
    store
        .conn
        .execute_batch(&format!(
            "UPDATE records SET state = (SELECT state FROM records WHERE id = x'{a}') WHERE id = x'{b}';
             UPDATE list_rows SET body = (SELECT body FROM list_rows WHERE id = x'{a}') WHERE id = x'{b}';",
            a = hex(a.as_bytes()),
            b = hex(b.as_bytes())
        ))
        .unwrap();
    assert!(matches!(store.get(b), Err(Error::RecordCorrupt { .. })));
    store.get(a).unwrap();
    let clients = store.list_rows(RecordKind::Client).unwrap();
    assert_eq!(clients.unreadable, vec![b]);
    assert_eq!(clients.rows.len(), 1);
    assert_eq!(clients.rows[0].id, a);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn the_audit_trail_verifies_and_shows_tampering() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let id = add_client(&mut store, "Hoa");
    store
        .update(id, &obj(json!({"alias": "Lan"})), WriteOptions::default())
        .unwrap();
    let report = store.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 3); // store created, client created, client updated

    // One flipped bit in a sealed entry, or entry 3's body put in place of 2's.
    store
        .conn
        .execute(
            "UPDATE audit_sealed SET body = CAST(substr(body, 1, 20) || x'ff' || substr(body, 22) AS BLOB) WHERE seq = 2",
            [],
        )
        .unwrap();
    let report = store.verify_audit().unwrap();
    assert!(!report.ok);
    assert_eq!(report.first_bad_seq, Some(2));
}

#[test]
fn a_locked_store_shows_no_audit_detail_and_old_clear_entries_are_sealed_at_unlock() {
    let fx = Fixture::new();
    let mut store = fx.create();
    add_client(&mut store, "Hoa");
    let clear: i64 = store
        .conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clear, 0, "nothing in the clear table");
    // Make it look like a store from before sealing: entries back in clear.
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = store
        .conn
        .prepare("SELECT seq, body, mac FROM audit_sealed ORDER BY seq")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    let device = store.device_id();
    let keys = store.keys.as_ref().unwrap();
    let tx = store.conn.transaction().unwrap();
    tx.execute("DELETE FROM audit_sealed", []).unwrap();
    let mut prev = crate::crypto::AUDIT_GENESIS;
    for (seq, action) in [(1i64, "create_store:supervisor"), (2, "create")] {
        let bytes = super::audit::tests_encode(seq, 5, device.as_bytes(), action);
        let mac = keys.audit.chain(&prev, &bytes);
        tx.execute(
            "INSERT INTO audit (seq, at_ms, actor, action, mac) VALUES (?1, 5, ?2, ?3, ?4)",
            rusqlite::params![seq, device.as_bytes().as_slice(), action, mac.as_slice()],
        )
        .unwrap();
        prev = mac;
    }
    let head_tag = super::audit::tests_head(keys, 2, &prev);
    meta::put_blob(&tx, meta::AUDIT_HEAD, &head_tag).unwrap();
    tx.commit().unwrap();
    drop(store);

    let mut store = fx.open().unwrap();
    store.unlock(PIN).unwrap();
    let clear: i64 = store
        .conn
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clear, 0, "the clear entries were sealed at unlock");
    let report = store.verify_audit().unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 3, "two moved, and the unlock");
}

#[test]
fn a_cut_audit_tail_is_detected() {
    let fx = Fixture::new();
    let mut store = fx.create();
    add_client(&mut store, "Hoa");
    store
        .conn
        .execute(
            "DELETE FROM audit_sealed WHERE seq = (SELECT max(seq) FROM audit_sealed)",
            [],
        )
        .unwrap();
    assert!(!store.verify_audit().unwrap().ok);
}

#[test]
fn rewinding_the_audit_head_over_a_cut_tail_is_detected_even_after_more_writes() {
    let fx = Fixture::new();
    let mut store = fx.create();
    add_client(&mut store, "Hoa");
    add_client(&mut store, "Lan");
    // Cut the newest entry and point the head at the one before, as copied from the table.
    let (seq, mac): (i64, Vec<u8>) = store
        .conn
        .query_row("SELECT seq, mac FROM audit_sealed WHERE seq = 2", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    store
        .conn
        .execute("DELETE FROM audit_sealed WHERE seq = 3", [])
        .unwrap();
    let head = meta::get_blob(&store.conn, meta::AUDIT_HEAD)
        .unwrap()
        .unwrap();
    let forged = [&seq.to_be_bytes()[..], &mac, &head[40..]].concat();
    meta::put_blob(&store.conn, meta::AUDIT_HEAD, &forged).unwrap();
    assert!(!store.verify_audit().unwrap().ok);
    // The next write must not paper over the cut.
    add_client(&mut store, "Mai");
    let report = store.verify_audit().unwrap();
    assert!(!report.ok, "{report:?}");
    assert_eq!(report.first_bad_seq, Some(3));
}

#[test]
fn a_peer_leader_holds_no_case_note_key_and_cannot_write_case_notes() {
    let fx = Fixture::new();
    let mut store = fx.create_with(Role::PeerLeader, SecurityPolicy::default());
    let client = add_client(&mut store, "Hoa");
    assert!(!store.holds(SensitivityClass::CaseNotes).unwrap());
    let err = store
        .add(
            RecordKind::CaseNote,
            &obj(json!({"client_id": client.to_string(), "narrative": "x"})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert!(matches!(err, Error::NotPermitted(RecordKind::CaseNote)));
    let keys: i64 = store
        .conn
        .query_row(
            "SELECT count(*) FROM team_keys WHERE class = 'case_notes'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(keys, 0);
}

#[test]
fn concurrent_edits_from_another_device_show_as_a_conflict() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let id = add_client(&mut store, "Hoa");
    let history = store.history(id).unwrap();
    let other = DeviceId::make();
    // A device that saw only the first version edits the alias at the same time.
    let stamp = Stamp {
        hlc: Hlc::new(store.hlc.last().wall_ms, store.hlc.last().counter + 5),
        device: other,
    };
    store
        .update(id, &obj(json!({"alias": "Mine"})), WriteOptions::default())
        .unwrap();
    let theirs = RecordVersion {
        version_id: VersionId::make(),
        record_id: id,
        kind: RecordKind::Client,
        stamp,
        form_version: 1,
        fields: [(
            "alias".to_string(),
            crate::record::FieldWrite {
                value: json!("Theirs"),
                stamp,
                // It had merged our first version, not our edit.
                seen: BTreeMap::from([(
                    store.device_id(),
                    Hlc::new(history[0].written_at.timestamp_millis() as u64, 0),
                )]),
            },
        )]
        .into_iter()
        .collect(),
    };
    assert!(store.apply_received(&theirs).unwrap().is_some());
    // Receiving the same version again changes nothing.
    assert!(store.apply_received(&theirs).unwrap().is_none());
    let details = store.details(id).unwrap();
    assert_eq!(details.view.conflicts, vec!["alias".to_string()]);
    let conflict = &details.conflict_details[0];
    let values: Vec<&Value> = std::iter::once(&conflict.value)
        .chain(conflict.losing_values.iter().map(|l| &l.value))
        .collect();
    assert!(values.contains(&&json!("Mine")) && values.contains(&&json!("Theirs")));
}

#[test]
fn a_directory_that_is_not_a_store_gets_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let provider = Arc::new(SoftwareKeyProvider::new(tmp.path().to_path_buf()));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(matches!(
        Store::open(&empty, provider.clone(), OpenOptions::for_tests()),
        Err(Error::NotAStore { .. })
    ));
    let garbage = tmp.path().join("garbage");
    std::fs::create_dir(&garbage).unwrap();
    std::fs::write(garbage.join(DB_FILE), vec![0x42u8; 8192]).unwrap();
    assert!(matches!(
        Store::open(&garbage, provider.clone(), OpenOptions::for_tests()),
        Err(Error::NotAStore { .. })
    ));
    let other_sqlite = tmp.path().join("other");
    std::fs::create_dir(&other_sqlite).unwrap();
    rusqlite::Connection::open(other_sqlite.join(DB_FILE))
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        Store::open(&other_sqlite, provider, OpenOptions::for_tests()),
        Err(Error::NotAStore { .. })
    ));
}

#[test]
fn a_damaged_vault_key_is_not_counted_as_a_wrong_pin() {
    let fx = Fixture::new();
    let store = fx.create();
    store
        .conn
        .execute(
            "UPDATE meta SET value = zeroblob(length(value)) WHERE key = 'vault_wrapped'",
            [],
        )
        .unwrap();
    drop(store);
    let mut store = fx.open().unwrap();
    for _ in 0..3 {
        assert!(matches!(store.unlock(PIN), Err(Error::StoreDamaged(_))));
    }
    let failures: i64 = store
        .conn
        .query_row(
            "SELECT coalesce((SELECT value FROM meta WHERE key = 'failed_unlocks'), 0)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(failures, 0);
}

#[test]
fn a_store_cannot_be_created_twice_in_one_place() {
    let fx = Fixture::new();
    drop(fx.create());
    let err = Store::create(
        &fx.dir,
        PIN,
        fx.provider.clone(),
        CreateOptions::for_tests(),
    )
    .err();
    assert!(matches!(err, Some(Error::AlreadyExists { .. })));
}

/// A second device of the same team: a copy of the store under a new device id
/// (enrollment proper comes with the hub).
fn second_device(fx: &Fixture, store: Store) -> (Store, Fixture) {
    drop(store);
    let other = Fixture::new();
    std::fs::create_dir_all(&other.dir).unwrap();
    std::fs::copy(db_path(&fx.dir), db_path(&other.dir)).unwrap();
    for entry in std::fs::read_dir(fx.platform_dir()).unwrap() {
        let entry = entry.unwrap();
        let target = other.platform_dir();
        std::fs::create_dir_all(&target).unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
    }
    let copy = other.reopen();
    meta::put_blob(&copy.conn, meta::DEVICE_ID, DeviceId::make().as_bytes()).unwrap();
    copy.conn.execute("DELETE FROM versions", []).unwrap();
    copy.conn.execute("DELETE FROM version_bodies", []).unwrap();
    copy.conn.execute("DELETE FROM records", []).unwrap();
    copy.conn.execute("DELETE FROM list_rows", []).unwrap();
    copy.conn.execute("DELETE FROM lookup", []).unwrap();
    drop(copy);
    (other.reopen(), other)
}

#[test]
fn versions_pushed_by_one_device_merge_on_another_and_duplicates_are_harmless() {
    let fx = Fixture::new();
    let store = fx.create();
    let (mut b, _fx_b) = second_device(&fx, store);
    let mut a = fx.reopen();
    assert_ne!(a.device_id(), b.device_id());

    let client = add_client(&mut a, "Hoa");
    a.update(
        client,
        &obj(json!({"area": "Long Biên"})),
        WriteOptions::default(),
    )
    .unwrap();
    let outbox = a.unpushed(100).unwrap();
    assert_eq!(outbox.len(), 2);
    assert_eq!(a.unpushed_count().unwrap(), 2);
    a.mark_pushed(&outbox.iter().map(|v| v.version_id).collect::<Vec<_>>())
        .unwrap();
    assert!(a.unpushed(100).unwrap().is_empty());

    let outcome = b.receive(&outbox).unwrap();
    assert_eq!((outcome.merged, outcome.duplicates), (2, 0));
    assert!(outcome.rejected.is_empty());
    assert_eq!(b.get(client).unwrap().text("area"), Some("Long Biên"));
    // Received versions are not pushed back.
    assert!(b.unpushed(100).unwrap().is_empty());
    // Lookups work on the receiving device too.
    assert_eq!(b.lookup("area", "long biên").unwrap(), vec![client]);
    let again = b.receive(&outbox).unwrap();
    assert_eq!((again.merged, again.duplicates), (0, 2));

    // A tampered body is rejected by itself; the rest of the batch merges.
    let mut tampered = outbox[0].clone();
    tampered.version_id = uuid::Uuid::now_v7();
    let edit = {
        b.update(
            client,
            &obj(json!({"alias": "Hoà"})),
            WriteOptions::default(),
        )
        .unwrap();
        b.unpushed(1).unwrap()
    };
    let outcome = a.receive(&[tampered, edit[0].clone()]).unwrap();
    assert_eq!(outcome.merged, 1);
    assert_eq!(outcome.rejected.len(), 1);
    assert_eq!(a.get(client).unwrap().text("alias"), Some("Hoà"));
    a.set_sync_cursor(42).unwrap();
    assert_eq!(a.sync_cursor().unwrap(), 42);
}

/// A device enrolled with an invite made by `supervisor` (what the hub relays).
/// Enrolls a new device with a code from `supervisor`, the hub's part played
/// here: the invite and the join are placed in the roster, which both keep.
pub(super) fn enroll(supervisor: &mut Store, role: Role) -> (Store, Fixture) {
    crate::testing::sign_roster(supervisor);
    let invite = supervisor
        .make_invite(role, Utc::now() + chrono::Duration::days(1))
        .unwrap();
    let text = invite.code.to_text();
    let code = crate::enrollment::EnrollmentCode::parse(&text).unwrap();
    assert_eq!(invite.request.verifier_hash, code.verifier_hash());
    let bundle = crate::enrollment::open_bundle(&code, &invite.request.key_bundle).unwrap();
    assert_eq!(bundle.team_id, supervisor.team_id().0);
    let mut roster = supervisor.roster().unwrap().unwrap();
    roster
        .apply(&Link::from_wire(invite.request.link.as_ref().unwrap()).unwrap())
        .unwrap();
    let fx = Fixture::new();
    let mut store = Store::create(
        &fx.dir,
        PIN,
        fx.provider.clone(),
        CreateOptions {
            role,
            open: fx.open_options(),
            membership: Membership::Member {
                team: supervisor.team_id(),
                device: DeviceId::make(),
                keys: bundle.team_keys().unwrap(),
            },
            ..CreateOptions::for_tests()
        },
    )
    .unwrap();
    let member = store.as_member(None).unwrap();
    let (statement, signature) =
        crate::sync::roster::join_statement(supervisor.team_id().0, code.invite_id, member, 0)
            .sign_unplaced(&code.invite_signing_key())
            .unwrap();
    roster
        .apply(&Link {
            seq: roster.head_seq() + 1,
            prev: roster.head_hash(),
            statement,
            signature,
        })
        .unwrap();
    supervisor.set_roster(&roster).unwrap();
    store.set_roster(&roster).unwrap();
    (store, fx)
}

/// Keeps a roster write on every store, as the hub would relay it.
pub(super) fn relay(links: &[fieldbook_proto::roster::RosterLink], stores: &mut [&mut Store]) {
    let mut roster = stores[0].roster().unwrap().unwrap();
    for link in links {
        roster.apply(&Link::from_wire(link).unwrap()).unwrap();
    }
    for store in stores.iter_mut() {
        store.set_roster(&roster).unwrap();
    }
}

#[test]
fn an_invited_device_gets_only_its_roles_keys_and_reads_the_team_records() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let client = add_client(&mut supervisor, "Hoa");
    let note = supervisor
        .add(
            RecordKind::CaseNote,
            &obj(json!({"client_id": client.to_string(), "narrative": "n"})),
            WriteOptions::default(),
        )
        .unwrap();
    let outbox = supervisor.unpushed(100).unwrap();

    let (mut peer, _fx_peer) = enroll(&mut supervisor, Role::PeerLeader);
    assert!(!peer.holds(SensitivityClass::CaseNotes).unwrap());
    let outcome = peer.receive(&outbox).unwrap();
    assert_eq!(outcome.merged, 1);
    assert_eq!(outcome.rejected.len(), 1, "the case note cannot be opened");
    assert_eq!(peer.get(client).unwrap().text("alias"), Some("Hoa"));
    assert!(matches!(peer.get(note), Err(Error::RecordNotFound { .. })));

    let (mut manager, _fx_manager) = enroll(&mut supervisor, Role::CaseManager);
    assert_eq!(manager.receive(&outbox).unwrap().merged, 2);
    // Codes computed on any device of the team agree.
    let input = obj(json!({
        "alias": "X", "sex": "male", "birth_year": 1985,
        "uic_mother_name": "Lan", "uic_father_name": "Minh"
    }));
    let a = supervisor
        .add(RecordKind::Client, &input, WriteOptions::default())
        .unwrap();
    let b = manager
        .add(RecordKind::Client, &input, WriteOptions::default())
        .unwrap();
    assert_eq!(
        supervisor.get(a).unwrap().text("uic"),
        manager.get(b).unwrap().text("uic")
    );
}

#[test]
fn only_a_supervisor_invites_and_rotates_keys_in_either_language() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let (mut outreach, _fx) = enroll(&mut supervisor, Role::Outreach);
    let Err(refused) = outreach.make_invite(Role::Outreach, Utc::now() + chrono::Duration::days(1))
    else {
        panic!("an outreach device made an invite");
    };
    assert!(matches!(
        refused,
        Error::SupervisorOnly(crate::error::SupervisorTask::Invite)
    ));
    assert_eq!(
        refused.message(Lang::En),
        "only a supervisor's device can invite devices"
    );
    assert_eq!(
        refused.message(Lang::Vi),
        "Chỉ thiết bị của giám sát viên mới được mời thiết bị mới"
    );
    assert!(matches!(
        outreach.make_revocation(supervisor.device_id()),
        Err(Error::SupervisorOnly(
            crate::error::SupervisorTask::RotateKeys
        ))
    ));
    assert!(matches!(
        supervisor.make_revocation(supervisor.device_id()),
        Err(Error::LastSupervisor)
    ));
}

/// Revoking the team's last supervisor, or one's own device, is refused
/// before anything is signed, with a message in either language; a
/// supervisor hands over to another, who revokes it.
#[test]
fn the_team_keeps_a_supervisor_who_hands_over_first() {
    let fx = Fixture::new();
    let mut first = fx.create();
    let (mut outreach, _fx_outreach) = enroll(&mut first, Role::Outreach);
    let first_id = first.device_id();

    // Alone, the first supervisor is the last one.
    let refused = first.make_revocation(first_id).unwrap_err();
    assert!(matches!(refused, Error::LastSupervisor), "{refused:?}");
    assert_eq!(
        refused.message(Lang::En),
        "this is the team's last supervisor device: enroll another supervisor and let it take over before this one is revoked"
    );
    assert_eq!(
        refused.message(Lang::Vi),
        "Đây là thiết bị giám sát viên cuối cùng của nhóm: hãy đăng ký một thiết bị giám sát viên khác và bàn giao cho thiết bị đó trước khi thu hồi thiết bị này"
    );
    assert!(matches!(
        first.check_revocable(first_id),
        Err(Error::LastSupervisor)
    ));

    // With a second supervisor that can sign, still not its own device.
    let (mut second, _fx_second) = enroll(&mut first, Role::Supervisor);
    let second_id = second.device_id();
    assert!(first.roster().unwrap().unwrap().may_sign(second_id.0));
    let refused = first.make_revocation(first_id).unwrap_err();
    assert!(matches!(refused, Error::CannotRevokeSelf), "{refused:?}");
    assert_eq!(
        refused.message(Lang::En),
        "a supervisor cannot revoke its own device: another supervisor must (hand over first)"
    );
    assert!(refused
        .message(Lang::Vi)
        .starts_with("Giám sát viên không thể tự thu hồi thiết bị của mình"));
    // A worker's device can never revoke a supervisor's.
    assert!(matches!(
        outreach.make_revocation(first_id),
        Err(Error::SupervisorOnly(_))
    ));

    // The second takes over and revokes the first; now it is the last one.
    let request = second.make_revocation(first_id).unwrap();
    relay(
        &request.links,
        &mut [&mut second, &mut first, &mut outreach],
    );
    let roster = second.roster().unwrap().unwrap();
    assert!(!roster.is_active(first_id.0));
    assert!(matches!(
        second.make_revocation(second_id),
        Err(Error::LastSupervisor)
    ));
    // It may still revoke a worker's device.
    let request = second.make_revocation(outreach.device_id()).unwrap();
    assert_eq!(request.links.len(), 2, "a revocation and a rotation");
}

#[test]
fn a_new_key_epoch_reaches_the_remaining_devices_and_not_the_revoked_one() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let (mut stays, _a) = enroll(&mut supervisor, Role::Outreach);
    let (mut revoked, _b) = enroll(&mut supervisor, Role::Outreach);
    let request = supervisor.make_revocation(revoked.device_id()).unwrap();
    let keys = request.keys.clone().unwrap();
    assert_eq!(keys.epoch, 2);
    assert!(keys
        .envelopes
        .iter()
        .all(|e| e.device_id != revoked.device_id().0));
    assert_eq!(
        keys.envelopes.len(),
        3,
        "two classes to the supervisor, one to outreach"
    );
    relay(
        &request.links,
        &mut [&mut supervisor, &mut stays, &mut revoked],
    );

    // The supervisor learns its new keys the way every device does.
    let mine = supervisor.accept_key_envelopes(&keys.envelopes).unwrap();
    assert_eq!((mine.learned, mine.refused), (2, 1));
    let client = add_client(&mut supervisor, "after rotation");
    let outbox = supervisor.unpushed(100).unwrap();
    assert!(outbox.iter().all(|v| v.key_epoch == 2));

    let theirs = stays.accept_key_envelopes(&keys.envelopes).unwrap();
    assert_eq!(theirs.learned, 1);
    assert_eq!(stays.receive(&outbox).unwrap().merged, 1);
    assert_eq!(
        stays.get(client).unwrap().text("alias"),
        Some("after rotation")
    );

    let none = revoked.accept_key_envelopes(&keys.envelopes).unwrap();
    assert_eq!((none.learned, none.refused), (0, 3));
    let outcome = revoked.receive(&outbox).unwrap();
    // It stays sealed in the inbox, waiting for keys the revoked device never gets.
    assert_eq!((outcome.merged, outcome.held), (0, 1));
    assert!(outcome.rejected.is_empty());
    assert!(matches!(
        revoked.get(client),
        Err(Error::RecordNotFound { .. })
    ));
    assert_eq!(revoked.held_count().unwrap(), 1);
}

/// A version under a key epoch the device has not learned yet (its sync
/// pulled it before the new keys, or the store was unlocked between the key
/// check and the merge) waits in the inbox and merges once the keys arrive,
/// instead of being skipped for good. The simulation found the loss (seed
/// 109, `tests/sim/tests/regressions.rs`).
#[test]
fn a_version_under_a_newer_key_epoch_waits_for_its_keys() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let (mut outreach, _a) = enroll(&mut supervisor, Role::Outreach);
    let (leaving, _b) = enroll(&mut supervisor, Role::Outreach);
    let revocation = supervisor.make_revocation(leaving.device_id()).unwrap();
    relay(&revocation.links, &mut [&mut supervisor, &mut outreach]);
    let request = revocation.keys.unwrap();
    supervisor.accept_key_envelopes(&request.envelopes).unwrap();
    let client = add_client(&mut supervisor, "after rotation");
    let outbox = supervisor.unpushed(100).unwrap();

    let early = outreach.receive(&outbox).unwrap();
    assert_eq!((early.merged, early.held), (0, 1));
    assert!(early.rejected.is_empty(), "{early:?}");
    assert_eq!(outreach.held_count().unwrap(), 1);

    assert_eq!(
        outreach
            .accept_key_envelopes(&request.envelopes)
            .unwrap()
            .learned,
        1
    );
    assert_eq!(outreach.merge_held().unwrap().merged, 1);
    assert_eq!(outreach.held_count().unwrap(), 0);
    assert_eq!(
        outreach.get(client).unwrap().text("alias"),
        Some("after rotation")
    );
}

#[test]
fn planted_or_unsigned_envelopes_teach_a_device_nothing() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let (mut outreach, _a) = enroll(&mut supervisor, Role::Outreach);
    // A device the roster does not list cannot be revoked through it.
    assert!(matches!(
        supervisor.make_revocation(DeviceId::make()),
        Err(Error::InvalidInput(_))
    ));
    // A hub writing its own envelope: a key of its choosing, wrapped to the
    // device's public key (which it knows), for the next epoch.
    let public = outreach.device_key_pair().unwrap().public_key();
    let team = outreach.team_id();
    let planted_key = crate::crypto::SecretKey::make_random();
    let wrapped = crate::crypto::seal_to_device(
        &public,
        &key_envelope_aad(team, outreach.device_id().0, "outreach", 2),
        planted_key.expose(),
    )
    .unwrap();
    let hub_key = fieldbook_trust::SigningKey::make_random();
    let facts = fieldbook_trust::EnvelopeFacts {
        team: team.0,
        device: outreach.device_id().0,
        key_class: SensitivityClass::Outreach,
        epoch: 2,
        wrapped: &wrapped,
    };
    let forged_signature = hub_key.sign(
        fieldbook_trust::SignatureDomain::KeyEnvelope,
        &fieldbook_trust::envelope_message(&facts),
    );
    let envelope = |signer: Option<uuid::Uuid>, signature: Option<Vec<u8>>| {
        fieldbook_proto::devices::KeyEnvelope {
            device_id: outreach.device_id().0,
            key_class: SensitivityClass::Outreach,
            epoch: 2,
            wrapped: wrapped.clone(),
            signer,
            signature,
        }
    };
    let planted = [
        envelope(None, None),
        envelope(
            Some(supervisor.device_id().0),
            Some(forged_signature.to_vec()),
        ),
        envelope(Some(uuid::Uuid::new_v4()), Some(forged_signature.to_vec())),
    ];
    let outcome = outreach.accept_key_envelopes(&planted).unwrap();
    assert_eq!((outcome.learned, outcome.refused), (0, 3));
    assert_eq!(outreach.key_epoch().unwrap(), 1);
}

#[test]
fn the_hub_link_and_device_key_are_sealed_and_survive_reopening() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let public = store.device_key_pair().unwrap().public_key();
    store
        .set_hub_link(&HubLink {
            url: "http://127.0.0.1:1".into(),
            token: "secret-token-value".into(),
            certificate_sha256: None,
        })
        .unwrap();
    drop(store);
    let raw = std::fs::read(db_path(&fx.dir)).unwrap();
    let wal = std::fs::read(fx.dir.join("fieldbook.db-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        assert!(!bytes.windows(18).any(|w| w == b"secret-token-value"));
    }
    let mut store = fx.reopen();
    assert_eq!(store.device_key_pair().unwrap().public_key(), public);
    assert_eq!(
        store.hub_link().unwrap().unwrap().token,
        "secret-token-value"
    );
}

#[test]
fn clear_lookup_rows_from_before_sealed_postings_are_sealed_at_the_next_unlock() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let client = add_client(&mut store, "Hoa");
    let contact = store
        .add(
            RecordKind::Contact,
            &obj(json!({"client_id": client.to_string(), "at": "2026-11-20T08:00:00Z"})),
            WriteOptions::default(),
        )
        .unwrap();
    // As a schema-3 store kept it: the term beside the record id, in clear.
    let term = {
        let keys = store.keys.as_ref().unwrap();
        let index = keys.index(RecordKind::Contact.sensitivity()).unwrap();
        super::lookup::lookup_term(index, "client_id", &client.to_string())
    };
    store
        .conn
        .execute("DELETE FROM lookup_postings", [])
        .unwrap();
    store
        .conn
        .execute(
            "INSERT INTO lookup (term, record_id) VALUES (?1, ?2)",
            rusqlite::params![term.as_slice(), contact.as_bytes().as_slice()],
        )
        .unwrap();
    store.lock();
    store.unlock(PIN).unwrap();
    let clear: i64 = store
        .conn
        .query_row("SELECT count(*) FROM lookup", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clear, 0, "the clear rows are gone");
    assert_eq!(
        store.lookup("client_id", &client.to_string()).unwrap(),
        vec![contact],
        "and the lookup still finds the contact"
    );
}
