//! How the CLI fails: invalid input (exit 3, field-level messages in English
//! and Vietnamese), wrong PINs (exit 4, attempts left, back-off, erase),
//! directories that are not stores, and duplicate clients (exit 5).

mod common;

use common::{day, files_under, Fieldbook};
use rusqlite::Connection;
use serde_json::{json, Value};

const WRONG_PIN: &str = "111111";

/// Asserts exit 3, nothing on stdout, and one error line naming every key.
fn assert_invalid(run: &common::Run, keys: &[&str], what: &str) {
    assert_eq!(run.code, Some(3), "{what}: exit 3 expected: {run:?}");
    assert!(run.stdout.trim().is_empty(), "{what}: no output: {run:?}");
    for key in keys {
        assert!(
            run.stderr.contains(key),
            "{what}: stderr names field {key}: {}",
            run.stderr
        );
    }
}

#[test]
fn invalid_input_is_refused_field_by_field_in_both_languages() {
    let fb = Fieldbook::init();
    let bad = json!({"alias": "", "sex": "robot", "birth_year": 1800, "phone": "call-me-0912"});
    let keys = ["alias", "sex", "birth_year", "phone"];

    let en = fb.run_stdin(
        &["--lang", "en", "add", "client", "--json", "-"],
        &bad.to_string(),
    );
    assert_invalid(&en, &keys, "en");
    assert!(en.stderr.starts_with("error:"), "{}", en.stderr);
    assert!(en.stderr.contains("required"), "{}", en.stderr);
    assert!(
        en.stderr.contains("1920"),
        "the bound is named: {}",
        en.stderr
    );

    let vi = fb.run_stdin(
        &["--lang", "vi", "add", "client", "--json", "-"],
        &bad.to_string(),
    );
    assert_invalid(&vi, &keys, "vi");
    assert!(vi.stderr.starts_with("lỗi:"), "{}", vi.stderr);
    assert!(vi.stderr.contains("bắt buộc"), "{}", vi.stderr);
    assert_ne!(en.stderr, vi.stderr);

    // FIELDBOOK_LANG picks the language too.
    let mut cmd = fb.command(&["add", "client", "--json", "-"]);
    cmd.env("FIELDBOOK_LANG", "vi")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(bad.to_string().as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(String::from_utf8(out.stderr).unwrap(), vi.stderr);

    // Messages never echo the rejected value (it may be a phone number).
    assert!(!en.stderr.contains("call-me-0912"), "{}", en.stderr);
    assert!(!vi.stderr.contains("call-me-0912"), "{}", vi.stderr);

    // A cross-field constraint, with the form's own message.
    let client = fb.add("client", &json!({"alias": "Hùng"}));
    let note =
        json!({"client_id": client, "date": day(-1), "next_follow_up": day(-5), "narrative": "x"});
    let run = fb.run_stdin(
        &["--lang", "en", "add", "case-note", "--json", "-"],
        &note.to_string(),
    );
    assert_invalid(&run, &["next_follow_up"], "constraint en");
    assert!(run.stderr.contains("on or after"), "{}", run.stderr);
    let run = fb.run_stdin(
        &["--lang", "vi", "add", "case-note", "--json", "-"],
        &note.to_string(),
    );
    assert_invalid(&run, &["next_follow_up"], "constraint vi");
    assert!(run.stderr.contains("Ngày theo dõi"), "{}", run.stderr);

    // A link to a record that does not exist.
    let run = fb.try_add(
        "referral",
        &json!({"client_id": "01900000-0000-7000-8000-000000000000", "service": "methadone", "date": day(0)}),
        &[],
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("client_id"), "{}", run.stderr);

    // An unknown field.
    let run = fb.try_add("client", &json!({"alias": "Minh", "colour": "red"}), &[]);
    assert_invalid(&run, &["colour"], "unknown field");

    // Malformed JSON, and JSON that is not an object; the message names a
    // position, never the content.
    let run = fb.run_stdin(
        &["add", "client", "--json", "-"],
        r#"{"alias": "SecretAlias" "notes": 1}"#,
    );
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("malformed JSON"), "{}", run.stderr);
    assert!(!run.stderr.contains("SecretAlias"), "{}", run.stderr);
    let run = fb.run_stdin(&["add", "client", "--json", "-"], "[1, 2]");
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("object"), "{}", run.stderr);
    let run = fb.run_stdin(&["add", "client", "--json", "-"], "");
    assert_eq!(run.code, Some(3), "{run:?}");

    // An unknown kind and a malformed id.
    let run = fb.try_add("patient", &json!({"alias": "x"}), &[]);
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("patient"), "{}", run.stderr);
    let run = fb.run(&["show", "not-an-id"]);
    assert_eq!(run.code, Some(3), "{run:?}");

    // Nothing invalid was stored.
    let clients = fb.list("client");
    assert_eq!(clients.len(), 1, "{clients:?}");
    assert!(fb.list("case-note").is_empty());
    assert!(fb.list("referral").is_empty());
    assert!(fb.run(&["audit", "verify"]).ok());
}

