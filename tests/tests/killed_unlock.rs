//! A killed app is not a wrong PIN, and a kill is not a free guess, with
//! real processes: `fieldbook list` with the right PIN is killed with SIGKILL
//! at random moments, until a hundred runs were killed, and the store's count of
//! wrong PINs never moves; a wrong PIN killed the instant its result is
//! printed is counted all the same.
//!
//! Kills are timed three ways (from a fixed-seed PRNG; `FIELDBOOK_E2E_SEED`
//! replays one run): at a uniform moment across a whole run's length; while
//! the attempt mark is being written (the write-ahead log's first growth);
//! and just before a whole run would end, where the outcome is written.

#![cfg(unix)]

mod common;

use common::{Fieldbook, Rng};
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const KILLS: usize = 100;

/// The store's count of wrong PINs, read from the file as an attacker could.
fn wrong_pin_count(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the store's file");
    conn.query_row(
        "SELECT coalesce((SELECT value FROM meta WHERE key = 'failed_unlocks'), 0)",
        [],
        |r| r.get(0),
    )
    .expect("the count")
}

fn wait_for_wal_growth(wal: &Path, child: &mut Child, limit: Duration) {
    let size = || std::fs::metadata(wal).map(|m| m.len()).unwrap_or(0);
    let start = size();
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline && size() <= start.max(32) {
        if child.try_wait().expect("try_wait").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
}

#[test]
fn killing_an_unlock_with_the_right_pin_never_counts_as_a_wrong_pin() {
    let fb = Fieldbook::init();
    let seed = std::env::var("FIELDBOOK_E2E_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0b5e_55ed_c0ff_ee00_u64);
    let mut rng = Rng::new(seed);
    fb.add("client", &serde_json::json!({"alias": "An"}));

    // How long a whole `list` takes here, now.
    let mut durations = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let (status, stderr) = common::finish(fb.spawn(&["list", "client"]));
        assert!(status.success(), "calibration: {stderr}");
        durations.push(started.elapsed());
    }
    durations.sort();
    let full_us = durations[1].as_micros() as u64;

    let wal = {
        let mut path = fb.db().into_os_string();
        path.push("-wal");
        std::path::PathBuf::from(path)
    };
    let (mut killed, mut runs) = (0, 0);
    while killed < KILLS {
        let i = runs;
        runs += 1;
        assert!(
            runs <= KILLS * 3,
            "too few runs could be killed ({killed} of {runs})"
        );
        let mut child = fb.spawn(&["list", "client"]);
        match rng.below(3) {
            0 => std::thread::sleep(Duration::from_micros(rng.below(full_us * 9 / 10 + 1))),
            1 => {
                wait_for_wal_growth(&wal, &mut child, durations[2] * 2);
                std::thread::sleep(Duration::from_micros(rng.below(2_000)));
            }
            _ => std::thread::sleep(Duration::from_micros(
                full_us * 70 / 100 + rng.below(full_us * 25 / 100 + 1),
            )),
        }
        if child.try_wait().expect("try_wait").is_none() {
            let _ = child.kill();
        }
        let (status, stderr) = common::finish(child);
        if status.signal() == Some(libc::SIGKILL) {
            killed += 1;
        } else {
            assert!(status.success(), "run {i} failed on its own: {stderr}");
        }
        assert_eq!(
            wrong_pin_count(&fb.db()),
            0,
            "run {i}: a killed unlock with the right PIN counted as a wrong one"
        );
    }
    // The right PIN opens at once: no wait, no erase, and the trail is whole.
    let run = fb.run(&["list", "client", "--json"]);
    assert!(run.ok(), "after {killed} kills the store opens: {run:?}");
    let audit = fb.run(&["audit", "verify", "--json"]);
    assert!(audit.ok(), "the audit trail verifies: {audit:?}");
    assert_eq!(audit.json()["ok"], true);
    eprintln!("{killed} of {runs} runs killed mid-way; the wrong-PIN count stayed 0");
}

#[test]
fn a_wrong_pin_killed_the_moment_its_result_shows_still_counts() {
    let fb = Fieldbook::init();
    for round in 1..=3 {
        let mut child = fb
            .command_with_pin(&["list", "client"], Some("111111"))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // Read the first byte of the message, then kill at once.
        let mut first = [0u8; 1];
        let mut stderr = child.stderr.take().expect("stderr");
        stderr.read_exact(&mut first).expect("a message");
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            wrong_pin_count(&fb.db()),
            round,
            "the wrong PIN was counted before its result showed"
        );
    }
    let run = fb.run_with_pin(&["list", "client"], "222222");
    assert!(
        run.stderr.contains("wrong PIN") || run.stderr.contains("too many wrong PINs"),
        "{run:?}"
    );
}
