//! The hub holds ciphertext only: after a team synced records full of
//! distinctive text through it, no file of the hub's data directory (the
//! SQLite database, its WAL) nor its log holds any of that text, in any
//! common encoding or case; nor does the log hold a device token; and the
//! sealed bodies it keeps are all of bucket sizes.

mod common;

use common::devices::Device;
use common::hub::HubProcess;
use common::plaintext::Scanner;
use fieldbook_core::crypto::padding::padded_len;
use fieldbook_core::crypto::seal::SEAL_OVERHEAD;
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;
use serde_json::json;

#[test]
fn the_hubs_files_and_log_hold_no_record_content() {
    let mut hub = HubProcess::start();
    let (_, code) = hub.create_team("Đội 7");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());

    let markers: Vec<String> = [
        "Quỳnh Gầm Cầu Chương Dương",
        "Nguyễn Thị Phượng",
        "Trần Văn Khải",
        "Đang dùng heroin hằng ngày ở bãi sông",
        "Phường Hoàng Liệt",
        "Bệnh viện Thanh Nhàn",
        "Nhóm Tự Lực Bình Minh",
        "0912345678",
    ]
    .map(str::to_string)
    .to_vec();
    let client = outreach.add(
        RecordKind::Client,
        json!({
            "alias": markers[0], "sex": "female", "birth_year": 1990,
            "uic_mother_name": markers[1], "uic_father_name": markers[2],
            "notes": markers[3], "area": markers[4], "phone": markers[7],
        }),
    );
    outreach.add(
        RecordKind::Referral,
        json!({"client_id": client.to_string(), "service": "methadone", "status": "sent",
               "date": "2026-11-20", "facility": markers[5]}),
    );
    outreach.add(
        RecordKind::Meeting,
        json!({"group_name": markers[6], "date": "2026-11-19", "place": markers[4]}),
    );
    outreach.sync();
    supervisor.sync();
    supervisor.add(
        RecordKind::CaseNote,
        json!({"client_id": client.to_string(), "date": "2026-11-21", "narrative": markers[3]}),
    );
    supervisor.sync();
    outreach.sync();
    assert_eq!(
        supervisor
            .store
            .list(RecordKind::Client)
            .unwrap()
            .records
            .len(),
        1
    );

    let mut secrets = markers.clone();
    secrets.push(outreach.token());
    secrets.push(supervisor.token());
    let scanner = Scanner::new(&secrets);
    let dirs = [hub.data_dir().to_path_buf()];
    // While the hub runs, the writes may still sit in the WAL.
    let files = scanner.assert_clean(&dirs, "hub.db", "hub running");
    assert!(files
        .iter()
        .any(|(f, _)| f.to_string_lossy().ends_with("-wal")));
    // After a kill and a restart (which checkpoints), and in the log.
    hub.kill();
    hub.restart();
    scanner.assert_clean(&dirs, "hub.db", "hub restarted");
    // Reading its own database, the hub learns of each body only its size
    // bucket: compressed first, then padded (record format 3), the sealed
    // lengths are all Padmé bucket sizes, never the length of what was typed.
    let db = rusqlite::Connection::open(hub.data_dir().join("hub.db")).unwrap();
    let lengths: Vec<usize> = db
        .prepare("SELECT length(body) FROM versions")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|l| l.unwrap() as usize - SEAL_OVERHEAD)
        .collect();
    assert!(lengths.len() >= 4, "{lengths:?}");
    for length in &lengths {
        assert_eq!(padded_len(*length), *length, "a body of {length} bytes");
    }
    let log = std::fs::read(hub.log_file()).unwrap();
    assert!(
        String::from_utf8_lossy(&log).contains("request"),
        "the hub logged its requests"
    );
    let (_, leaks) = scanner.scan(&[hub.log_file().parent().unwrap().to_path_buf()]);
    assert!(
        leaks.is_empty(),
        "plaintext or tokens in the hub's log: {leaks:?}"
    );
}
