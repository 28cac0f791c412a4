//! Sync with the hub from the apps: progress through a listener the app
//! implements, cancellation from any thread, and the core's honest summary.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use fieldbook_core::sync::{self, SyncListener, SyncOptions, SyncPhase as CorePhase};

use crate::error::FieldbookError;
use crate::store::FieldbookStore;

/// The part of a sync under way, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SyncPhase {
    /// Sending this device's new versions.
    Push,
    /// Fetching new team keys (after a revocation).
    Keys,
    /// Receiving the team's versions.
    Pull,
}

/// Implemented by the app to draw progress; called on the syncing thread.
#[uniffi::export(with_foreign)]
pub trait SyncProgressListener: Send + Sync {
    /// `done` of `total` in this phase (`total` unknown while pulling).
    fn on_progress(&self, phase: SyncPhase, done: u64, total: Option<u64>);
}

/// Cancels a running sync from another thread. The sync stops at the next
/// request or batch; what it saved stays saved and the next sync resumes.
#[derive(Debug, Default, uniffi::Object)]
pub struct SyncCancellation {
    cancelled: AtomicBool,
}

#[uniffi::export]
impl SyncCancellation {
    /// A handle that has not been cancelled; pass it to one sync.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(SyncCancellation::default())
    }

    /// Asks the sync to stop; callable from any thread, any number of times.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// What a sync did. `ok` is false whenever anything failed; `errors` says what.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummary {
    /// Nothing failed.
    pub ok: bool,
    /// Versions the hub took from this device.
    pub pushed: u32,
    /// Versions the hub already had (a retried push).
    pub push_duplicates: u32,
    /// Versions received from the hub.
    pub pulled: u32,
    /// Received versions new to this device.
    pub merged: u32,
    /// Received versions waiting, sealed, for the next unlock to merge them.
    pub held: u32,
    /// Records showing concurrent edits after merging.
    pub conflicts: u32,
    /// New team keys learned (a key epoch after a revocation).
    pub keys_learned: u32,
    /// Key envelopes refused: no supervisor the team's signed roster
    /// certifies signed them, or they were not for this device.
    pub keys_refused: u32,
    /// Links of the team's signed roster verified and kept.
    pub roster_links: u32,
    /// Forms the team's supervisors published that this device now uses:
    /// the screens draw them from here on.
    pub forms_adopted: u32,
    /// Received versions that could not be opened (damaged or tampered with).
    pub rejected: u32,
    /// What failed, for the person; empty when `ok`.
    pub errors: Vec<String>,
    /// What the person should know that is not a failure (the team's roster
    /// not signed yet, a roster taken on first use with its fingerprint).
    pub warnings: Vec<String>,
    /// The hub ordered this device erased, and it was.
    pub wiped: bool,
    /// How many requests the sync sent to the hub.
    pub requests: u32,
    /// The sync was cancelled; what it saved stays saved.
    pub cancelled: bool,
}

struct Progress<'a>(&'a dyn SyncProgressListener);

impl SyncListener for Progress<'_> {
    fn progress(&self, phase: CorePhase, done: u64, total: Option<u64>) {
        let phase = match phase {
            CorePhase::Push => SyncPhase::Push,
            CorePhase::Keys => SyncPhase::Keys,
            CorePhase::Pull => SyncPhase::Pull,
        };
        self.0.on_progress(phase, done, total);
    }
}

#[uniffi::export]
impl FieldbookStore {
    /// Pushes this device's new versions, learns new key epochs, pulls the
    /// team's. Blocks until done: call it from a background worker. The
    /// other calls on this store keep working meanwhile (the sync takes the
    /// store only between requests); a second sync waits for this one. A locked
    /// store syncs too (a scheduled sync while nobody typed the PIN): it
    /// pushes, and holds what it pulls until the next unlock merges it.
    /// Problems on the way to the hub are in the summary; errors are for the
    /// store itself (damaged; `Locked` only for a store enrolled by an older
    /// build and not unlocked since).
    pub fn sync(
        &self,
        listener: Option<Arc<dyn SyncProgressListener>>,
        cancellation: Arc<SyncCancellation>,
    ) -> Result<SyncSummary, FieldbookError> {
        let progress = listener.as_deref().map(Progress);
        let (_running, store) = self.for_sync();
        let summary = sync::sync_shared(
            store,
            &SyncOptions::default(),
            progress.as_ref().map(|p| p as &dyn SyncListener),
            &cancellation.cancelled,
        )
        .map_err(|e| FieldbookError::from_core(e, self.lang()))?;
        Ok(SyncSummary {
            ok: summary.ok,
            pushed: summary.pushed,
            push_duplicates: summary.push_duplicates,
            pulled: summary.pulled,
            merged: summary.merged,
            held: summary.held,
            conflicts: summary.conflicts,
            keys_learned: summary.keys_learned,
            keys_refused: summary.keys_refused,
            roster_links: summary.roster_links,
            forms_adopted: summary.forms_adopted,
            rejected: summary.rejected.len() as u32,
            errors: summary.errors,
            warnings: summary.warnings,
            wiped: summary.wiped,
            requests: summary.requests,
            cancelled: cancellation.is_cancelled(),
        })
    }
}
