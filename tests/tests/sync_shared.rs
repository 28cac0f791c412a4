//! An app shares its store between its screens and a sync that may wait
//! minutes on a bad network. The sync takes the store for one step at a time,
//! so the screens read, write and lock it between two pages, through a real
//! hub on loopback. A listener holds the sync between pages, so each case
//! happens at a known point instead of by timing.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, TryLockError};
use std::time::Duration;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use common::PIN;
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::{Role, Store, WriteOptions};
use fieldbook_core::sync::{sync_shared, SyncListener, SyncPhase, SyncSummary};
use serde_json::{json, Map, Value};

const CLIENTS: usize = 120;

/// Stops the sync after its first pulled page until the test lets it go.
struct PauseAfterFirstPage {
    paused: Mutex<Sender<()>>,
    resume: Mutex<Receiver<()>>,
    done: AtomicBool,
}

impl SyncListener for PauseAfterFirstPage {
    fn progress(&self, phase: SyncPhase, _done: u64, _total: Option<u64>) {
        if phase != SyncPhase::Pull || self.done.swap(true, Ordering::SeqCst) {
            return;
        }
        self.paused.lock().unwrap().send(()).unwrap();
        self.resume
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_secs(60))
            .expect("the test lets the sync go on");
    }
}

fn client(alias: &str) -> Map<String, Value> {
    json!({ "alias": alias, "sex": "female", "birth_year": 1991 })
        .as_object()
        .unwrap()
        .clone()
}

/// A supervisor's store, shared, with an outreach worker's `CLIENTS` clients
/// waiting on the hub for it.
fn supervisor_with_clients_waiting(hub: &HubProcess) -> (Mutex<Store>, tempfile::TempDir) {
    let (_, code) = hub.create_team("Đà Nẵng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());
    let items: Vec<_> = (0..CLIENTS)
        .map(|i| (RecordKind::Client, client(&format!("Khách {i}"))))
        .collect();
    outreach
        .store
        .add_many(&items, WriteOptions::default())
        .unwrap();
    assert_eq!(outreach.sync().pushed as usize, CLIENTS);
    supervisor.into_shared()
}

/// Runs a sync of `store` on another thread, calls `between_pages` with the
/// store while the sync waits after its first page, then lets it finish.
fn sync_with_a_pause(store: &Mutex<Store>, between_pages: impl FnOnce(&mut Store)) -> SyncSummary {
    let (paused_tx, paused_rx) = channel();
    let (resume_tx, resume_rx) = channel();
    let listener = PauseAfterFirstPage {
        paused: Mutex::new(paused_tx),
        resume: Mutex::new(resume_rx),
        done: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        let sync = scope.spawn(|| {
            sync_shared(
                store,
                &quick_options(),
                Some(&listener),
                &AtomicBool::new(false),
            )
        });
        paused_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("the sync pulls a first page");
        {
            let mut free = match store.try_lock() {
                Ok(guard) => guard,
                Err(TryLockError::WouldBlock) => {
                    panic!("the sync holds the store while it waits between pages")
                }
                Err(TryLockError::Poisoned(e)) => panic!("poisoned: {e}"),
            };
            between_pages(&mut free);
        }
        resume_tx.send(()).unwrap();
        sync.join().expect("the sync thread").expect("the sync")
    })
}

#[test]
fn screens_read_and_write_while_a_sync_waits_between_pages() {
    let hub = HubProcess::start();
    let (store, _dir) = supervisor_with_clients_waiting(&hub);
    let page = quick_options().pull_limit as usize;

    let summary = sync_with_a_pause(&store, |store| {
        let listed = store.list(RecordKind::Client).unwrap();
        assert_eq!(listed.records.len(), page, "the first page is merged");
        store
            .add(
                RecordKind::Client,
                &client("Viết giữa chừng"),
                WriteOptions::default(),
            )
            .unwrap();
    });
    assert!(summary.ok, "{summary:?}");
    assert_eq!(summary.merged as usize, CLIENTS, "{summary:?}");

    let mut store = store.lock().unwrap();
    assert_eq!(
        store.list(RecordKind::Client).unwrap().records.len(),
        CLIENTS + 1
    );
    // Written after the push: it goes with the next sync.
    assert_eq!(store.unpushed_count().unwrap(), 1);
}

#[test]
fn a_store_locked_during_a_sync_holds_the_rest_until_unlock() {
    let hub = HubProcess::start();
    let (store, _dir) = supervisor_with_clients_waiting(&hub);
    let page = quick_options().pull_limit as usize;

    let summary = sync_with_a_pause(&store, |store| store.lock());
    assert!(summary.ok, "{summary:?}");
    assert_eq!(summary.pulled as usize, CLIENTS, "{summary:?}");
    assert_eq!(summary.merged as usize, page, "{summary:?}");
    assert_eq!(summary.held as usize, CLIENTS - page, "{summary:?}");

    let mut store = store.lock().unwrap();
    assert!(store.is_locked(), "a sync never unlocks the store");
    store.unlock(PIN).unwrap();
    assert_eq!(store.held_count().unwrap(), 0);
    assert_eq!(
        store.list(RecordKind::Client).unwrap().records.len(),
        CLIENTS
    );
}
