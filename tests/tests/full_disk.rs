//! A full phone still unlocks and reads, with real processes on a really
//! full disk: the store lives on a small tmpfs, which a filler file then
//! fills to the last byte. Reading, writing, sync and recovery are tried:
//! reads work, writes and pulls fail with their own error (exit 7, in vi and
//! en) and lose nothing, and once there is room again everything goes on and
//! the unlocks made meanwhile enter the audit trail behind a marker.
//!
//! Mounting needs root. Where it is refused the tests say so and stop;
//! `scripts/test.sh` sets FIELDBOOK_REQUIRE_TMPFS=1, so there a refusal fails.

#![cfg(target_os = "linux")]

mod common;

use common::devices::Device;
use common::hub::HubProcess;
use common::Fieldbook;
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A tmpfs mounted on a directory, unmounted when dropped.
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    fn mount(at: &Path, mib: u32) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={mib}m,mode=0700")])
            .arg("tmpfs")
            .arg(at)
            .status();
        if status.is_ok_and(|s| s.success()) {
            return Some(Tmpfs {
                at: at.to_path_buf(),
            });
        }
        assert!(
            std::env::var_os("FIELDBOOK_REQUIRE_TMPFS").is_none(),
            "mounting a tmpfs was refused, and FIELDBOOK_REQUIRE_TMPFS asks for the full-disk tests"
        );
        eprintln!("full-disk test not run: mounting a tmpfs needs root");
        None
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.at).status();
    }
}

/// Fills the disk holding `dir` to the last byte; returns the filler file.
fn fill(dir: &Path) -> PathBuf {
    let path = (0..)
        .map(|n| dir.join(format!("filler-{n}")))
        .find(|p| !p.exists())
        .unwrap();
    let mut file = std::fs::File::create(&path).unwrap();
    for chunk in [64 * 1024, 4096, 512, 1] {
        let block = vec![0xA5u8; chunk];
        while file.write_all(&block).and_then(|()| file.flush()).is_ok() {}
    }
    path
}

fn client(alias: &str) -> serde_json::Value {
    json!({"alias": alias, "sex": "female", "birth_year": 1991, "notes": "gặp ở bến xe"})
}

