//! A seized phone gives up nothing: each test plays the examiner who holds
//! the phone (or a copy of its store and key file) and shows the attack fail.
//! The claims and these tests are listed in docs/threat-model.md.

mod common;

use chrono::{TimeZone, Utc};
use common::files_under;
use fieldbook_core::crypto::{PlatformKeyError, PlatformKeyProvider, SoftwareKeyProvider};
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::{
    CreateOptions, HubLink, ManualClock, OpenOptions, Role, SecurityPolicy, Store, WriteOptions,
};
use fieldbook_core::{Error, Lang};
use rusqlite::Connection;
use serde_json::{json, Map, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;

const PIN: &str = "482916";
const DURESS_PIN: &str = "730519";
const MARKER: &str = "Trần Thị Seizure-Marker";

/// The software key file, counting every operation the core asks of it, and
/// able to fail its destroy (a key store that refuses).
struct Counting {
    inner: SoftwareKeyProvider,
    bindings: AtomicU32,
    refuse_destroy: AtomicBool,
    abort_on_binding: bool,
}

impl Counting {
    fn new(dir: PathBuf) -> Self {
        Counting {
            inner: SoftwareKeyProvider::new(dir),
            bindings: AtomicU32::new(0),
            refuse_destroy: AtomicBool::new(false),
            abort_on_binding: false,
        }
    }
}

impl PlatformKeyProvider for Counting {
    fn wrap(&self, label: &str, plaintext: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        self.inner.wrap(label, plaintext)
    }
    fn unwrap(&self, label: &str, wrapped: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        self.inner.unwrap(label, wrapped)
    }
    fn bind_pin(&self, label: &str, challenge: &[u8]) -> Result<Vec<u8>, PlatformKeyError> {
        if self.abort_on_binding {
            // The battery is pulled while the PIN is being checked.
            std::process::abort();
        }
        self.bindings.fetch_add(1, Ordering::SeqCst);
        self.inner.bind_pin(label, challenge)
    }
    fn destroy(&self, label: &str) -> Result<(), PlatformKeyError> {
        if self.refuse_destroy.load(Ordering::SeqCst) {
            return Err(PlatformKeyError::Unavailable);
        }
        self.inner.destroy(label)
    }
}

struct Phone {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    keys_dir: PathBuf,
    provider: Arc<Counting>,
    clock: ManualClock,
}

impl Phone {
    fn new() -> Phone {
        let tmp = tempfile::tempdir().unwrap();
        let keys_dir = tmp.path().join("platform");
        Phone {
            dir: tmp.path().join("store"),
            provider: Arc::new(Counting::new(keys_dir.clone())),
            keys_dir,
            _tmp: tmp,
            clock: ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()),
        }
    }

    fn options(&self) -> OpenOptions {
        OpenOptions {
            clock: Arc::new(self.clock.clone()),
            ..OpenOptions::for_tests()
        }
    }

    fn create(&self, role: Role) -> Result<Store, Error> {
        Store::create(
            &self.dir,
            PIN,
            self.provider.clone(),
            CreateOptions {
                role,
                open: self.options(),
                ..CreateOptions::for_tests()
            },
        )
    }

    fn open(&self) -> Result<Store, Error> {
        Store::open(&self.dir, self.provider.clone(), self.options())
    }
}

fn client(alias: &str) -> Map<String, Value> {
    json!({"alias": alias, "sex": "female", "birth_year": 1990, "notes": "n"})
        .as_object()
        .unwrap()
        .clone()
}

