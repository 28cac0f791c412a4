//! One simulated phone: a real store in its own directory, with the tests'
//! fast key derivation, a software platform key that survives crashes (the
//! phone's keystore), its own skewed clock and the simulated network.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use fieldbook_core::crypto::SoftwareKeyProvider;
use fieldbook_core::record::DeviceId;
use fieldbook_core::store::{CreateOptions, OpenOptions, Role, Store};
use fieldbook_core::sync::StoreAccess;

use crate::clock::DeviceClock;
use crate::network::SimNetwork;
use crate::task;

/// Every simulated device's PIN.
pub const PIN: &str = "482916";

/// Where a device is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    /// Its enrollment is under way.
    Enrolling,
    /// Enrolled; it has a store.
    Live,
    /// Its enrollment failed: it never had a store.
    NeverEnrolled,
    /// The hub's wipe order erased it.
    Wiped,
}

/// A simulated phone: its store, its clock and where it is in its life.
pub struct Device {
    /// `d3`: its place in the schedule, stable across replays.
    pub name: String,
    /// The role it enrolled with.
    pub role: Role,
    /// Its own directory: the store's data and its platform key.
    pub dir: PathBuf,
    /// Its clock, shared with its store.
    pub clock: DeviceClock,
    provider: Arc<SoftwareKeyProvider>,
    /// Its store, once it has one.
    pub store: Shared,
    /// Its id on the hub, once enrolled (random: never in a trace).
    pub id: Option<DeviceId>,
    /// Where it is in its life.
    pub life: Life,
}

impl Device {
    /// Device number `index` with its directory under `root`, not yet enrolled.
    pub fn new(index: usize, role: Role, root: &std::path::Path, clock: DeviceClock) -> Device {
        let dir = root.join(format!("d{index}"));
        Device {
            name: format!("d{index}"),
            role,
            provider: Arc::new(SoftwareKeyProvider::new(dir.join("platform-key"))),
            dir,
            clock,
            store: Shared::default(),
            id: None,
            life: Life::Enrolling,
        }
    }

    /// Where its store lives.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// Its software stand-in for the phone's key store.
    pub fn provider(&self) -> Arc<SoftwareKeyProvider> {
        self.provider.clone()
    }

    /// How its store opens: on its own clock and the simulated network, with the tests' fast key derivation.
    pub fn open_options(&self) -> OpenOptions {
        OpenOptions {
            clock: Arc::new(self.clock.clone()),
            network: Arc::new(SimNetwork),
            ..OpenOptions::for_tests()
        }
    }

    /// How its store is created: as it opens.
    pub fn create_options(&self) -> CreateOptions {
        CreateOptions {
            open: self.open_options(),
            ..CreateOptions::for_tests()
        }
    }

    /// Drops the store as a dying phone would (nothing uncommitted
    /// survives) and opens it again from disk, locked.
    pub fn crash_and_reopen(&mut self) -> Result<(), fieldbook_core::Error> {
        drop(self.store.take());
        let store = Store::open(&self.data_dir(), self.provider(), self.open_options())?;
        self.store.put(store);
        Ok(())
    }

    /// Whether it is enrolled and not erased.
    pub fn is_live(&self) -> bool {
        self.life == Life::Live
    }
}

/// A device's store, shared between the scheduler (the app's writes) and a
/// task (sync, compaction, team work). Only one of them runs at a time.
#[derive(Clone, Default)]
pub struct Shared(Arc<Mutex<Option<Store>>>);

impl Shared {
    /// The store slot; a task that crashed while holding it does not poison it.
    pub fn lock(&self) -> MutexGuard<'_, Option<Store>> {
        // A crash unwinds a task that held the store; the store itself is
        // consistent (every write is one transaction) and is reopened anyway.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts a store in the slot.
    pub fn put(&self, store: Store) {
        *self.lock() = Some(store);
    }

    /// Takes the store out of the slot, if one is there.
    pub fn take(&self) -> Option<Store> {
        self.lock().take()
    }

    /// Runs `f` on the store, if there is one.
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        self.lock().as_mut().map(f)
    }
}

/// How a sync task takes its store: a stop before each step, so the
/// scheduler may interleave writes, locks and crashes between any two.
pub struct SteppedAccess(pub Shared);

impl StoreAccess for SteppedAccess {
    fn with<T>(&self, step: impl FnOnce(&mut Store) -> T) -> T {
        task::store_step();
        let mut guard = self.0.lock();
        let store = guard
            .as_mut()
            .expect("a device's store is only dropped after its tasks ended");
        step(store)
    }
}
