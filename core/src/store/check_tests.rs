//! Damage that stays where it is, and a check that names it and rebuilds
//! what the device holds whole copies of (the hub's part is in the
//! end-to-end tests, `tests/tests/damage.rs`).

use std::sync::atomic::AtomicBool;

use rusqlite::named_params;
use serde_json::json;

use super::tests::{add_client, enroll, obj, relay, Fixture};
use super::*;
use crate::record::{RecordId, RecordKind};
use crate::sync::{check_store, CheckOptions};
use crate::Lang;

/// Flips one bit in the middle of `table.column` where `filter` (naming
/// `:key`) holds.
fn flip(store: &Store, table: &str, column: &str, filter: &str, key: &dyn rusqlite::ToSql) {
    let mut blob: Vec<u8> = store
        .conn
        .query_row(
            &format!("SELECT {column} FROM {table} WHERE {filter}"),
            named_params! {":key": key},
            |r| r.get(0),
        )
        .unwrap();
    let middle = blob.len() / 2;
    blob[middle] ^= 0x01;
    let changed = store
        .conn
        .execute(
            &format!("UPDATE {table} SET {column} = :blob WHERE {filter}"),
            named_params! {":blob": blob, ":key": key},
        )
        .unwrap();
    assert_eq!(changed, 1, "{table}.{column} where {filter}");
}

fn check(store: &mut Store, repair: bool) -> CheckReport {
    let options = CheckOptions {
        repair,
        ..CheckOptions::default()
    };
    check_store(store, &options, &AtomicBool::new(false)).unwrap()
}

fn find(report: &CheckReport, part: DamagedPart, record: Option<RecordId>) -> &Damage {
    report
        .damage
        .iter()
        .find(|d| d.part == part && (record.is_none() || d.record_id == record))
        .unwrap_or_else(|| panic!("no {part:?} damage of {record:?} in {report:#?}"))
}

fn version_seqs(store: &Store, id: RecordId) -> Vec<i64> {
    let mut stmt = store
        .conn
        .prepare("SELECT seq FROM versions WHERE record_id = ?1 ORDER BY seq")
        .unwrap();
    stmt.query_map([id.as_bytes().as_slice()], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn case_note(store: &mut Store, client: RecordId) -> Result<RecordId> {
    store.add(
        RecordKind::CaseNote,
        &obj(json!({"client_id": client.to_string(), "narrative": "ổn định"})),
        WriteOptions::default(),
    )
}

#[test]
fn a_damaged_key_of_one_class_leaves_the_rest_open_and_names_what_it_sealed() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let client = add_client(&mut store, "Hoa");
    let note = case_note(&mut store, client).unwrap();
    flip(
        &store,
        "team_keys",
        "wrapped",
        "class = :key",
        &"case_notes",
    );
    drop(store);

    // The store opens with the PIN; clients read and write as before.
    let mut store = fx.reopen();
    assert_eq!(store.get(client).unwrap().text("alias"), Some("Hoa"));
    let listing = store.list(RecordKind::Client).unwrap();
    assert_eq!(listing.records.len(), 1);
    assert!(listing.unreadable.is_empty());
    store
        .update(
            client,
            &obj(json!({"area": "Chợ Mơ"})),
            WriteOptions::default(),
        )
        .unwrap();
    add_client(&mut store, "Lan");

    // Only the case notes are out of reach, each named, and nothing is
    // written under a key that does not open.
    assert_eq!(
        store.list(RecordKind::CaseNote).unwrap().unreadable,
        vec![note]
    );
    assert!(matches!(store.get(note), Err(Error::RecordCorrupt { id }) if id == note));
    let refused = case_note(&mut store, client).unwrap_err();
    assert!(
        matches!(&refused, Error::KeyDamaged { class, epoch: 1 } if class.as_str() == "case_notes"),
        "{refused}"
    );
    assert!(
        refused.message(Lang::En).contains("case notes"),
        "{refused}"
    );
    assert!(
        refused.message(Lang::Vi).contains("ghi chép quản lý ca"),
        "{}",
        refused.message(Lang::Vi)
    );

    let report = check(&mut store, true);
    assert!(!report.ok, "{report:#?}");
    assert_eq!(report.damage.len(), 1, "{report:#?}");
    let key = find(&report, DamagedPart::TeamKey, None);
    assert_eq!(key.key_class.map(|c| c.as_str()), Some("case_notes"));
    assert_eq!(key.key_epoch, Some(1));
    assert_eq!(
        key.records,
        vec![RecordRef {
            id: note,
            kind: RecordKind::CaseNote
        }]
    );
    // Epoch 1 came with the store (or a code): no hub holds it for this device.
    assert_eq!(key.remedy, Remedy::NeedsEnrollment);
    assert_eq!(report.hub, HubContact::NotEnrolled);
    assert!(key.message(Lang::En).contains(&note.to_string()));
    assert!(key.message(Lang::Vi).contains("ghi danh lại"));
    assert!(report.audit.as_ref().unwrap().ok);
    assert_eq!(report.team_keys_checked, 3);
}

#[test]
fn a_damaged_client_code_key_stops_only_new_client_codes() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let client = add_client(&mut store, "Hoa");
    flip(&store, "team_keys", "wrapped", "class = :key", &"uic");
    drop(store);

    let mut store = fx.reopen();
    assert_eq!(store.list(RecordKind::Client).unwrap().records.len(), 1);
    add_client(&mut store, "Lan");
    let with_code = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "Mai", "sex": "female", "birth_year": 1991,
                "uic_mother_name": "Hương", "uic_father_name": "Nam"})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(&with_code, Error::KeyDamaged { class, .. } if class.as_str() == "uic"),
        "{with_code}"
    );
    let report = check(&mut store, true);
    let key = find(&report, DamagedPart::TeamKey, None);
    assert_eq!(key.key_class.map(|c| c.as_str()), Some("uic"));
    assert!(key.records.is_empty());
    assert_eq!(key.remedy, Remedy::NeedsEnrollment);
    assert_eq!(store.get(client).unwrap().text("alias"), Some("Hoa"));
}