fn holds(dir: &Path, needle: &[u8]) -> bool {
    files_under(dir).iter().any(|f| {
        let bytes = std::fs::read(f).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

#[test]
fn each_pin_guess_needs_one_operation_of_the_phones_key() {
    let phone = Phone::new();
    let mut store = phone.create(Role::Outreach).unwrap();
    store.lock();
    drop(store);
    let before = phone.provider.bindings.load(Ordering::SeqCst);
    let mut store = phone.open().unwrap();
    for guess in ["111111", "222222", "333333"] {
        assert!(matches!(store.unlock(guess), Err(Error::WrongPin { .. })));
    }
    phone.clock.advance_secs(60);
    store.unlock(PIN).unwrap();
    assert_eq!(
        phone.provider.bindings.load(Ordering::SeqCst) - before,
        4,
        "one platform binding per PIN tried, right or wrong"
    );
}

/// Runs this test binary again as a child, on the phone's store, to do
/// `what` (the child branch of the calling test) and die.
fn run_child(test: &str, what: &str, phone: &Phone) -> std::process::Output {
    std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", test, "--nocapture"])
        .env("FIELDBOOK_SEIZED_CHILD", &phone.dir)
        .env("FIELDBOOK_SEIZED_KEYS", &phone.keys_dir)
        .env("FIELDBOOK_SEIZED_DO", what)
        .output()
        .unwrap()
}

fn child_store(abort_on_binding: bool) -> Option<Store> {
    let dir = std::env::var("FIELDBOOK_SEIZED_CHILD").ok()?;
    let keys = std::env::var("FIELDBOOK_SEIZED_KEYS").unwrap();
    let provider = Arc::new(Counting {
        abort_on_binding,
        ..Counting::new(PathBuf::from(keys))
    });
    Some(Store::open(Path::new(&dir), provider, OpenOptions::for_tests()).unwrap())
}

fn phone_allowing_five() -> Phone {
    let phone = Phone::new();
    let policy = SecurityPolicy {
        max_failed_unlocks: 5,
        free_attempts: 5,
        ..SecurityPolicy::default()
    };
    let mut store = phone.create(Role::Outreach).unwrap();
    store.set_policy(policy).unwrap();
    drop(store);
    phone
}

#[test]
fn a_pin_attempt_killed_before_its_result_counts_for_nothing() {
    const TEST: &str = "a_pin_attempt_killed_before_its_result_counts_for_nothing";
    if let Some(mut store) = child_store(true) {
        // The child: tries a PIN and is killed inside the check, before
        // anything could tell whether it was right.
        let pin = if std::env::var("FIELDBOOK_SEIZED_DO").unwrap() == "right" {
            PIN
        } else {
            "999999"
        };
        let _ = store.unlock(pin);
        unreachable!("the binding aborts the process");
    }
    let phone = phone_allowing_five();
    for what in ["wrong", "right", "wrong"] {
        let out = run_child(TEST, what, &phone);
        assert!(!out.status.success(), "the child was killed");
    }
    let mut store = phone.open().unwrap();
    match store.unlock("888888") {
        Err(Error::WrongPin { attempts_left }) => assert_eq!(
            attempts_left, 4,
            "three killed attempts counted for nothing: 5 allowed, 1 used"
        ),
        other => panic!("expected a wrong PIN, got {other:?}"),
    }
    store.unlock(PIN).unwrap();
    assert!(store.verify_audit().unwrap().ok);
}

#[test]
fn a_wrong_pin_counts_even_when_the_process_dies_right_after_its_result() {
    const TEST: &str = "a_wrong_pin_counts_even_when_the_process_dies_right_after_its_result";
    if let Some(mut store) = child_store(false) {
        // The child: learns the PIN was wrong, and dies that instant.
        if let Err(Error::WrongPin { .. }) = store.unlock("999999") {
            std::process::abort();
        }
        unreachable!("the PIN was wrong");
    }
    let phone = phone_allowing_five();
    let out = run_child(TEST, "wrong", &phone);
    assert!(!out.status.success(), "the child died");
    let mut store = phone.open().unwrap();
    match store.unlock("888888") {
        Err(Error::WrongPin { attempts_left }) => assert_eq!(
            attempts_left, 3,
            "the attempt whose result was seen counted: 5 allowed, 2 used"
        ),
        other => panic!("expected a wrong PIN, got {other:?}"),
    }
}

#[test]
fn back_off_waits_do_not_shorten_when_the_clock_is_set_forward() {
    let phone = Phone::new();
    let mut store = phone.create(Role::Outreach).unwrap();
    store.lock();
    for _ in 0..3 {
        assert!(matches!(
            store.unlock("111111"),
            Err(Error::WrongPin { .. })
        ));
    }
    // Past the free attempts: a wait. Setting the clock a day forward does not end it.
    phone.clock.set_wall_clock_by_secs(24 * 3600);
    assert!(matches!(store.unlock(PIN), Err(Error::BackOff { .. })));
    // Restarting the phone starts the wait over; it does not skip it.
    phone.clock.restart();
    assert!(matches!(store.unlock(PIN), Err(Error::BackOff { .. })));
    // Time passing ends it.
    phone.clock.advance_secs(3600);
    store.unlock(PIN).unwrap();
}

#[test]
fn the_duress_pin_leaves_nothing_of_the_real_records_and_an_ordinary_empty_store() {
    let phone = Phone::new();
    let mut store = phone.create(Role::CaseManager).unwrap();
    let real_device = store.device_id();
    for i in 0..5 {
        store
            .add(
                RecordKind::Client,
                &client(&format!("{MARKER} {i}")),
                WriteOptions::default(),
            )
            .unwrap();
    }
    store.set_duress_pin(DURESS_PIN).unwrap();
    assert!(
        matches!(store.set_duress_pin(PIN), Err(Error::InvalidInput(_))),
        "the duress PIN must differ from the PIN"
    );
    drop(store);

    let mut store = phone.open().unwrap();
    store.unlock(DURESS_PIN).unwrap();
    assert!(store.list(RecordKind::Client).unwrap().records.is_empty());
    assert_ne!(store.device_id(), real_device);
    assert_eq!(
        store.role(),
        Role::CaseManager,
        "looks like the phone it was"
    );
    assert!(!store.has_duress_pin().unwrap());
    // It works as any store does, and opens again with the PIN typed.
    store
        .add(
            RecordKind::Client,
            &client("Decoy"),
            WriteOptions::default(),
        )
        .unwrap();
    drop(store);
    let mut store = phone.open().unwrap();
    store.unlock(DURESS_PIN).unwrap();
    assert_eq!(store.list(RecordKind::Client).unwrap().records.len(), 1);
    assert!(store.verify_audit().unwrap().ok);
    drop(store);
    // The real PIN opens nothing any more.
    let mut store = phone.open().unwrap();
    assert!(matches!(store.unlock(PIN), Err(Error::WrongPin { .. })));
    // Not a byte of the real records is left, in the store or the key files.
    assert!(!holds(&phone.dir, MARKER.as_bytes()));
    assert!(!holds(&phone.keys_dir, MARKER.as_bytes()));
}

#[test]
fn offline_expiry_erases_at_the_limit_even_after_the_clock_was_moved_back() {
    let phone = Phone::new();
    let mut store = phone.create(Role::Outreach).unwrap();
    store
        .set_hub_link(&HubLink {
            url: "https://hub.example".into(),
            token: "t".into(),
            certificate_sha256: None,
        })
        .unwrap();
    store
        .add(RecordKind::Client, &client(MARKER), WriteOptions::default())
        .unwrap();
    drop(store);

    phone.clock.advance_secs(24 * 24 * 3600);
    let store = phone.open().unwrap();
    let status = store.offline_status().unwrap().unwrap();
    assert_eq!(status.days_offline, 24);
    assert_eq!(status.days_left, 6);
    assert!(status.warn, "a week before, the apps warn");
    drop(store);

    // The clock is set back ten days; seven more days pass with the phone on.
    phone.clock.set_wall_clock_by_secs(-10 * 24 * 3600);
    phone.clock.advance_secs(7 * 24 * 3600);
    match phone.open() {
        Err(Error::OfflineTooLong { days: 30 }) => {}
        other => panic!("expected the offline erase, got {:?}", other.err()),
    }
    assert!(matches!(phone.open(), Err(Error::Erased)));
    assert!(!holds(&phone.dir, MARKER.as_bytes()));
    assert!(
        files_under(&phone.keys_dir).is_empty(),
        "the platform key is gone"
    );
}

#[test]
fn a_store_that_never_reached_a_hub_does_not_expire() {
    let phone = Phone::new();
    let store = phone.create(Role::Supervisor).unwrap();
    assert_eq!(store.offline_status().unwrap(), None);
    drop(store);
    phone.clock.advance_secs(400 * 24 * 3600);
    phone.open().unwrap();
}

#[test]
fn deleting_the_whole_audit_trail_or_its_tail_is_detected() {
    for whole in [true, false] {
        let phone = Phone::new();
        let mut store = phone.create(Role::Outreach).unwrap();
        for i in 0..3 {
            store
                .add(
                    RecordKind::Client,
                    &client(&format!("c{i}")),
                    WriteOptions::default(),
                )
                .unwrap();
        }
        assert!(store.verify_audit().unwrap().ok);
        drop(store);
        let db = Connection::open(phone.dir.join("fieldbook.db")).unwrap();
        if whole {
            db.execute_batch(
                "DELETE FROM audit_sealed; DELETE FROM meta WHERE key = 'audit_head';",
            )
            .unwrap();
        } else {
            db.execute_batch(
                "DELETE FROM audit_sealed WHERE seq > 2; DELETE FROM meta WHERE key = 'audit_head';",
            )
            .unwrap();
        }
        drop(db);
        let mut store = phone.open().unwrap();
        store.unlock(PIN).unwrap();
        let report = store.verify_audit().unwrap();
        assert!(!report.ok, "whole={whole}: {report:?}");
    }
}

#[test]
fn short_and_common_pins_are_refused_in_both_languages() {
    for pin in [
        "4821", "48291", "000000", "123456", "121212", "987654", "abc",
    ] {
        let phone = Phone::new();
        let err = Store::create(
            &phone.dir,
            pin,
            phone.provider.clone(),
            CreateOptions::for_tests(),
        )
        .err()
        .unwrap_or_else(|| panic!("{pin} accepted"));
        assert!(matches!(err, Error::WeakPin(_)), "{pin}: {err:?}");
        assert!(!err.message(Lang::En).is_empty());
        assert!(
            err.message(Lang::Vi).contains("PIN") || err.message(Lang::Vi).contains("mật khẩu"),
            "{}",
            err.message(Lang::Vi)
        );
        assert!(!phone.dir.join("fieldbook.db").exists(), "nothing written");
    }
    let phone = Phone::new();
    let mut store = phone.create(Role::Outreach).unwrap();
    assert!(matches!(
        store.change_pin(
            "1234",
            fieldbook_core::crypto::KdfParams::make_fast_for_tests()
        ),
        Err(Error::WeakPin(_))
    ));
}

#[test]
fn policy_values_outside_their_floors_and_ceilings_are_refused() {
    let phone = Phone::new();
    let mut store = phone.create(Role::Supervisor).unwrap();
    for policy in [
        SecurityPolicy {
            max_failed_unlocks: u32::MAX,
            ..SecurityPolicy::default()
        },
        SecurityPolicy {
            offline_erase_days: 3650,
            ..SecurityPolicy::default()
        },
        SecurityPolicy {
            min_pin_digits: 4,
            ..SecurityPolicy::default()
        },
        SecurityPolicy {
            auto_lock_secs: 0,
            ..SecurityPolicy::default()
        },
    ] {
        assert!(
            matches!(store.set_policy(policy), Err(Error::Policy(_))),
            "{policy:?}"
        );
    }
    assert_eq!(store.policy(), SecurityPolicy::default());
}

#[test]
fn erase_removes_everything_even_when_the_platform_key_stays() {
    let phone = Phone::new();
    let mut store = phone.create(Role::Outreach).unwrap();
    store
        .set_hub_link(&HubLink {
            url: "https://hub.example".into(),
            token: "secret-hub-token".into(),
            certificate_sha256: None,
        })
        .unwrap();
    store
        .add(RecordKind::Client, &client(MARKER), WriteOptions::default())
        .unwrap();
    phone.provider.refuse_destroy.store(true, Ordering::SeqCst);
    let report = store.erase().unwrap();
    assert!(!report.complete(), "the refused destroy is reported");
    drop(store);
    let db = Connection::open(phone.dir.join("fieldbook.db")).unwrap();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in tables {
        let rows: i64 = db
            .query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| {
                r.get(0)
            })
            .unwrap();
        let expected = if table == "meta" { 1 } else { 0 };
        assert_eq!(rows, expected, "{table} keeps {rows} rows after erase");
    }
    drop(db);
    assert!(!holds(&phone.dir, MARKER.as_bytes()));
    assert!(!holds(&phone.dir, b"secret-hub-token"));
    assert!(matches!(phone.open(), Err(Error::Erased)));
}

#[test]
fn a_locked_store_shows_how_many_audit_entries_and_nothing_of_them() {
    let phone = Phone::new();
    let mut store = phone.create(Role::CaseManager).unwrap();
    let id = store
        .add(RecordKind::Client, &client(MARKER), WriteOptions::default())
        .unwrap();
    store
        .update(
            id,
            json!({"notes": "moved"}).as_object().unwrap(),
            WriteOptions::default(),
        )
        .unwrap();
    store.delete(id).unwrap();
    drop(store);
    let db = Connection::open(phone.dir.join("fieldbook.db")).unwrap();
    let clear: i64 = db
        .query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clear, 0, "no entry in clear");
    let sizes: Vec<i64> = db
        .prepare("SELECT DISTINCT length(body) FROM audit_sealed")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        sizes.len(),
        1,
        "a create, an update and a delete look alike: {sizes:?}"
    );
    let entries: i64 = db
        .query_row("SELECT count(*) FROM audit_sealed", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 4, "the count shows, as the threat model says");
    drop(db);
    assert!(!holds(&phone.dir, MARKER.as_bytes()));
}

