//! What a sync did, told honestly: `ok` is false whenever anything failed.

use serde::Serialize;

use crate::store::{ReceiveOutcome, RejectedVersion};

/// What a sync did, counted; `ok` is false whenever anything failed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncSummary {
    /// Whether everything succeeded.
    pub ok: bool,
    /// Versions the hub took from this device (new to it).
    pub pushed: u32,
    /// Versions the hub already had (a retried push).
    pub push_duplicates: u32,
    /// Versions received from the hub.
    pub pulled: u32,
    /// Received versions new to this device, merged into their records.
    pub merged: u32,
    /// Received versions waiting, sealed, for an unlock to merge them (a
    /// sync of a locked store, or a key epoch not learned yet).
    pub held: u32,
    /// Records that show concurrent edits after merging.
    pub conflicts: u32,
    /// New team keys learned (a key epoch after a revocation).
    pub keys_learned: u32,
    /// Key envelopes refused: no supervisor the team's roster certifies
    /// signed them (a hub planting keys), or they were not for this device.
    pub keys_refused: u32,
    /// Roster links verified and kept.
    pub roster_links: u32,
    /// Forms supervisors published that this device now uses (a form it
    /// could not adopt is an error line instead).
    pub forms_adopted: u32,
    /// Received versions that could not be opened.
    pub rejected: Vec<RejectedVersion>,
    /// What failed, one message each, in English.
    pub errors: Vec<String>,
    /// What the person should know that is not a failure (the team's roster
    /// not signed yet, a roster signed on first use).
    pub warnings: Vec<String>,
    /// This device was revoked by a supervisor (the roster says so) and
    /// erased itself.
    pub wiped: bool,
    /// The phone's storage is full: what could not be written was not, and
    /// the next sync once there is room picks up where this one stopped.
    pub storage_full: bool,
    /// Requests made to the hub.
    pub requests: u32,
}

impl SyncSummary {
    /// Counts what merging received versions did.
    pub(super) fn add_received(&mut self, outcome: ReceiveOutcome) {
        self.merged += outcome.merged;
        self.conflicts += outcome.conflicts;
        self.rejected.extend(outcome.rejected);
    }
}

/// Which stage a running sync is in, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncPhase {
    /// Sending what this device wrote.
    Push,
    /// Bringing the signed roster up to date and learning new team keys.
    Keys,
    /// Receiving what the team wrote.
    Pull,
}

/// Told after each batch: how far the phase has come.
pub trait SyncListener {
    /// `done` units of `phase` so far (versions, or steps for keys), of `total` when it is known.
    fn progress(&self, phase: SyncPhase, done: u64, total: Option<u64>);
}
