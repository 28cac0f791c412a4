//! Team devices driven through the core library (no CLI process per step), so
//! tests can run hundreds of operations and syncs against a real hub. Each
//! device has its own store, platform key directory and fast test KDF.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use fieldbook_core::crypto::SoftwareKeyProvider;
use fieldbook_core::record::{RecordId, RecordKind};
use fieldbook_core::store::{CreateOptions, Role, Store, WriteOptions};
use fieldbook_core::sync::{self, RetryPolicy, SyncOptions, SyncSummary};
use serde_json::{Map, Value};

use super::PIN;

pub struct Device {
    pub name: String,
    pub store: Store,
    dir: tempfile::TempDir,
}

impl Device {
    /// Enrolls a new device with a one-time code.
    pub fn enroll(name: &str, hub_url: &str, code: &str) -> Device {
        Device::try_enroll(name, hub_url, code, CreateOptions::for_tests())
            .unwrap_or_else(|e| panic!("enrolling {name}: {e}"))
    }

    /// Enrolls a new device, or says why it refused to.
    pub fn try_enroll(
        name: &str,
        hub_url: &str,
        code: &str,
        options: CreateOptions,
    ) -> fieldbook_core::Result<Device> {
        let dir = tempfile::tempdir().unwrap();
        let store = sync::enroll(
            &dir.path().join("data"),
            PIN,
            provider(dir.path()),
            code,
            hub_url,
            None,
            Some(name.to_string()),
            options,
        )?;
        Ok(Device {
            name: name.to_string(),
            store,
            dir,
        })
    }

    /// Enrolls a new device in `role`, invited by this (supervisor) device.
    pub fn invite(&mut self, name: &str, role: Role, hub_url: &str) -> Device {
        let code = self.make_invite(role);
        Device::enroll(name, hub_url, &code)
    }

    /// A one-time code for a new device in `role`, certified in the roster
    /// and registered with the hub.
    pub fn make_invite(&mut self, role: Role) -> String {
        sync::invite(&mut self.store, role, 1)
            .unwrap_or_else(|e| panic!("{} invite: {e}", self.name))
            .code
    }

    /// The hub token this device authenticates with.
    pub fn token(&mut self) -> String {
        self.store.hub_link().unwrap().unwrap().token.clone()
    }

    pub fn device_id(&self) -> String {
        self.store.identity().1.to_string()
    }

    pub fn role(&self) -> Role {
        self.store.identity().2
    }

    /// The store behind a mutex, as an app shares it between its screens and
    /// a sync; the directory must outlive it.
    pub fn into_shared(self) -> (std::sync::Mutex<Store>, tempfile::TempDir) {
        (std::sync::Mutex::new(self.store), self.dir)
    }

    /// The store's directory (database, WAL, platform key files beside it).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn sync_with(&mut self, options: &SyncOptions) -> SyncSummary {
        sync::sync(&mut self.store, options, None, &AtomicBool::new(false))
            .unwrap_or_else(|e| panic!("{} sync: {e}", self.name))
    }

    /// One sync with fast retries; panics unless the summary says ok.
    pub fn sync(&mut self) -> SyncSummary {
        let summary = self.sync_with(&quick_options());
        assert!(summary.ok, "{} sync failed: {summary:?}", self.name);
        summary
    }

    pub fn add(&mut self, kind: RecordKind, values: Value) -> RecordId {
        self.store
            .add(kind, &object(values), WriteOptions::default())
            .unwrap_or_else(|e| panic!("{} add {kind:?}: {e}", self.name))
    }

    pub fn update(&mut self, id: RecordId, values: Value) {
        self.store
            .update(id, &object(values), WriteOptions::default())
            .unwrap_or_else(|e| panic!("{} update: {e}", self.name));
    }

    /// Every record of the kinds this device may read, as comparable JSON:
    /// values, conflicts with the values they beat, and the version history.
    pub fn snapshot(&mut self) -> Value {
        let mut all = Map::new();
        for kind in RecordKind::ALL {
            if !self.role().may_read(kind) {
                continue;
            }
            let listing = self.store.list(kind).unwrap();
            assert!(
                listing.unreadable.is_empty(),
                "{}: unreadable records",
                self.name
            );
            for record in listing.records {
                let details = self.store.details(record.id).unwrap();
                let history = self.store.history(record.id).unwrap();
                let mut versions: Vec<String> =
                    history.iter().map(|h| h.version_id.to_string()).collect();
                versions.sort();
                let before = versions.len();
                versions.dedup();
                assert_eq!(
                    before,
                    versions.len(),
                    "{}: a duplicated version",
                    self.name
                );
                all.insert(
                    record.id.to_string(),
                    serde_json::json!({
                        "kind": kind.as_str(),
                        "values": details.view.values,
                        "conflicts": details.conflict_details,
                        "versions": versions,
                    }),
                );
            }
        }
        Value::Object(all)
    }
}

/// Sync options for tests: small pages and batches (so a sync crosses
/// several of them), quick retries.
pub fn quick_options() -> SyncOptions {
    SyncOptions {
        push_batch: 50,
        pull_limit: 50,
        retry: RetryPolicy {
            attempts: 8,
            base_delay: std::time::Duration::from_millis(5),
            max_delay: std::time::Duration::from_millis(200),
        },
    }
}

fn provider(dir: &Path) -> Arc<SoftwareKeyProvider> {
    Arc::new(SoftwareKeyProvider::new(dir.join("platform-key")))
}

fn object(values: Value) -> Map<String, Value> {
    match values {
        Value::Object(map) => map,
        other => panic!("record input must be a JSON object, not {other}"),
    }
}
