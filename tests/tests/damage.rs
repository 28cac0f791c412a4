//! Damage stays local, and is found: single flipped bytes in each kind of
//! stored blob of a device enrolled with a real hub on loopback (a record's
//! view and state, a version body, each class's team key, an audit MAC, the
//! file header). The rest of the store keeps reading; `fieldbook check`
//! names each damaged thing, says whether the hub can restore it, restores
//! it where the hub holds it (the versions it keeps, the merged versions it
//! keeps in place of those it compacted, the key envelopes a supervisor
//! signed), rebuilds what the device holds whole copies of, and is honest
//! about the rest.

mod common;

use common::hub::HubProcess;
use common::Fieldbook;
use rusqlite::{params, Connection};
use serde_json::{json, Value};

fn enroll(hub: &HubProcess, code: &str) -> (Fieldbook, String) {
    let device = Fieldbook::new();
    let run = device.run(&["enroll", code, "--hub", &hub.url()]);
    assert!(run.ok(), "enroll failed: {run:?}");
    let id = run.stdout.trim().to_string();
    (device, id)
}

fn invite(supervisor: &Fieldbook, role: &str) -> String {
    let run = supervisor.run(&["invite", "--role", role]);
    assert!(run.ok(), "invite failed: {run:?}");
    run.stdout.trim().lines().last().unwrap().to_string()
}

fn sync(device: &Fieldbook) -> Value {
    let run = device.run(&["sync", "--json"]);
    assert!(run.ok(), "sync failed: {run:?}");
    run.json()
}

/// `check --json` (with `extra` flags): the exit code and the report.
fn check(device: &Fieldbook, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["check", "--json"];
    args.extend_from_slice(extra);
    let run = device.run(&args);
    assert!(
        run.stdout.trim_start().starts_with('{'),
        "check printed no report: {run:?}"
    );
    (run.code, run.json())
}

/// The report's entry for `part` (of `record` when given), by its JSON names.
fn entry<'a>(report: &'a Value, part: &str, record: Option<&str>) -> &'a Value {
    report["damage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["part"] == part && record.is_none_or(|r| d["record_id"] == r))
        .unwrap_or_else(|| panic!("no {part} damage of {record:?}: {report:#}"))
}

fn remedy(report: &Value, part: &str, record: Option<&str>) -> String {
    entry(report, part, record)["remedy"]
        .as_str()
        .unwrap()
        .to_string()
}