#[test]
fn a_check_rebuilds_list_rows_states_and_unsent_versions_from_what_is_whole() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let edit = |store: &mut Store, id: RecordId, values: serde_json::Value| {
        fx.clock.advance_secs(5);
        store
            .update(id, &obj(values), WriteOptions::default())
            .unwrap();
    };
    let view_hit = add_client(&mut store, "An");
    let state_hit = add_client(&mut store, "Bình");
    edit(&mut store, state_hit, json!({"area": "Lê Chân"}));
    let version_hit = add_client(&mut store, "Cúc");
    edit(&mut store, version_hit, json!({"area": "Ngô Quyền"}));
    edit(&mut store, version_hit, json!({"notes": "gặp lại"}));
    let both_hit = add_client(&mut store, "Dung");
    edit(&mut store, both_hit, json!({"area": "Kiến An"}));
    let untouched = add_client(&mut store, "Em");

    let before: Vec<RecordView> = [view_hit, state_hit, version_hit, both_hit, untouched]
        .iter()
        .map(|id| store.get(*id).unwrap())
        .collect();
    let history_before = store.history(version_hit).unwrap();
    let id_key = |id: RecordId| id.as_bytes().to_vec();
    flip(&store, "list_rows", "body", "id = :key", &id_key(view_hit));
    flip(&store, "records", "state", "id = :key", &id_key(state_hit));
    let middle = version_seqs(&store, version_hit)[1];
    flip(&store, "version_bodies", "body", "seq = :key", &middle);
    flip(&store, "records", "state", "id = :key", &id_key(both_hit));
    let lost = version_seqs(&store, both_hit)[1];
    flip(&store, "version_bodies", "body", "seq = :key", &lost);

    // Looking changes nothing, and says what a repair would do.
    let looked = check(&mut store, false);
    assert!(!looked.ok);
    assert_eq!(
        find(&looked, DamagedPart::View, Some(view_hit)).remedy,
        Remedy::Rebuildable
    );
    assert_eq!(
        find(&looked, DamagedPart::State, Some(state_hit)).remedy,
        Remedy::Rebuildable
    );
    assert_eq!(
        find(&looked, DamagedPart::Version, Some(version_hit)).remedy,
        Remedy::Rebuildable
    );
    assert_eq!(
        find(&looked, DamagedPart::Version, Some(both_hit)).remedy,
        Remedy::NeverReachedHub
    );
    assert_eq!(looked.damage.len(), 5, "{looked:#?}");
    // A damaged list row hides the client from lists; the record opens.
    let listed = store.list_rows(RecordKind::Client).unwrap();
    assert!(listed.unreadable.contains(&view_hit));
    assert!(store.get(view_hit).is_ok());
    assert_eq!(check(&mut store, false), looked);

    let repaired = check(&mut store, true);
    assert!(!repaired.ok, "one edit is lost: {repaired:#?}");
    for (part, id, remedy) in [
        (DamagedPart::View, view_hit, Remedy::Rebuilt),
        (DamagedPart::State, state_hit, Remedy::Rebuilt),
        (DamagedPart::Version, version_hit, Remedy::Rebuilt),
        (DamagedPart::State, both_hit, Remedy::Rebuilt),
        (DamagedPart::Version, both_hit, Remedy::NeverReachedHub),
    ] {
        assert_eq!(
            find(&repaired, part, Some(id)).remedy,
            remedy,
            "{part:?} {id}"
        );
    }
    let version = find(&repaired, DamagedPart::Version, Some(version_hit));
    assert_eq!(version.kind, Some(RecordKind::Client));
    assert!(version.version_id.is_some());
    assert_eq!(repaired.hub, HubContact::NotNeeded);

    // Every record reads as before, and is listed again, but for the edit
    // nothing held whole.
    let listed = store.list_rows(RecordKind::Client).unwrap();
    assert!(listed.unreadable.is_empty());
    assert!(listed.rows.iter().any(|row| row.id == view_hit));
    for (i, id) in [view_hit, state_hit, version_hit, untouched]
        .iter()
        .enumerate()
    {
        let view = store.get(*id).unwrap();
        let expected = [0, 1, 2, 4][i];
        assert_eq!(view.values, before[expected].values, "{id}");
    }
    let survivor = store.get(both_hit).unwrap();
    assert_eq!(survivor.text("alias"), Some("Dung"));
    assert_eq!(
        survivor.text("area"),
        None,
        "the damaged, unsent edit is lost"
    );
    // The rebuilt state merges again, and the history reads whole, its
    // rebuilt edit still told as its author's.
    edit(&mut store, state_hit, json!({"notes": "sau khi sửa"}));
    let history = store.history(version_hit).unwrap();
    assert_eq!(history.len(), history_before.len());
    let area_edit = |h: &[HistoryEntry]| {
        h.iter()
            .find(|e| e.changes.contains_key("area"))
            .map(|e| (e.changes.clone(), e.device, e.written_at))
    };
    assert_eq!(area_edit(&history), area_edit(&history_before));

    let again = check(&mut store, true);
    assert!(again.ok && again.damage.is_empty(), "{again:#?}");
    assert!(store.verify_audit().unwrap().ok);
}

