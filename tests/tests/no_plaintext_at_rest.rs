//! No plaintext at rest: distinctive markers written into every text field
//! (and the identifier code's inputs) must not appear in any file of the data
//! directory or the child's temporary directory, in any common encoding or
//! case, whether the data still sits in the write-ahead log or was
//! checkpointed into the database file.

mod common;

use common::plaintext::Scanner;
use common::{day, files_under, utf16le, Fieldbook};
use rusqlite::Connection;
use serde_json::{json, Value};
use std::path::PathBuf;
use unicode_normalization::UnicodeNormalization;

#[test]
fn scanner_finds_what_it_looks_for() {
    // The check is not vacuous: the same scanner flags a file holding a marker
    // in any of the encodings it claims to cover.
    let dir = tempfile::tempdir().unwrap();
    let marker = "Nguyễn Văn Đức".to_string();
    let scanner = Scanner::new(std::slice::from_ref(&marker));
    for variant in [
        marker.as_bytes().to_vec(),
        utf16le(&marker),
        marker.to_uppercase().into_bytes(),
        marker.nfd().collect::<String>().into_bytes(),
        b"nguyen van duc".to_vec(),
        utf16le("NGUYỄN"),
    ] {
        let mut bytes = vec![0u8; 100];
        bytes.extend_from_slice(&variant);
        bytes.extend_from_slice(&[0xff; 50]);
        std::fs::write(dir.path().join("fieldbook.db"), &bytes).unwrap();
        let (_, leaks) = scanner.scan(&[dir.path().to_path_buf()]);
        assert_eq!(
            leaks.len(),
            1,
            "variant {:?} detected once: {leaks:?}",
            String::from_utf8_lossy(&variant)
        );
    }
}

fn mark(markers: &mut Vec<String>, s: &str) -> String {
    markers.push(s.to_string());
    s.to_string()
}

/// Scans the directories; `expect_wal` asserts the writes still sit in a non-empty -wal.
fn scan(
    markers: &[String],
    dirs: &[PathBuf],
    phase: &str,
    expect_wal: bool,
) -> Vec<(PathBuf, usize)> {
    let files = Scanner::new(markers).assert_clean(dirs, "fieldbook.db", phase);
    if expect_wal {
        let wal = files
            .iter()
            .find(|(f, _)| f.to_string_lossy().ends_with("-wal"));
        assert!(
            wal.is_some_and(|(_, len)| *len > 0),
            "{phase}: the writes are still in the WAL: {files:?}"
        );
    }
    files
}

struct Written {
    id: String,
    fields: Value,
}