#[test]
fn a_locked_store_does_not_group_a_clients_records() {
    let phone = Phone::new();
    let mut store = phone.create(Role::CaseManager).unwrap();
    let hoa = store
        .add(RecordKind::Client, &client("Hoa"), WriteOptions::default())
        .unwrap();
    let lan = store
        .add(RecordKind::Client, &client("Lan"), WriteOptions::default())
        .unwrap();
    let mut linked = Vec::new();
    for (kind, fields) in [
        (RecordKind::Contact, json!({"at": "2026-11-20T08:00:00Z"})),
        (RecordKind::Contact, json!({"at": "2026-11-21T08:00:00Z"})),
        (
            RecordKind::CaseNote,
            json!({"date": "2026-11-21", "narrative": "n"}),
        ),
        (
            RecordKind::Referral,
            json!({"service": "methadone", "status": "sent", "date": "2026-11-21"}),
        ),
    ] {
        for owner in [hoa, lan] {
            let mut values = fields.as_object().unwrap().clone();
            values.insert("client_id".into(), json!(owner.to_string()));
            linked.push(store.add(kind, &values, WriteOptions::default()).unwrap());
        }
    }
    let found = store.lookup("client_id", &hoa.to_string()).unwrap();
    assert_eq!(found.len(), 4, "unlocked, the client's records are found");
    drop(store);

    let db = Connection::open(phone.dir.join("fieldbook.db")).unwrap();
    let clear: i64 = db
        .query_row("SELECT count(*) FROM lookup", [], |r| r.get(0))
        .unwrap();
    assert_eq!(clear, 0, "no term sits beside a record id in clear");
    let rows: Vec<(Vec<u8>, Vec<u8>)> = db
        .prepare("SELECT term, body FROM lookup_postings")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!rows.is_empty());
    for id in linked.iter().chain([&hoa, &lan]) {
        for (term, body) in &rows {
            for column in [term, body] {
                assert!(
                    !column.windows(16).any(|w| w == id.as_bytes()),
                    "a posting list names a record in clear"
                );
            }
        }
    }
    let sizes: std::collections::BTreeSet<usize> = rows.iter().map(|(_, b)| b.len()).collect();
    assert_eq!(sizes.len(), 1, "every chunk is one size: {sizes:?}");
}