fn meta_u64(fb: &Fieldbook, key: &str) -> i64 {
    let conn = Connection::open(fb.db()).unwrap();
    conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| {
        r.get::<_, i64>(0)
    })
    .unwrap_or(0)
}

#[test]
fn wrong_pins_count_down_back_off_and_erase() {
    let fb = Fieldbook::init_with(&["--max-failed-unlocks", "4"]);
    let alias = "Thắng";
    let client = fb.add("client", &json!({"alias": alias, "notes": "pin test"}));

    // A wrong PIN says how many attempts are left; a right one resets the count.
    let run = fb.run_with_pin(&["list", "client"], WRONG_PIN);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stdout.is_empty());
    assert!(
        run.stderr.contains("wrong PIN") && run.stderr.contains("3 attempts left"),
        "{}",
        run.stderr
    );
    assert_eq!(fb.values(&client)["alias"], alias);
    let run = fb.run_with_pin(&["list", "client"], WRONG_PIN);
    assert!(
        run.stderr.contains("3 attempts left"),
        "reset: {}",
        run.stderr
    );

    let run = fb.run_with_pin(&["--lang", "vi", "list", "client"], WRONG_PIN);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(
        run.stderr.contains("Sai mã PIN") && run.stderr.contains("còn 2 lần thử"),
        "{}",
        run.stderr
    );
    let run = fb.run_with_pin(&["list", "client"], WRONG_PIN);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.contains("1 attempt"), "{}", run.stderr);

    // Three failures in a row: now every attempt waits, the right PIN too,
    // and waiting attempts are not counted.
    let run = fb.run_with_pin(&["list", "client"], WRONG_PIN);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(
        run.stderr.contains("try again in 30 s") || run.stderr.contains("try again in 29 s"),
        "back-off with seconds: {}",
        run.stderr
    );
    let run = fb.run(&["--lang", "vi", "list", "client"]);
    assert_eq!(run.code, Some(4), "the right PIN waits too: {run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert!(run.stderr.contains("giây"), "{}", run.stderr);
    assert_eq!(meta_u64(&fb, "failed_unlocks"), 3);

    // Let the back-off pass: rewind the last failure's time since boot by
    // 31 s rather than sleeping (waits follow the boot clock, not the wall clock).
    {
        let conn = Connection::open(fb.db()).unwrap();
        let anchor: Vec<u8> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'backoff_anchor'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let mut anchor: Value = serde_json::from_slice(&anchor).unwrap();
        let ms = anchor["ms"].as_u64().unwrap();
        anchor["ms"] = json!(ms.saturating_sub(31_000));
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'backoff_anchor'",
            [serde_json::to_vec(&anchor).unwrap()],
        )
        .unwrap();
    }
    // The fourth wrong PIN erases the store.
    let run = fb.run_with_pin(&["list", "client"], WRONG_PIN);
    assert_eq!(run.code, Some(4), "{run:?}");
    assert!(run.stderr.contains("erased"), "{}", run.stderr);

    // Now the right PIN opens nothing.
    for args in [
        &["list", "client"][..],
        &["show", client.as_str()],
        &["audit", "verify"],
    ] {
        let run = fb.run(args);
        assert_eq!(run.code, Some(4), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "{run:?}");
        assert!(run.stderr.contains("erased"), "{}", run.stderr);
    }
    let run = fb.run(&["--lang", "vi", "list", "client"]);
    assert!(run.stderr.contains("đã bị xoá"), "{}", run.stderr);

    // What is left holds no records, no keys and no platform key file.
    let conn = Connection::open(fb.db()).unwrap();
    for table in [
        "records",
        "versions",
        "team_keys",
        "lookup",
        "audit",
        "audit_sealed",
    ] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "{table} is empty after the erase");
    }
    let platform_keys: Vec<_> = files_under(&fb.data)
        .into_iter()
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".key"))
        .collect();
    assert!(
        platform_keys.is_empty(),
        "platform key destroyed: {platform_keys:?}"
    );
}