fn id_bytes(id: &str) -> Vec<u8> {
    let hex: String = id.chars().filter(|c| *c != '-').collect();
    (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// Flips one bit in the middle of the blob `select` returns, through `update`
/// (`?1` the new blob, `?2` the key).
fn flip(db: &std::path::Path, select: &str, update: &str, key: &dyn rusqlite::ToSql) {
    let conn = Connection::open(db).unwrap();
    let mut blob: Vec<u8> = conn
        .query_row(select, [key], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{select}: {e}"));
    let middle = blob.len() / 2;
    blob[middle] ^= 0x01;
    assert_eq!(
        conn.execute(update, params![blob, key]).unwrap(),
        1,
        "{update}"
    );
}

fn flip_list_row(fb: &Fieldbook, id: &str) {
    flip(
        &fb.db(),
        "SELECT body FROM list_rows WHERE id = ?1",
        "UPDATE list_rows SET body = ?1 WHERE id = ?2",
        &id_bytes(id),
    );
}

fn flip_state(fb: &Fieldbook, id: &str) {
    flip(
        &fb.db(),
        "SELECT state FROM records WHERE id = ?1",
        "UPDATE records SET state = ?1 WHERE id = ?2",
        &id_bytes(id),
    );
}

/// Flips the body of the `nth` stored version of a record, or the stub that
/// stands in for a body the device let go; returns its seq.
fn flip_version(fb: &Fieldbook, id: &str, nth: usize) -> i64 {
    let conn = Connection::open(fb.db()).unwrap();
    let (seq, has_body): (i64, bool) = conn
        .query_row(
            "SELECT seq, EXISTS (SELECT 1 FROM version_bodies b WHERE b.seq = versions.seq)
             FROM versions WHERE record_id = ?1 ORDER BY seq LIMIT 1 OFFSET ?2",
            params![id_bytes(id), nth as i64],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    let (select, update) = if has_body {
        (
            "SELECT body FROM version_bodies WHERE seq = ?1",
            "UPDATE version_bodies SET body = ?1 WHERE seq = ?2",
        )
    } else {
        (
            "SELECT stub FROM versions WHERE seq = ?1",
            "UPDATE versions SET stub = ?1 WHERE seq = ?2",
        )
    };
    flip(&fb.db(), select, update, &seq);
    seq
}

fn flip_key(fb: &Fieldbook, class: &str, epoch: u32) {
    let conn = Connection::open(fb.db()).unwrap();
    let mut wrapped: Vec<u8> = conn
        .query_row(
            "SELECT wrapped FROM team_keys WHERE class = ?1 AND epoch = ?2",
            params![class, epoch],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("team key {class}/{epoch}: {e}"));
    let middle = wrapped.len() / 2;
    wrapped[middle] ^= 0x01;
    conn.execute(
        "UPDATE team_keys SET wrapped = ?1 WHERE class = ?2 AND epoch = ?3",
        params![wrapped, class, epoch],
    )
    .unwrap();
}

fn list(fb: &Fieldbook, kind: &str) -> (Option<i32>, Vec<String>, String) {
    let run = fb.run(&["list", kind, "--json"]);
    let ids = common::ids(run.json().as_array().unwrap());
    (run.code, ids, run.stderr)
}

struct Team {
    /// Kept running for the test's length.
    _hub: HubProcess,
    supervisor: Fieldbook,
    outreach: Fieldbook,
    /// Written before the revocation: sealed under epoch 1.
    early_client: String,
    early_note: String,
    /// Written by the outreach worker after the revocation (epoch 2).
    clients: Vec<String>,
    /// The supervisor's case notes after the revocation (epoch 2).
    notes: Vec<String>,
}

/// A supervisor and an outreach worker through the hub; a third device
/// revoked, so that the team is at key epoch 2 and the hub holds signed
/// envelopes of epoch 2 for each remaining device.
fn team() -> Team {
    let hub = HubProcess::start();
    let (supervisor, _) = enroll(&hub, &hub.create_team("Hải Phòng").1);
    let (outreach, _) = enroll(&hub, &invite(&supervisor, "outreach"));
    let (_leaving, leaving_id) = enroll(&hub, &invite(&supervisor, "outreach"));
    let early_client = supervisor.add("client", &json!({"alias": "Sớm", "notes": "trước"}));
    let early_note = supervisor.add(
        "case-note",
        &json!({"client_id": early_client, "narrative": "trước khi đổi khoá"}),
    );
    sync(&supervisor);
    let run = supervisor.run(&["devices", "revoke", &leaving_id]);
    assert!(run.ok(), "{run:?}");
    assert_eq!(sync(&supervisor)["ok"], true);
    assert_eq!(sync(&outreach)["keys_learned"], 1);

    let clients: Vec<String> = (0..5)
        .map(|i| {
            let id = outreach.add(
                "client",
                &json!({"alias": format!("Khách {i}"), "sex": "female", "birth_year": 1990 + i}),
            );
            outreach.update(&id, &json!({"notes": format!("gặp lần {i}")}));
            id
        })
        .collect();
    sync(&outreach);
    sync(&supervisor);
    let notes: Vec<String> = clients[..2]
        .iter()
        .map(|c| supervisor.add("case-note", &json!({"client_id": c, "narrative": "ổn"})))
        .collect();
    sync(&supervisor);
    Team {
        _hub: hub,
        supervisor,
        outreach,
        early_client,
        early_note,
        clients,
        notes,
    }
}

#[test]
fn damaged_records_versions_and_a_key_are_named_and_restored_from_the_hub() {
    let t = team();
    let sup = &t.supervisor;
    let c = &t.clients;
    let values: Vec<Value> = c.iter().map(|id| sup.values(id)).collect();

    flip_list_row(sup, &c[0]);
    flip_state(sup, &c[1]);
    // Both versions of client 2 came from the outreach worker through the hub.
    flip_version(sup, &c[2], 0);
    flip_state(sup, &c[2]);
    flip_version(sup, &c[3], 1);
    flip_key(sup, "case_notes", 2);
    {
        let conn = Connection::open(sup.db()).unwrap();
        let mut mac: Vec<u8> = conn
            .query_row("SELECT mac FROM audit_sealed WHERE seq = 3", [], |r| {
                r.get(0)
            })
            .unwrap();
        mac[7] ^= 0x01;
        conn.execute("UPDATE audit_sealed SET mac = ?1 WHERE seq = 3", [mac])
            .unwrap();
    }

    // The rest keeps reading; what does not is named. The CLI lists
    // clients in full, from their states: one whose list row is damaged
    // is there (its values are in its state), one whose state is damaged
    // is named.
    let (code, listed, stderr) = list(sup, "client");
    assert_eq!(code, Some(6));
    assert!(listed.contains(&c[0]) && listed.contains(&t.early_client));
    assert!(
        !listed.contains(&c[1]) && stderr.contains(&c[1]),
        "{stderr}"
    );
    assert!(stderr.contains("fieldbook check"), "{stderr}");
    assert_eq!(sup.values(&c[0]), values[0]);
    let (code, listed, stderr) = list(sup, "case-note");
    assert_eq!(code, Some(6));
    assert_eq!(listed, vec![t.early_note.clone()], "epoch 1 still opens");
    for note in &t.notes {
        assert!(stderr.contains(note.as_str()), "{stderr}");
    }

    // Looking only: each named, with what a repair could do.
    let (code, looked) = check(sup, &["--no-repair"]);
    assert_eq!(code, Some(6), "{looked:#}");
    assert_eq!(looked["ok"], false);
    assert_eq!(remedy(&looked, "view", Some(&c[0])), "rebuildable");
    // Client 1's versions reached this device as stubs its state rebuilt
    // (the hub holds their bodies): with the state damaged, the hub's
    // copies come back first and the state is rebuilt from them.
    assert_eq!(remedy(&looked, "state", Some(&c[1])), "hub_can_restore");
    assert_eq!(remedy(&looked, "version", Some(&c[1])), "hub_can_restore");
    assert_eq!(remedy(&looked, "version", Some(&c[2])), "hub_can_restore");
    assert_eq!(remedy(&looked, "state", Some(&c[2])), "hub_can_restore");
    assert_eq!(remedy(&looked, "version", Some(&c[3])), "hub_can_restore");
    let key = entry(&looked, "team_key", None);
    assert_eq!(key["key_class"], "case_notes");
    assert_eq!(key["key_epoch"], 2);
    assert_eq!(key["remedy"], "hub_can_restore");
    let sealed: Vec<&str> = key["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for note in &t.notes {
        assert!(sealed.contains(&note.as_str()), "{key}");
    }
    assert!(!sealed.contains(&t.early_note.as_str()), "{key}");
    assert_eq!(entry(&looked, "audit_trail", None)["audit_seq"], 3);
    assert_eq!(entry(&looked, "audit_trail", None)["remedy"], "local_only");
    // Key, list row, two states, both versions of clients 1 and 2 (stubs
    // their damaged states no longer rebuild, one of them flipped too),
    // client 3's version, the audit trail.
    assert_eq!(looked["damage"].as_array().unwrap().len(), 10, "{looked:#}");

    // In Vietnamese, for people.
    let run = sup.run(&["--lang", "vi", "check", "--no-repair"]);
    assert_eq!(run.code, Some(6));
    assert!(
        run.stdout.contains("Bản xem nhanh của bản ghi client"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("máy chủ văn phòng còn giữ bản sao"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("vẫn còn phần bị hỏng"),
        "{}",
        run.stdout
    );

    // Repairing: from the hub where it holds the versions and the envelope.
    let (code, repaired) = check(sup, &[]);
    assert_eq!(repaired["hub"]["status"], "reached", "{repaired:#}");
    assert_eq!(remedy(&repaired, "view", Some(&c[0])), "rebuilt");
    assert_eq!(remedy(&repaired, "state", Some(&c[1])), "restored");
    assert_eq!(remedy(&repaired, "version", Some(&c[1])), "restored");
    assert_eq!(remedy(&repaired, "version", Some(&c[2])), "restored");
    assert_eq!(remedy(&repaired, "state", Some(&c[2])), "restored");
    assert_eq!(remedy(&repaired, "version", Some(&c[3])), "restored");
    assert_eq!(remedy(&repaired, "team_key", None), "restored");
    // The trail lives only here: it stays as evidence, and is the only thing left.
    assert_eq!(remedy(&repaired, "audit_trail", None), "local_only");
    assert_eq!(code, Some(1), "only the audit trail is left: {repaired:#}");
    let run = sup.run(&["check"]);
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stdout
            .contains("The audit trail, from entry #3 does not verify"),
        "{}",
        run.stdout
    );

    for (i, id) in c.iter().enumerate() {
        assert_eq!(sup.values(id), values[i], "client {i}");
        let history = sup.run(&["history", id, "--json"]);
        assert!(history.ok(), "{history:?}");
        assert_eq!(history.json().as_array().unwrap().len(), 2, "client {i}");
    }
    let (code, listed, _) = list(sup, "case-note");
    assert_eq!(code, Some(0));
    assert_eq!(listed.len(), 3);
    sup.update(&c[2], &json!({"area": "Lê Chân"}));
    sup.add(
        "case-note",
        &json!({"client_id": c[2], "narrative": "sau khi sửa"}),
    );
    assert_eq!(sync(sup)["ok"], true);
    sync(&t.outreach);
    assert_eq!(t.outreach.values(&c[2])["area"], "Lê Chân");
}

#[test]
fn each_class_key_a_header_and_an_unsent_edit_are_restored_where_they_can_be() {
    let t = team();
    let sup = &t.supervisor;

    // The outreach key of epoch 2 (the hub holds its envelope) and the
    // client-code key (no hub ever holds it).
    flip_key(sup, "outreach", 2);
    flip_key(sup, "uic", 0);
    let (code, listed, stderr) = list(sup, "client");
    assert_eq!(code, Some(6));
    assert!(listed.contains(&t.early_client), "epoch 1 still opens");
    for id in &t.clients {
        assert!(stderr.contains(id.as_str()), "{stderr}");
    }
    assert_eq!(list(sup, "case-note").1.len(), 3, "the other class reads");
    let run = sup.run_stdin(&["add", "client", "--json", "-"], r#"{"alias": "Mới"}"#);
    assert_eq!(run.code, Some(6), "no write under a damaged key: {run:?}");
    assert!(run.stderr.contains("team key"), "{}", run.stderr);

    let (code, report) = check(sup, &[]);
    assert_eq!(code, Some(6), "{report:#}");
    let keys: Vec<&Value> = report["damage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["part"] == "team_key")
        .collect();
    assert_eq!(keys.len(), 2, "{report:#}");
    let outreach_key = keys.iter().find(|k| k["key_class"] == "outreach").unwrap();
    assert_eq!(outreach_key["remedy"], "restored");
    assert_eq!(
        outreach_key["records"].as_array().unwrap().len(),
        t.clients.len()
    );
    let uic = keys.iter().find(|k| k["key_class"] == "uic").unwrap();
    assert_eq!(uic["remedy"], "needs_enrollment");
    let (code, listed, _) = list(sup, "client");
    assert_eq!(code, Some(0));
    assert_eq!(listed.len(), t.clients.len() + 1);
    sup.add("client", &json!({"alias": "Mới"}));

    // A header byte: a damaged store, not a foreign file; the check writes
    // back what every store holds alike.
    {
        let mut bytes = std::fs::read(sup.db()).unwrap();
        bytes[1] ^= 0x20;
        std::fs::write(sup.db(), bytes).unwrap();
    }
    let run = sup.run(&["list", "client"]);
    assert_eq!(run.code, Some(6), "{run:?}");
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("not a Fieldbook store"),
        "{}",
        run.stderr
    );
    let run = sup.run(&["--lang", "vi", "list", "client"]);
    assert!(run.stderr.contains("bị hỏng"), "{}", run.stderr);
    let (_, report) = check(sup, &[]);
    assert_eq!(remedy(&report, "header", None), "rebuilt");
    assert_eq!(list(sup, "client").0, Some(0));

    // An ordinary sync fetches the envelope of a damaged key too.
    let out = &t.outreach;
    flip_key(out, "outreach", 2);
    assert_eq!(list(out, "client").0, Some(6));
    let synced = sync(out);
    assert_eq!(synced["keys_learned"], 1, "{synced}");
    assert_eq!(list(out, "client").0, Some(0));

    // An edit damaged before it reached the hub: its values live in the
    // record's state, and go to the hub as a merged version.
    let id = &t.clients[4];
    out.update(id, &json!({"area": "Kiến An"}));
    flip_version(out, id, 2);
    let (code, report) = check(out, &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(remedy(&report, "version", Some(id)), "rebuilt");
    assert_eq!(sync(out)["ok"], true);
    sync(sup);
    assert_eq!(sup.values(id)["area"], "Kiến An");
}

#[test]
fn a_version_the_hub_compacted_away_gives_way_to_its_merged_version() {
    let t = team();
    let out = &t.outreach;
    let id = &t.clients[0];
    for n in 0..4 {
        out.update(
            id,
            &json!({"notes": format!("lần {n}"), "area": format!("khu {n}")}),
        );
    }
    sync(out);
    let run = t
        .supervisor
        .run(&["compact", "--min-versions", "3", "--json"]);
    assert!(run.ok(), "{run:?}");
    assert!(
        run.json()["dropped"].as_u64().unwrap() >= 5,
        "{}",
        run.stdout
    );
    let values = out.values(id);

    // An old version the hub no longer holds, and the state beside it.
    flip_version(out, id, 1);
    flip_state(out, id);
    let (code, looked) = check(out, &["--no-repair"]);
    assert_eq!(code, Some(6));
    assert_eq!(remedy(&looked, "version", Some(id)), "hub_can_restore");
    let (code, report) = check(out, &[]);
    assert_eq!(code, Some(0), "{report:#}");
    assert_eq!(remedy(&report, "version", Some(id)), "restored");
    assert_eq!(remedy(&report, "state", Some(id)), "restored");
    assert_eq!(out.values(id), values);
    out.update(id, &json!({"notes": "sau"}));
    assert_eq!(sync(out)["ok"], true);
}