#[test]
fn no_marker_reaches_the_disk_in_the_wal_or_the_database() {
    let fb = Fieldbook::init();
    let dirs = vec![fb.data.clone(), fb.tmp.clone()];

    // Keep a connection open so closing the CLI's connection does not
    // checkpoint and remove the write-ahead log: the writes stay in -wal.
    let holder = Connection::open(fb.db()).unwrap();
    let mode: String = holder
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    // A read puts the connection in WAL mode, holding its shared lock.
    let _: i64 = holder
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();

    let mut markers: Vec<String> = Vec::new();
    let mother = mark(&mut markers, "Mẹhươngmarker");
    let father = mark(&mut markers, "Chagiangmarker");

    let client_fields = json!({
        "alias": mark(&mut markers, "AliasKestrel4471"),
        "notes": mark(&mut markers, "Ghi chú Thượng Đình bí mật NotesQuokka"),
        "real_name": mark(&mut markers, "Nguyễn Thị Phượng Realnamezz"),
        "phone": mark(&mut markers, "+84 913 572 468"),
        "area": mark(&mut markers, "Khu Phố Cầu Giấy AreaMarmot"),
        "sex": "female",
        "birth_year": 1991,
        "uic_mother_name": mother,
        "uic_father_name": father,
        "consent_date": day(-2),
        "consent_scope": ["record_keeping", "referral"],
    });
    markers.push("84913572468".into());
    markers.push("0913572468".into());
    let mut stored_client = client_fields.clone();
    let obj = stored_client.as_object_mut().unwrap();
    obj.remove("uic_mother_name");
    obj.remove("uic_father_name");

    let mut written: Vec<Written> = Vec::new();

    let client = fb.add("client", &client_fields);
    written.push(Written {
        id: client.clone(),
        fields: stored_client,
    });
    scan(&markers, &dirs, "after the client", true);

    let uic = fb.values(&client)["uic"].as_str().unwrap().to_string();
    let extra = vec![
        (
            "contact",
            json!({"client_id": client, "at": "2025-01-02T09:15:00+07:00",
                   "place": mark(&mut markers, "Chợ Long Biên PlaceBadger"),
                   "notes": mark(&mut markers, "Đã phát bơm kim tiêm NotesContactOtter")}),
        ),
        (
            "case-note",
            json!({"client_id": client, "date": day(-1),
                   "narrative": mark(&mut markers, "Tường thuật NarrativePangolin ở nhà"),
                   "drug_use_narrative": mark(&mut markers, "Sử dụng heroin DrugNarrLynx"),
                   "physical_health_narrative": mark(&mut markers, "PhysNarrIbex sức khoẻ"),
                   "mental_health_narrative": mark(&mut markers, "MentNarrTapir tâm lý"),
                   "employment_narrative": mark(&mut markers, "EmplNarrWombat việc làm"),
                   "family_social_narrative": mark(&mut markers, "FamNarrDingo gia đình"),
                   "legal_narrative": mark(&mut markers, "LegalNarrHeron pháp lý"),
                   "goals": mark(&mut markers, "Mục tiêu GoalsJackal"),
                   "plan": mark(&mut markers, "Kế hoạch PlanVulture"),
                   "next_follow_up": day(3)}),
        ),
        (
            "referral",
            json!({"client_id": client, "service": "methadone", "status": "sent",
                   "date": day(-5), "follow_up_due": day(2),
                   "facility": mark(&mut markers, "Cơ sở Điều trị Đống Đa FacilityMoose"),
                   "notes": mark(&mut markers, "NotesReferralBison chuyển gửi")}),
        ),
        (
            "meeting",
            json!({"group_name": mark(&mut markers, "Nhóm Đồng Đẳng Ánh Dương GroupFalcon"),
                   "date": day(-4),
                   "place": mark(&mut markers, "Nhà văn hoá PlaceMeetingCrane"),
                   "facilitator": mark(&mut markers, "Trần Văn Hùng FacilCoyote"),
                   "decisions": mark(&mut markers, "Quyết định DecisionsBeaver"),
                   "follow_ups": mark(&mut markers, "Theo dõi FollowupsGecko"),
                   "attendance_total": 12, "attendance_women": 5,
                   "attendee_ids": [client]}),
        ),
    ];
    markers.push(uic.clone());
    for (kind, fields) in extra {
        let id = fb.add(kind, &fields);
        written.push(Written { id, fields });
        scan(&markers, &dirs, &format!("after the {kind}"), true);
    }

    // Updates: the old and the new values are both sealed (history keeps the old).
    let new_notes = mark(&mut markers, "Cập nhật ghi chú UpdatedNotesPuffin");
    fb.update(&client, &json!({"notes": new_notes}));
    written[0].fields["notes"] = json!(new_notes);
    scan(&markers, &dirs, "after updating the client", true);
    let outcome = mark(&mut markers, "Kết quả OutcomeWalrus đã nhận");
    let referral = written[3].id.clone();
    fb.update(
        &referral,
        &json!({"status": "completed", "completed_date": day(0), "outcome": outcome}),
    );
    written[3].fields["status"] = json!("completed");
    written[3].fields["outcome"] = json!(outcome);
    written[3].fields["completed_date"] = json!(day(0));
    scan(&markers, &dirs, "after updating the referral", true);
    // A deletion leaves a sealed tombstone and the sealed history.
    let meeting2 = fb.add(
        "meeting",
        &json!({"group_name": mark(&mut markers, "Xoá GroupOcelot nhóm"), "date": day(-1)}),
    );
    assert!(fb.run(&["delete", &meeting2]).ok());
    scan(&markers, &dirs, "after a delete", true);

    // Reads in between must not leave plaintext behind either.
    let search = fb.json(&["search", "AliasKes"]);
    assert_eq!(
        common::ids(search.as_array().unwrap()),
        vec![client.clone()]
    );
    let area = fb.json(&["search", "--area", "Khu Phố Cầu Giấy AreaMarmot"]);
    assert_eq!(common::ids(area.as_array().unwrap()), vec![client.clone()]);
    let by_code = fb.json(&["search", &uic]);
    assert_eq!(
        common::ids(by_code.as_array().unwrap()),
        vec![client.clone()]
    );
    scan(&markers, &dirs, "after searches", true);

    // Checkpoint: let the last connection close, then force a full checkpoint too.
    drop(holder);
    assert!(fb.run(&["list", "client"]).ok());
    {
        let conn = Connection::open(fb.db()).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
    }
    let files = scan(&markers, &dirs, "after the checkpoint", false);
    let wal_len = files
        .iter()
        .find(|(f, _)| f.to_string_lossy().ends_with("-wal"))
        .map(|(_, len)| *len)
        .unwrap_or(0);
    assert_eq!(wal_len, 0, "everything was checkpointed: {files:?}");

    // Not vacuous: every value reads back through the CLI.
    for w in &written {
        let values = fb.values(&w.id);
        for (key, expected) in w.fields.as_object().unwrap() {
            let got = &values[key];
            if key == "at" {
                assert_eq!(got, "2025-01-02T02:15:00Z", "{key} of {}", w.id);
            } else {
                assert_eq!(got, expected, "{key} of {}: {values}", w.id);
            }
        }
    }
    let history = fb.json(&["history", &client]);
    assert!(
        history
            .to_string()
            .contains("Ghi chú Thượng Đình bí mật NotesQuokka"),
        "the old notes are in the history"
    );
    for m in [&mother, &father] {
        assert!(
            !history.to_string().contains(m.as_str()),
            "the code's inputs are never stored: {m}"
        );
    }
    // Temporary files, if any, were scanned too; SQLite should make none.
    let temp_files = files_under(&fb.tmp);
    assert!(
        temp_files.is_empty(),
        "temporary files left: {temp_files:?}"
    );
}