#[test]
fn no_pin_and_a_short_pin_are_refused() {
    let fb = Fieldbook::new();
    let run = fb.run_full(&["init"], None, Some("12"));
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("PIN"), "{}", run.stderr);
    assert!(!fb.db().exists() || fb.run(&["list", "client"]).code != Some(0));

    let fb = Fieldbook::init();
    let run = fb.run_full(&["list", "client"], None, None);
    assert_eq!(run.code, Some(3), "{run:?}");
    assert!(run.stderr.contains("FIELDBOOK_PIN"), "{}", run.stderr);
    // A second init over a store refuses and leaves the store working.
    let client = fb.add("client", &json!({"alias": "Lan"}));
    let run = fb.run(&["init"]);
    assert_ne!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(fb.values(&client)["alias"], "Lan");
}

fn assert_not_a_store(fb: &Fieldbook, what: &str) {
    for args in [
        &["list", "client"][..],
        &["audit", "verify"],
        &["add", "client", "--json", "-"],
    ] {
        let run = fb.run_stdin(args, r#"{"alias": "x"}"#);
        assert!(
            run.code.is_some_and(|c| c != 0),
            "{what}: {args:?} must fail: {run:?}"
        );
        assert!(run.stdout.trim().is_empty(), "{what}: {run:?}");
        assert!(
            run.stderr.contains("not a Fieldbook store") || run.stderr.contains("damaged"),
            "{what}: a clear message: {}",
            run.stderr
        );
        assert_eq!(
            run.stderr.trim().lines().count(),
            1,
            "{what}: one line: {}",
            run.stderr
        );
    }
}

#[test]
fn a_directory_that_is_not_a_store_is_refused_clearly() {
    // No directory at all.
    let fb = Fieldbook::new();
    assert_not_a_store(&fb, "missing dir");
    assert!(!fb.data.exists(), "reading must not create the directory");

    // An empty directory.
    std::fs::create_dir_all(&fb.data).unwrap();
    assert_not_a_store(&fb, "empty dir");
    assert!(files_under(&fb.data).is_empty(), "nothing created");

    // A garbage fieldbook.db, left as it was.
    let garbage: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(fb.db(), &garbage).unwrap();
    assert_not_a_store(&fb, "garbage db");
    assert_eq!(
        std::fs::read(fb.db()).unwrap(),
        garbage,
        "garbage untouched"
    );

    // A text file.
    std::fs::write(fb.db(), "hello, this is not a database\n").unwrap();
    assert_not_a_store(&fb, "text db");

    // A SQLite database of some other application.
    std::fs::remove_file(fb.db()).unwrap();
    {
        let conn = Connection::open(fb.db()).unwrap();
        conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
    }
    assert_not_a_store(&fb, "foreign sqlite");

    // A real store cut in half.
    let real = Fieldbook::init();
    for i in 0..5 {
        real.add("client", &json!({"alias": format!("Client {i}")}));
    }
    let bytes = std::fs::read(real.db()).unwrap();
    std::fs::remove_file(fb.db()).unwrap();
    std::fs::write(fb.db(), &bytes[..bytes.len() / 2]).unwrap();
    for entry in files_under(&real.data) {
        let name = entry.file_name().unwrap();
        if name.to_string_lossy().ends_with(".key") {
            std::fs::copy(&entry, fb.data.join(name)).unwrap();
        }
    }
    for args in [&["list", "client"][..], &["audit", "verify"]] {
        let run = fb.run(args);
        assert!(
            run.code.is_some_and(|c| c != 0),
            "truncated store: {args:?} must fail: {run:?}"
        );
        assert!(!run.stderr.trim().is_empty(), "{run:?}");
    }
}

#[test]
fn duplicate_clients_by_identifier_code_are_caught() {
    let fb = Fieldbook::init();
    let first = fb.add(
        "client",
        &json!({"alias": "Đông", "sex": "male", "birth_year": 1985,
                "uic_mother_name": "Nguyễn Thị Lan", "uic_father_name": "Đức"}),
    );
    let uic = fb.values(&first)["uic"]
        .as_str()
        .expect("a client code was computed")
        .to_string();
    // The same parents' names without diacritics and in other cases.
    let same = json!({"alias": "Dong 2", "sex": "male", "birth_year": 1985,
                      "uic_mother_name": "NGUYEN thi lan", "uic_father_name": "duc"});

    let run = fb.try_add("client", &same, &["--lang", "en"]);
    assert_eq!(run.code, Some(5), "{run:?}");
    assert!(run.stdout.trim().is_empty(), "{run:?}");
    assert!(
        run.stderr.contains(&first),
        "names the existing id: {}",
        run.stderr
    );
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    let run = fb.try_add("client", &same, &["--lang", "vi"]);
    assert_eq!(run.code, Some(5), "{run:?}");
    assert!(run.stderr.contains(&first), "{}", run.stderr);
    assert!(run.stderr.contains("Đã có khách hàng"), "{}", run.stderr);
    assert_eq!(fb.list("client").len(), 1);

    // Different birth year: a different person.
    let other = fb.add(
        "client",
        &json!({"alias": "Dong 3", "sex": "male", "birth_year": 1986,
                "uic_mother_name": "Lan", "uic_father_name": "Duc"}),
    );
    assert_ne!(fb.values(&other)["uic"], uic.as_str());

    // --allow-duplicate stores it, with the same code.
    let run = fb.try_add("client", &same, &["--allow-duplicate"]);
    assert!(run.ok(), "{run:?}");
    let second = run.stdout.trim().to_string();
    assert_ne!(second, first);
    let v = fb.values(&second);
    assert_eq!(v["alias"], "Dong 2");
    assert_eq!(v["uic"], uic.as_str());
    assert!(
        v.get("uic_mother_name").is_none() && v.get("uic_father_name").is_none(),
        "parents' names are input only: {v}"
    );
    assert_eq!(fb.list("client").len(), 3);

    // The code finds the first client.
    let found = fb.json(&["search", &uic]);
    assert!(
        common::ids(found.as_array().unwrap()).contains(&first),
        "search by code: {found}"
    );
}

/// Two people can share a code (the reason `--allow-duplicate` exists), so a
/// search by the code must find both, or the second one is unreachable by it.
#[test]
fn searching_by_code_finds_every_client_sharing_it() {
    let fb = Fieldbook::init();
    let person = json!({"sex": "female", "birth_year": 1992,
                        "uic_mother_name": "Mai", "uic_father_name": "Hải"});
    let mut a = person.clone();
    a["alias"] = json!("Cúc");
    a["area"] = json!("Long Biên");
    let first = fb.add("client", &a);
    let mut b = person.clone();
    b["alias"] = json!("Thu");
    b["area"] = json!("Hoàn Kiếm");
    let run = fb.try_add("client", &b, &["--allow-duplicate"]);
    assert!(run.ok(), "{run:?}");
    let second = run.stdout.trim().to_string();
    let uic = fb.values(&first)["uic"].as_str().unwrap().to_string();
    assert_eq!(fb.values(&second)["uic"], uic.as_str());

    let found = fb.json(&["search", &uic]);
    let mut found = common::ids(found.as_array().unwrap());
    found.sort();
    let mut expected = vec![first.clone(), second.clone()];
    expected.sort();
    assert_eq!(
        found, expected,
        "search {uic} finds both clients sharing it"
    );

    // With an area, the one in that area (whichever was stored first).
    let found = fb.json(&["search", &uic, "--area", "Hoàn Kiếm"]);
    assert_eq!(
        common::ids(found.as_array().unwrap()),
        vec![second.clone()],
        "search {uic} --area finds the second client"
    );
}

/// Runs `add client --json FILE` with `bytes` in the file.
fn add_client_from_file(fb: &Fieldbook, bytes: &[u8], lang: &str) -> common::Run {
    let file = fb.root().join("input.json");
    std::fs::write(&file, bytes).unwrap();
    fb.run(&[
        "--lang",
        lang,
        "add",
        "client",
        "--json",
        file.to_str().unwrap(),
    ])
}

/// Odd input from a file, each against its exact outcome: stored exactly as
/// written, or refused with exit 3 and a message naming what is wrong, in
/// English and in Vietnamese, never echoing the content.
#[test]
fn odd_input_is_taken_exactly_or_refused_clearly() {
    let fb = Fieldbook::init();
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let with_bom = [BOM, r#"{"alias": "Notepad"}"#.as_bytes()].concat();
    // What is stored is byte for byte what was written.
    let stored: Vec<(&str, Vec<u8>, Value)> = vec![
        (
            "a leading byte order mark",
            with_bom,
            json!({"alias": "Notepad"}),
        ),
        (
            "combining marks",
            r#"{"alias": "Ho\u0300a"}"#.into(),
            json!({"alias": "Ho\u{300}a"}),
        ),
        (
            "spaces around an alias",
            r#"{"alias": " Tí "}"#.into(),
            json!({"alias": " Tí "}),
        ),
        (
            "lines and a tab in a note",
            r#"{"alias": "A", "notes": "một\nhai\r\n\tba"}"#.into(),
            json!({"alias": "A", "notes": "một\nhai\r\n\tba"}),
        ),
    ];
    for (what, bytes, want) in stored {
        let run = add_client_from_file(&fb, &bytes, "en");
        assert!(run.ok(), "{what}: {run:?}");
        let values = fb.values(run.stdout.trim());
        for (key, value) in want.as_object().unwrap() {
            assert_eq!(&values[key], value, "{what}: {key}");
        }
    }
    let stored_count = fb.list("client").len();

    // (what, input, the key or position named, en words, vi words)
    let refused: Vec<(&str, Vec<u8>, &str, &str, &str)> = vec![
        (
            "a key given twice",
            br#"{"alias": "SecretA", "alias": "SecretB"}"#.to_vec(),
            "“alias”",
            "is given twice",
            "được nhập hai lần",
        ),
        (
            "a quantity given twice",
            br#"{"alias": "A", "services": {"syringes": 1, "syringes": 2}}"#.to_vec(),
            "“services.syringes”",
            "is given twice",
            "được nhập hai lần",
        ),
        (
            "bytes that are not UTF-8",
            b"{\"alias\":\n \"Secret\xff\"}".to_vec(),
            "UTF-8",
            "not UTF-8 text (invalid bytes on line 2)",
            "không phải văn bản UTF-8 (byte không hợp lệ ở dòng 2)",
        ),
        (
            "a list given as one value",
            br#"{"alias": "A", "primary_substances": "heroin"}"#.to_vec(),
            "primary_substances",
            "must be a list of choices",
            "phải là một danh sách các lựa chọn",
        ),
        (
            "yes/no as a word",
            br#"{"alias": "A", "injecting": "yes"}"#.to_vec(),
            "injecting",
            "must be true or false",
            "phải là true hoặc false",
        ),
        (
            "a number in quotes",
            br#"{"alias": "A", "birth_year": "1990"}"#.to_vec(),
            "birth_year",
            "must be a whole number",
            "phải là một số nguyên",
        ),
        (
            "NUL in an alias",
            br#"{"alias": "Secret\u0000"}"#.to_vec(),
            "U+0000",
            "hidden control character",
            "ký tự điều khiển ẩn",
        ),
        (
            "a right-to-left override in an alias",
            "{\"alias\": \"Secret\u{202E}txt\"}".as_bytes().to_vec(),
            "U+202E",
            "reverses the direction of text",
            "đảo chiều văn bản",
        ),
        (
            "a line break in an alias",
            br#"{"alias": "Secret\nline"}"#.to_vec(),
            "alias",
            "one line of text",
            "một dòng văn bản",
        ),
    ];
    for (what, bytes, named, en, vi) in refused {
        for (lang, words) in [("en", en), ("vi", vi)] {
            let run = add_client_from_file(&fb, &bytes, lang);
            assert_invalid(&run, &[named], &format!("{what} ({lang})"));
            assert!(
                run.stderr.contains(words),
                "{what} ({lang}): {}",
                run.stderr
            );
            assert!(!run.stderr.contains("Secret"), "{what}: {}", run.stderr);
            assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
        }
    }

    // A bad consent date is the only error, though a scope depends on it.
    let run = add_client_from_file(
        &fb,
        br#"{"alias": "A", "consent_date": "2026-13-01", "consent_scope": ["referral"]}"#,
        "en",
    );
    assert_invalid(&run, &["consent_date"], "bad consent date");
    assert!(!run.stderr.contains("consent_scope"), "{}", run.stderr);

    assert_eq!(
        fb.list("client").len(),
        stored_count,
        "nothing refused was stored"
    );
}
