//! Tamper evidence: sealed record blobs changed or moved between records are
//! refused and named (the other records still read), and edits to the audit
//! trail are caught by `audit verify`.

mod common;

use common::{ids, Fieldbook};
use rusqlite::{params, Connection};
use serde_json::json;

/// A record id as stored (the UUID's 16 bytes).
fn id_bytes(id: &str) -> Vec<u8> {
    let hex: String = id.chars().filter(|c| *c != '-').collect();
    assert_eq!(hex.len(), 32, "{id}");
    (0..16)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

/// The first row of `table` that is about record `id`, as a condition:
/// `list_rows` has one per record and no rowid.
fn first_row_of(table: &str) -> String {
    match table {
        "records" => "id = ?1".to_string(),
        "list_rows" => "id = ?1".to_string(),
        "version_bodies" => {
            "seq = (SELECT seq FROM versions WHERE record_id = ?1 ORDER BY seq LIMIT 1)".to_string()
        }
        _ => format!(
            "rowid = (SELECT rowid FROM {table} WHERE record_id = ?1 ORDER BY rowid LIMIT 1)"
        ),
    }
}

fn blob(conn: &Connection, table_col: (&str, &str), id: &str) -> Vec<u8> {
    let (table, col) = table_col;
    conn.query_row(
        &format!("SELECT {col} FROM {table} WHERE {}", first_row_of(table)),
        [id_bytes(id)],
        |r| r.get(0),
    )
    .unwrap_or_else(|e| panic!("{table}.{col} of {id}: {e}"))
}

fn set_blob(conn: &Connection, table_col: (&str, &str), id: &str, value: &[u8]) {
    let (table, col) = table_col;
    let condition = first_row_of(table).replace("?1", "?2");
    let n = conn
        .execute(
            &format!("UPDATE {table} SET {col} = ?1 WHERE {condition}"),
            params![value, id_bytes(id)],
        )
        .unwrap();
    assert_eq!(n, 1, "{table}.{col} of {id} updated");
}

/// Flips one bit of the byte at `at` (negative: from the end).
fn flip(conn: &Connection, table_col: (&str, &str), id: &str, at: isize) {
    let mut b = blob(conn, table_col, id);
    let i = if at < 0 {
        (b.len() as isize + at) as usize
    } else {
        at as usize
    };
    b[i] ^= 0x01;
    set_blob(conn, table_col, id, &b);
}

const LIST_ROW: (&str, &str) = ("list_rows", "body");
const STATE: (&str, &str) = ("records", "state");
const BODY: (&str, &str) = ("version_bodies", "body");

fn alias(i: usize) -> String {
    format!("Khách {i} Tâm")
}

fn note(i: usize) -> String {
    format!("note for {}", alias(i))
}

#[test]
fn changed_or_moved_sealed_values_are_refused_and_named() {
    let fb = Fieldbook::init();
    let clients: Vec<String> = (0..11)
        .map(|i| fb.add("client", &json!({"alias": alias(i), "notes": note(i)})))
        .collect();
    assert_eq!(fb.list("client").len(), 11);

    {
        let conn = Connection::open(fb.db()).unwrap();
        let mid = blob(&conn, STATE, &clients[1]).len() as isize / 2;
        // 1: a byte of the state and of the list row, in the middle.
        flip(&conn, STATE, &clients[1], mid);
        flip(&conn, LIST_ROW, &clients[1], 8);
        // 2: the last byte of the state (the tag).
        flip(&conn, STATE, &clients[2], -1);
        // 3: the first byte of the state (format / nonce).
        flip(&conn, STATE, &clients[3], 0);
        // 4 and 5: states swapped, each a valid sealed value of another record.
        let s4 = blob(&conn, STATE, &clients[4]);
        let s5 = blob(&conn, STATE, &clients[5]);
        set_blob(&conn, STATE, &clients[4], &s5);
        set_blob(&conn, STATE, &clients[5], &s4);
        // 6: only the list row (what lists and search read); the state is intact.
        flip(&conn, LIST_ROW, &clients[6], 8);
        // 8: the first version's body (what history and sync read).
        flip(&conn, BODY, &clients[8], mid);
        // 9 and 10: list rows swapped.
        let r9 = blob(&conn, LIST_ROW, &clients[9]);
        let r10 = blob(&conn, LIST_ROW, &clients[10]);
        set_blob(&conn, LIST_ROW, &clients[9], &r10);
        set_blob(&conn, LIST_ROW, &clients[10], &r9);
    }
    let broken = [1usize, 2, 3, 4, 5];

    // The full list (read from the states) prints every readable record,
    // names each broken one, exits 6.
    let run = fb.run(&["list", "client", "--json"]);
    assert_eq!(run.code, Some(6), "{run:?}");
    let listed = run.json();
    let listed = listed.as_array().unwrap();
    let mut got = ids(listed);
    got.sort();
    let mut expected: Vec<String> = [0usize, 6, 7, 8, 9, 10]
        .iter()
        .map(|i| clients[*i].clone())
        .collect();
    expected.sort();
    assert_eq!(got, expected, "the readable records are listed");
    for record in listed {
        let i = clients
            .iter()
            .position(|c| record["id"] == c.as_str())
            .unwrap();
        assert_eq!(record["values"]["alias"], alias(i).as_str());
        assert_eq!(record["values"]["notes"], note(i).as_str());
    }
    for (i, id) in clients.iter().enumerate() {
        assert_eq!(
            run.stderr.contains(id.as_str()),
            broken.contains(&i),
            "stderr names exactly the broken records (client {i}):\n{}",
            run.stderr
        );
    }
    // Search reads the list rows: a damaged or moved row is named, never
    // shown as another client's.
    let run = fb.run(&["search", "khach", "--json"]);
    assert_eq!(run.code, Some(6), "{run:?}");
    let mut found = ids(run.json().as_array().unwrap());
    found.sort();
    let mut whole: Vec<String> = [0usize, 7, 8].iter().map(|i| clients[*i].clone()).collect();
    whole.sort();
    assert_eq!(found, whole, "{run:?}");
    for i in [1usize, 2, 3, 4, 5, 6, 9, 10] {
        assert!(
            run.stderr.contains(&clients[i]),
            "client {i}: {}",
            run.stderr
        );
    }
    for i in broken {
        let run = fb.run(&["show", &clients[i], "--json"]);
        assert_eq!(run.code, Some(6), "show broken client {i}: {run:?}");
        assert!(run.stdout.trim().is_empty(), "{run:?}");
        assert!(run.stderr.contains(&clients[i]), "{}", run.stderr);
        assert!(
            run.stderr.contains("corrupted or was tampered with"),
            "{}",
            run.stderr
        );
        // Nothing is written over a record that cannot be read: an update
        // merges into the state, and must refuse rather than rebuild the
        // record from nothing or from another record's values.
        let run = fb.run_stdin(
            &["update", &clients[i], "--json", "-"],
            r#"{"notes": "overwrite"}"#,
        );
        assert_eq!(run.code, Some(6), "update of broken client {i}: {run:?}");
        assert!(run.stderr.contains(&clients[i]), "{}", run.stderr);
    }
    let run = fb.run(&["--lang", "vi", "show", &clients[1]]);
    assert_eq!(run.code, Some(6), "{run:?}");
    assert!(
        run.stderr.contains("Không đọc được bản ghi"),
        "{}",
        run.stderr
    );

    for i in [0usize, 6, 7, 9, 10] {
        let v = fb.values(&clients[i]);
        assert_eq!(v["alias"], alias(i).as_str());
        assert_eq!(v["notes"], note(i).as_str());
    }

    // 8: its state reads, its history names it.
    assert_eq!(fb.values(&clients[8])["alias"], alias(8).as_str());
    let run = fb.run(&["history", &clients[8], "--json"]);
    assert_ne!(run.code, Some(0), "history over a damaged version: {run:?}");
    assert!(run.stderr.contains(&clients[8]), "{}", run.stderr);
    assert!(run.stdout.trim().is_empty(), "{run:?}");

    // 6, 9, 10 (only the list row damaged or moved): an update merges into
    // the intact state and writes the row again, each its own.
    for i in [6usize, 9, 10] {
        fb.update(&clients[i], &json!({"notes": "after repair"}));
        let v = fb.values(&clients[i]);
        assert_eq!(v["alias"], alias(i).as_str(), "client {i}: {v}");
        assert_eq!(v["notes"], "after repair", "client {i}: {v}");
    }
    let run = fb.run(&["search", "khach", "--json"]);
    let mut found = ids(run.json().as_array().unwrap());
    found.sort();
    let mut whole: Vec<String> = [0usize, 6, 7, 8, 9, 10]
        .iter()
        .map(|i| clients[*i].clone())
        .collect();
    whole.sort();
    assert_eq!(found, whole, "{run:?}");

    // Untouched records still update, and the trail is intact.
    fb.update(&clients[7], &json!({"notes": "updated"}));
    assert_eq!(fb.values(&clients[7])["notes"], "updated");
    assert!(fb.run(&["audit", "verify"]).ok());
}

#[test]
fn a_sealed_value_moved_to_a_record_of_another_kind_is_refused() {
    let fb = Fieldbook::init();
    let client = fb.add("client", &json!({"alias": "Bảo", "notes": "n"}));
    let meeting = fb.add(
        "meeting",
        &json!({"group_name": "Nhóm Sao Mai", "date": common::day(-1)}),
    );
    {
        let conn = Connection::open(fb.db()).unwrap();
        let cr = blob(&conn, LIST_ROW, &client);
        let cs = blob(&conn, STATE, &client);
        set_blob(&conn, LIST_ROW, &meeting, &cr);
        set_blob(&conn, STATE, &meeting, &cs);
    }
    let run = fb.run(&["list", "meeting", "--json"]);
    assert_eq!(run.code, Some(6), "{run:?}");
    assert_eq!(run.json(), json!([]));
    assert!(run.stderr.contains(&meeting), "{}", run.stderr);
    let run = fb.run(&["show", &meeting]);
    assert_eq!(run.code, Some(6), "{run:?}");
    assert!(!run.stdout.contains("Bảo"), "{run:?}");
    assert_eq!(fb.values(&client)["alias"], "Bảo");
}

/// An audit entry as a locked store shows it: a number, a sealed body and
/// the chain's MAC. Time, actor, action and record are inside the body.
struct AuditRow {
    seq: i64,
    body: Vec<u8>,
    mac: Vec<u8>,
}

fn audit_rows(conn: &Connection) -> Vec<AuditRow> {
    let mut stmt = conn
        .prepare("SELECT seq, body, mac FROM audit_sealed ORDER BY seq")
        .unwrap();
    stmt.query_map([], |r| {
        Ok(AuditRow {
            seq: r.get(0)?,
            body: r.get(1)?,
            mac: r.get(2)?,
        })
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn insert_row(conn: &Connection, row: &AuditRow) {
    conn.execute(
        "INSERT INTO audit_sealed (seq, body, mac) VALUES (?1, ?2, ?3)",
        params![row.seq, row.body, row.mac],
    )
    .unwrap();
}

fn set_body(conn: &Connection, seq: i64, body: &[u8]) {
    conn.execute(
        "UPDATE audit_sealed SET body = ?1 WHERE seq = ?2",
        params![body, seq],
    )
    .unwrap();
}

/// `audit verify --json`: (exit code, report).
fn verify(fb: &Fieldbook) -> (Option<i32>, serde_json::Value, String) {
    let run = fb.run(&["audit", "verify", "--json"]);
    (run.code, run.json(), run.stderr)
}

fn assert_tampered(fb: &Fieldbook, seq: i64, what: &str) {
    let (code, report, stderr) = verify(fb);
    assert!(
        code.is_some_and(|c| c != 0),
        "{what}: verify must fail: {report} {stderr}"
    );
    assert_eq!(report["ok"], false, "{what}: {report}");
    assert_eq!(report["first_bad_seq"], seq, "{what}: {report}");
    assert!(stderr.contains("tampered"), "{what}: {stderr}");
}

fn assert_intact(fb: &Fieldbook, what: &str) {
    let (code, report, stderr) = verify(fb);
    assert_eq!(code, Some(0), "{what}: {report} {stderr}");
    assert_eq!(report["ok"], true, "{what}: {report}");
}

#[test]
fn edits_to_the_audit_trail_are_detected() {
    let fb = Fieldbook::init();
    let a = fb.add("client", &json!({"alias": "An"}));
    fb.add("client", &json!({"alias": "Bình"}));
    fb.update(&a, &json!({"notes": "moved"}));
    assert_intact(&fb, "before");

    let conn = Connection::open(fb.db()).unwrap();
    let rows = audit_rows(&conn);
    // An entry from the middle of the trail (a locked store does not say what it records).
    let create = rows.iter().find(|r| r.seq == 2).expect("entry 2");
    let seq = create.seq;
    assert!(seq < rows.last().unwrap().seq);

    // One bit of the sealed body flipped, then put back.
    let mut flipped = create.body.clone();
    flipped[20] ^= 1;
    set_body(&conn, seq, &flipped);
    assert_tampered(&fb, seq, "body changed");
    set_body(&conn, seq, &create.body);
    assert_intact(&fb, "body restored");

    // Another entry's sealed body (another record, another time) in its place.
    let other = &rows[2];
    set_body(&conn, seq, &other.body);
    assert_tampered(&fb, seq, "body of another entry");
    set_body(&conn, seq, &create.body);
    assert_intact(&fb, "body restored again");

    // Another entry's MAC.
    conn.execute(
        "UPDATE audit_sealed SET mac = ?1 WHERE seq = ?2",
        params![other.mac, seq],
    )
    .unwrap();
    assert_tampered(&fb, seq, "mac changed");
    conn.execute(
        "UPDATE audit_sealed SET mac = ?1 WHERE seq = ?2",
        params![create.mac, seq],
    )
    .unwrap();
    assert_intact(&fb, "mac restored");

    // An entry removed from the middle, then put back.
    conn.execute("DELETE FROM audit_sealed WHERE seq = ?1", [seq])
        .unwrap();
    assert_tampered(&fb, seq, "middle entry removed");
    insert_row(&conn, create);
    assert_intact(&fb, "middle entry restored");

    // The newest entry removed.
    let last = audit_rows(&conn).pop().unwrap();
    conn.execute("DELETE FROM audit_sealed WHERE seq = ?1", [last.seq])
        .unwrap();
    let (code, report, _) = verify(&fb);
    assert_ne!(code, Some(0), "last entry removed: {report}");
    assert_eq!(report["ok"], false, "{report}");
    // ...and it stays detected: later entries do not paper over the gap.
    fb.add("client", &json!({"alias": "Cường"}));
    let (code, report, _) = verify(&fb);
    assert_ne!(code, Some(0), "still detected after more writes: {report}");
}

/// Cutting the newest entries must show even when the cutter also rewinds the
/// `audit_head` copy in `meta` to the new last row: the previous row's seq
/// and MAC are in clear (the head's tag is not forgeable).
#[test]
fn cutting_the_tail_and_rewinding_the_head_is_detected() {
    let fb = Fieldbook::init();
    let a = fb.add("client", &json!({"alias": "Dung"}));
    fb.run(&["delete", &a]);
    assert_intact(&fb, "before");

    let conn = Connection::open(fb.db()).unwrap();
    let rows = audit_rows(&conn);
    // The entries: the store created (1); the add's unlock and create (2, 3);
    // the delete's unlock and delete (4, 5); then each verify's unlock.
    // Remove the delete entry and everything after it.
    let delete = rows.iter().find(|r| r.seq == 5).unwrap();
    let keep = rows.iter().rev().find(|r| r.seq < delete.seq).unwrap();
    conn.execute("DELETE FROM audit_sealed WHERE seq >= ?1", [delete.seq])
        .unwrap();
    let mut head = keep.seq.to_be_bytes().to_vec();
    head.extend_from_slice(&keep.mac);
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'audit_head'",
        [head],
    )
    .unwrap();
    drop(conn);

    let (code, report, stderr) = verify(&fb);
    assert!(
        code.is_some_and(|c| c != 0) && report["ok"] == false,
        "a removed delete entry (seq {}) went unnoticed: {report} {stderr}",
        delete.seq
    );
}