#[test]
fn a_damaged_newest_key_refuses_writes_holds_what_arrives_and_comes_back_from_an_envelope() {
    let fx = Fixture::new();
    let mut supervisor = fx.create();
    let (mut outreach, outreach_fx) = enroll(&mut supervisor, Role::Outreach);
    let (leaving, _leaving_fx) = enroll(&mut supervisor, Role::Outreach);
    let older = add_client(&mut supervisor, "trước");
    let revocation = supervisor.make_revocation(leaving.device_id()).unwrap();
    relay(&revocation.links, &mut [&mut supervisor, &mut outreach]);
    let envelopes = revocation.keys.unwrap().envelopes;
    supervisor.accept_key_envelopes(&envelopes).unwrap();
    outreach.accept_key_envelopes(&envelopes).unwrap();
    let newer = add_client(&mut supervisor, "sau");
    let outbox = supervisor.unpushed(100).unwrap();
    assert!(outbox.iter().any(|v| v.key_epoch == 2));

    let epoch_two = "class = 'outreach' AND epoch = :key";
    flip(&outreach, "team_keys", "wrapped", epoch_two, &2);
    drop(outreach);
    let mut outreach = outreach_fx.reopen();
    // Nothing is sealed under the older epoch, which the revoked device holds.
    let refused = outreach
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "x"})),
            WriteOptions::default(),
        )
        .unwrap_err();
    assert!(
        matches!(refused, Error::KeyDamaged { epoch: 2, .. }),
        "{refused}"
    );
    // What arrives under the damaged epoch waits, sealed, instead of being refused.
    let outcome = outreach.receive(&outbox).unwrap();
    assert!(outcome.rejected.is_empty(), "{outcome:?}");
    assert_eq!(outcome.merged, 0);
    assert_eq!(outreach.held_count().unwrap(), outbox.len() as u64);

    // The signed envelope is still there: the key comes back, and what waited merges.
    assert_eq!(
        outreach.accept_key_envelopes(&envelopes).unwrap().learned,
        1
    );
    assert_eq!(outreach.merge_held().unwrap().merged, outbox.len() as u32);
    assert_eq!(outreach.get(newer).unwrap().text("alias"), Some("sau"));
    assert_eq!(outreach.get(older).unwrap().text("alias"), Some("trước"));
    add_client(&mut outreach, "again");
    assert!(check(&mut outreach, false).ok);
}

