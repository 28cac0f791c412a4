//! Log compaction from a supervisor's device: sync everything, write merged
//! versions (see `store::compaction`), push them, then ask the hub to drop
//! the versions they supersede.
//!
//! Each step is safe to lose. If the process dies after the push and before
//! the compact request, the hub's log simply keeps the old versions beside
//! the merged ones: the merged versions change no value, so nothing is lost,
//! and the next run names those old versions again (the hub ignores ids it
//! already dropped).

use fieldbook_proto::endpoint::Compact;
use fieldbook_proto::sync::{
    CompactEntry, CompactRequest, CompactResponse, MAX_COMPACT_DROPS, MAX_COMPACT_ENTRIES,
};
use serde::Serialize;
use std::sync::atomic::AtomicBool;

use super::access::Exclusive;
use super::engine::{check_wipe_order, client_for, push, settle, sync, SyncOptions};
use super::summary::SyncSummary;
use crate::error::SupervisorTask;
use crate::store::{Compaction, Role, Store};
use crate::{Error, Result};

/// How a compaction runs.
#[derive(Debug, Clone, Copy)]
pub struct CompactOptions {
    /// How the sync that runs first, and the push of the merged versions, behave.
    pub sync: SyncOptions,
    /// Compact only records with at least this many versions since their last merged version.
    pub min_versions: usize,
    /// The most records merged in one run (one local transaction); the rest wait for the next run.
    pub max_records: usize,
}

impl Default for CompactOptions {
    fn default() -> Self {
        CompactOptions {
            sync: SyncOptions::default(),
            min_versions: 10,
            max_records: 5_000,
        }
    }
}

/// What a compaction did, told honestly: `ok` is false whenever anything failed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CompactSummary {
    /// Whether everything succeeded.
    pub ok: bool,
    /// The sync that ran first.
    pub sync: SyncSummary,
    /// Merged versions written on this device.
    pub merged_versions: u32,
    /// Merged versions the hub took (new to it).
    pub pushed: u32,
    /// Versions the hub dropped from the team's log.
    pub dropped: u32,
    /// What failed, one message each, in English.
    pub errors: Vec<String>,
    /// The hub ordered this device erased, and it was.
    pub wiped: bool,
}

/// Runs one compaction (supervisor devices only). Store errors are returned;
/// hub failures are in the summary, with `ok` false.
pub fn compact(
    store: &mut Store,
    options: &CompactOptions,
    cancel: &AtomicBool,
) -> Result<CompactSummary> {
    if store.role() != Role::Supervisor {
        return Err(Error::SupervisorOnly(SupervisorTask::Compact));
    }
    let mut summary = CompactSummary {
        sync: sync(store, &options.sync, None, cancel)?,
        ..Default::default()
    };
    summary.wiped = summary.sync.wiped;
    if !summary.sync.ok {
        // Merging needs everything on the hub and everything pulled first.
        summary
            .errors
            .push("the sync before compaction failed; nothing was compacted".into());
        return Ok(summary);
    }
    let compactions = store.make_merged_versions(options.min_versions, options.max_records)?;
    summary.merged_versions = compactions.len() as u32;
    if compactions.is_empty() {
        summary.ok = true;
        return Ok(summary);
    }
    let client = client_for(store, options.sync.retry)?;
    let mut pushed = SyncSummary::default();
    let outcome = push(
        &Exclusive::new(store),
        &client,
        &options.sync,
        None,
        cancel,
        &mut pushed,
    )
    .and_then(|()| {
        for request in requests(&compactions) {
            let answer: CompactResponse = client.call::<Compact>(&request, cancel)?;
            summary.dropped += answer.dropped;
        }
        Ok(())
    });
    summary.pushed = pushed.pushed;
    let outcome = check_wipe_order(
        &Exclusive::new(store),
        &client,
        outcome,
        cancel,
        &mut pushed,
    );
    summary.ok = settle(store, outcome, &mut summary.errors, &mut summary.wiped)?;
    Ok(summary)
}

/// The compactions as requests within the hub's limits; a record with more
/// versions than one request may drop is split over several entries.
fn requests(compactions: &[Compaction]) -> Vec<CompactRequest> {
    let mut out = Vec::new();
    let mut current = CompactRequest {
        compactions: Vec::new(),
    };
    let mut drops = 0;
    for compaction in compactions {
        for ids in compaction.drop_version_ids.chunks(MAX_COMPACT_DROPS) {
            if current.compactions.len() == MAX_COMPACT_ENTRIES
                || drops + ids.len() > MAX_COMPACT_DROPS
            {
                out.push(std::mem::replace(
                    &mut current,
                    CompactRequest {
                        compactions: Vec::new(),
                    },
                ));
                drops = 0;
            }
            drops += ids.len();
            current.compactions.push(CompactEntry {
                record_id: compaction.record_id.0,
                keep_version_id: compaction.keep_version_id.0,
                drop_version_ids: ids.iter().map(|id| id.0).collect(),
            });
        }
    }
    if !current.compactions.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RecordId, VersionId};

    fn compaction(drops: usize) -> Compaction {
        Compaction {
            record_id: RecordId::make(),
            keep_version_id: VersionId::make(),
            drop_version_ids: (0..drops).map(|_| VersionId::make()).collect(),
        }
    }

    #[test]
    fn compaction_requests_stay_within_the_hubs_limits() {
        let mut all = vec![compaction(MAX_COMPACT_DROPS * 2 + 3)];
        all.extend((0..MAX_COMPACT_ENTRIES + 5).map(|_| compaction(2)));
        let made = requests(&all);
        let mut total = 0;
        for r in &made {
            assert!(r.compactions.len() <= MAX_COMPACT_ENTRIES);
            let drops: usize = r.compactions.iter().map(|c| c.drop_version_ids.len()).sum();
            assert!(drops <= MAX_COMPACT_DROPS);
            total += drops;
        }
        assert_eq!(
            total,
            MAX_COMPACT_DROPS * 2 + 3 + (MAX_COMPACT_ENTRIES + 5) * 2
        );
        assert!(requests(&[]).is_empty());
    }
}