#[test]
fn a_full_phone_unlocks_and_reads_refuses_writes_clearly_and_recovers() {
    let fb = Fieldbook::new();
    let data = fb.db().parent().unwrap().to_path_buf();
    let Some(_disk) = Tmpfs::mount(&data, 12) else {
        return;
    };
    assert!(fb.run(&["init"]).ok());
    let mut ids = Vec::new();
    for i in 0..20 {
        ids.push(fb.add("client", &client(&format!("Hoa {i}"))));
    }
    let filler = fill(&data);

    // Reading goes on.
    assert_eq!(
        fb.list("client").len(),
        20,
        "every record reads on a full disk"
    );
    assert_eq!(fb.values(&ids[7])["alias"], "Hoa 7");
    let audit = fb.run(&["audit", "verify", "--json"]);
    assert!(
        audit.ok(),
        "the audit trail verifies on a full disk: {audit:?}"
    );

    // Writing fails with its own error, in both languages, and writes nothing.
    let refused = fb.try_add("client", &client("Lan"), &[]);
    assert_eq!(refused.code, Some(7), "{refused:?}");
    assert!(refused.stderr.contains("storage is full"), "{refused:?}");
    let refused_vi = fb.try_add("client", &client("Lan"), &["--lang", "vi"]);
    assert_eq!(refused_vi.code, Some(7), "{refused_vi:?}");
    assert!(
        refused_vi.stderr.contains("Bộ nhớ của điện thoại đã đầy"),
        "{refused_vi:?}"
    );
    let update = fb.run_stdin(&["update", &ids[3], "--json", "-"], r#"{"notes": "mới"}"#);
    assert_eq!(update.code, Some(7), "{update:?}");
    assert_eq!(fb.list("client").len(), 20);
    assert_eq!(
        fb.values(&ids[3])["notes"],
        "gặp ở bến xe",
        "nothing half-written"
    );

    // Room again: writes go on, nothing was lost, and the unlocks made while
    // the disk was full are in the trail, marked as late.
    std::fs::remove_file(filler).unwrap();
    fb.add("client", &client("Lan"));
    fb.update(&ids[3], &json!({"notes": "mới"}));
    let all = fb.list("client");
    assert_eq!(all.len(), 21);
    assert_eq!(fb.values(&ids[3])["notes"], "mới");
    let audit = fb.run(&["audit", "verify", "--json"]).json();
    assert_eq!(audit["ok"], true, "{audit}");
    assert!(
        audit["late"].as_u64().unwrap() >= 5,
        "the unlocks made on the full disk entered the trail late, marked: {audit}"
    );
    let text = fb.run(&["audit", "verify"]);
    assert!(text.stdout.contains("written late"), "{text:?}");
}

#[test]
fn a_sync_onto_a_full_phone_says_so_in_its_summary_and_resumes_later() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let invite = supervisor.make_invite(Role::Outreach);
    for i in 0..40 {
        supervisor.add(RecordKind::Client, client(&format!("Mai {i}")));
    }
    supervisor.sync();

    let phone = Fieldbook::new();
    let data = phone.db().parent().unwrap().to_path_buf();
    let Some(_disk) = Tmpfs::mount(&data, 12) else {
        return;
    };
    let enrolled = phone.run(&["enroll", &invite, "--hub", &hub.url()]);
    assert!(enrolled.ok(), "{enrolled:?}");
    let filler = fill(&data);

    let run = phone.run(&["sync", "--json"]);
    assert_eq!(
        run.code,
        Some(7),
        "a sync that cannot write exits 7: {run:?}"
    );
    let summary = run.json();
    assert_eq!(summary["ok"], false, "{summary}");
    assert_eq!(summary["storage_full"], true, "{summary}");
    assert!(
        summary["errors"][0]
            .as_str()
            .unwrap()
            .contains("storage is full"),
        "{summary}"
    );

    std::fs::remove_file(filler).unwrap();
    let run = phone.run(&["sync", "--json"]);
    assert!(run.ok(), "{run:?}");
    assert_eq!(
        phone.list("client").len(),
        40,
        "every record arrived once there was room"
    );
}

#[test]
fn filling_the_disk_gives_a_guesser_no_uncounted_tries() {
    let fb = Fieldbook::new();
    let data = fb.db().parent().unwrap().to_path_buf();
    let Some(_disk) = Tmpfs::mount(&data, 8) else {
        return;
    };
    assert!(fb.run(&["init"]).ok());
    let first = fill(&data);
    // The reserve lets the attempt be counted: the result shows, counted.
    let guess = fb.run_with_pin(&["list", "client"], "111111");
    assert_eq!(guess.code, Some(4), "{guess:?}");
    assert!(guess.stderr.contains("wrong PIN"), "{guess:?}");
    // The guesser fills what the reserve gave back: no attempt can be
    // counted now, so none is checked, right or wrong.
    let second = fill(&data);
    for pin in ["222222", "333333", common::PIN] {
        let refused = fb.run_with_pin(&["list", "client"], pin);
        assert_eq!(refused.code, Some(7), "{refused:?}");
        assert!(!refused.stderr.contains("wrong PIN"), "{refused:?}");
    }
    std::fs::remove_file(first).unwrap();
    std::fs::remove_file(second).unwrap();
    let next = fb.run_with_pin(&["list", "client"], "444444");
    assert!(
        next.stderr.contains("wrong PIN") || next.stderr.contains("too many wrong PINs"),
        "{next:?}"
    );
    let count: i64 = rusqlite::Connection::open(fb.db())
        .unwrap()
        .query_row(
            "SELECT value FROM meta WHERE key = 'failed_unlocks'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(count >= 1, "the counted guess stayed counted");
    assert!(
        fb.run(&["list", "client"]).ok(),
        "the right PIN opens once there is room"
    );
}