#[test]
fn a_damaged_header_is_a_damaged_store_and_its_fixed_fields_are_written_back() {
    for at in [3usize, 69] {
        let fx = Fixture::new();
        let mut store = fx.create();
        let client = add_client(&mut store, "Hoa");
        drop(store);
        let path = db_path(&fx.dir);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at] ^= 0x10;
        std::fs::write(&path, &bytes).unwrap();

        let refused = fx.open().err().expect("a damaged header does not open");
        assert!(matches!(refused, Error::HeaderDamaged { .. }), "{refused}");
        assert!(refused.message(Lang::En).contains("damaged"));
        assert!(refused.message(Lang::Vi).contains("bị hỏng"));
        let looked = check_header(&fx.dir, false).unwrap().unwrap();
        assert_eq!(looked.remedy, Remedy::Rebuildable);
        let repaired = check_header(&fx.dir, true).unwrap().unwrap();
        assert_eq!(repaired.remedy, Remedy::Rebuilt);
        assert!(check_header(&fx.dir, true).unwrap().is_none());
        let mut store = fx.reopen();
        assert_eq!(store.get(client).unwrap().text("alias"), Some("Hoa"));
    }
}

#[test]
fn a_damaged_lookup_chunk_is_named_and_the_index_filed_again_from_the_states() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let hoa = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "Hoa", "area": "Chợ Mơ"})),
            WriteOptions::default(),
        )
        .unwrap();
    let lan = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "Lan", "area": "Long Biên"})),
            WriteOptions::default(),
        )
        .unwrap();
    let note = case_note(&mut store, hoa).unwrap();
    assert_eq!(store.lookup("area", "Chợ Mơ").unwrap(), vec![hoa]);
    let chunks: i64 = store
        .conn
        .query_row("SELECT count(*) FROM lookup_postings", [], |r| r.get(0))
        .unwrap();
    // Every chunk in turn: whichever holds Hoa's area stops finding her.
    for chunk in 0..chunks {
        flip(
            &store,
            "lookup_postings",
            "body",
            "(term, chunk) =
                (SELECT term, chunk FROM lookup_postings ORDER BY term, chunk LIMIT 1 OFFSET :key)",
            &chunk,
        );
    }
    assert!(store.lookup("area", "Chợ Mơ").unwrap().is_empty());

    let looked = check(&mut store, false);
    assert_eq!(
        find(&looked, DamagedPart::LookupIndex, None).remedy,
        Remedy::Rebuildable
    );
    let repaired = check(&mut store, true);
    assert!(repaired.ok, "{repaired:#?}");
    assert_eq!(
        find(&repaired, DamagedPart::LookupIndex, None).remedy,
        Remedy::Rebuilt
    );
    assert_eq!(store.lookup("area", "Chợ Mơ").unwrap(), vec![hoa]);
    assert_eq!(store.lookup("area", "Long Biên").unwrap(), vec![lan]);
    assert_eq!(
        store.lookup("client_id", &hoa.to_string()).unwrap(),
        vec![note]
    );
    assert!(check(&mut store, true).damage.is_empty());
}

#[test]
fn a_record_rebuilt_without_its_old_values_leaves_no_stale_lookup_term() {
    let fx = Fixture::new();
    let mut store = fx.create();
    let id = store
        .add(
            RecordKind::Client,
            &obj(json!({"alias": "Hoa", "area": "Chợ Mơ"})),
            WriteOptions::default(),
        )
        .unwrap();
    fx.clock.advance_secs(5);
    store
        .update(
            id,
            &obj(json!({"area": "Kiến An"})),
            WriteOptions::default(),
        )
        .unwrap();
    // The newest edit is lost with the state and list row beside it: the record
    // goes back to its first area, and is found there only.
    let id_key = id.as_bytes().to_vec();
    flip(&store, "records", "state", "id = :key", &id_key);
    flip(&store, "list_rows", "body", "id = :key", &id_key);
    let newest = version_seqs(&store, id)[1];
    flip(&store, "version_bodies", "body", "seq = :key", &newest);
    let report = check(&mut store, true);
    assert_eq!(
        find(&report, DamagedPart::Version, Some(id)).remedy,
        Remedy::NeverReachedHub
    );
    assert_eq!(store.get(id).unwrap().text("area"), Some("Chợ Mơ"));
    assert_eq!(store.lookup("area", "Chợ Mơ").unwrap(), vec![id]);
    assert!(store.lookup("area", "Kiến An").unwrap().is_empty());
}
