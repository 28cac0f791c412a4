//! A check of the whole store, with the hub's help where it holds what was
//! damaged here:
//!
//! 1. open every sealed value and verify the audit trail;
//! 2. rebuild what this device holds whole copies of (views from states,
//!    states from versions, versions that never reached the hub from the
//!    writes their record's state keeps);
//! 3. ask the hub, when something needs it: the key envelopes addressed to
//!    this device (a damaged team key comes back only from one a
//!    supervisor the roster certifies signed, as at any sync), then the
//!    team's log from its start, for the versions of damaged records (the
//!    hub keeps every version it has not compacted, and a merged version
//!    in place of those it has);
//! 4. look again, and report what was found, what was done, and why the
//!    rest cannot be.
//!
//! The sync cursor is not moved: reading the log again changes nothing but
//! the damaged records.

use std::collections::BTreeSet;
use std::sync::atomic::AtomicBool;

use fieldbook_proto::devices::KeysResponse;
use fieldbook_proto::endpoint::{GetKeys, Pull, PullQuery};
use fieldbook_proto::sync::{PullResponse, DEFAULT_PULL_LIMIT};
use fieldbook_proto::SealedVersion;

use super::access::Exclusive;
use super::engine::{check_wipe_order, client_for, settle, Failure};
use super::summary::SyncSummary;
use super::transport::{HubClient, RetryPolicy};
use crate::store::{
    check_report, CheckReport, CheckRun, Findings, HubContact, RepairItem, RepairLog, Store,
};
use crate::{Error, Result};
use fieldbook_proto::vocab::KeyClass;

/// How a check of the store runs.
#[derive(Debug, Clone, Copy)]
pub struct CheckOptions {
    /// Rebuild and restore what can be; without it the check only looks.
    pub repair: bool,
    /// How persistently to retry each request to the hub.
    pub retry: RetryPolicy,
    /// Versions per page when the team's log is read again.
    pub pull_limit: u32,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            repair: true,
            retry: RetryPolicy::default(),
            pull_limit: DEFAULT_PULL_LIMIT,
        }
    }
}

/// Checks every sealed value of an unlocked store and, with `repair`,
/// rebuilds or restores what can be. Hub failures are in the report
/// (`hub`); store errors are returned.
pub fn check_store(
    store: &mut Store,
    options: &CheckOptions,
    cancel: &AtomicBool,
) -> Result<CheckReport> {
    let before = store.find_damage()?;
    let enrolled = store.hub_link()?.is_some();
    let mut log = RepairLog::default();
    let mut hub = HubContact::NotNeeded;
    let mut passes = vec![before];
    if options.repair && !passes[0].is_whole() {
        store.repair_locally(&passes[0], &mut log)?;
        let mid = store.find_damage()?;
        let mut seen = Vec::new();
        if needs_hub(&mid) {
            if enrolled {
                let (contact, found) = restore_from_hub(store, &mid, options, cancel, &mut log)?;
                hub = contact;
                seen = found;
            } else {
                hub = HubContact::NotEnrolled;
            }
        }
        passes.push(mid);
        passes.extend(seen);
    }
    // Nothing was changed when nothing was repaired: the first pass stands.
    let after = if passes.len() > 1 {
        store.find_damage()?
    } else {
        passes[0].clone()
    };
    let run = CheckRun {
        repair: options.repair,
        enrolled,
        hub: &hub,
    };
    let passes: Vec<&Findings> = passes.iter().collect();
    Ok(check_report(&passes, &after, &log, &run))
}

/// Whether what is left needs the hub: a team key it may hold an envelope
/// of, a version it took, a state whose versions do not all open here.
fn needs_hub(findings: &Findings) -> bool {
    findings
        .keys
        .iter()
        .any(|k| k.key.class != KeyClass::ClientCode)
        || findings.damaged_versions.iter().any(|v| v.on_hub)
        || findings.heads.iter().any(|h| h.state)
}

/// Step 3; returns how the hub answered and the findings of the passes
/// made along the way.
fn restore_from_hub(
    store: &mut Store,
    findings: &Findings,
    options: &CheckOptions,
    cancel: &AtomicBool,
    log: &mut RepairLog,
) -> Result<(HubContact, Vec<Findings>)> {
    let client = client_for(store, options.retry)?;
    let mut seen = Vec::new();
    let outcome = (|| -> Result<(), Failure> {
        let mut current = findings.clone();
        if current
            .keys
            .iter()
            .any(|k| k.key.class != KeyClass::ClientCode)
        {
            relearn_keys(store, &client, &current, cancel, log)?;
            // What the restored keys sealed can now be checked, and rebuilt.
            let revealed = store.find_damage()?;
            store.repair_locally(&revealed, log)?;
            current = store.find_damage()?;
            seen.push(revealed);
        }
        let wanted: BTreeSet<uuid::Uuid> = current
            .damaged_versions
            .iter()
            .map(|v| v.record.0)
            .chain(current.heads.iter().filter(|h| h.state).map(|h| h.id.0))
            .collect();
        if !wanted.is_empty() {
            let copies = read_log(&client, &wanted, options.pull_limit, cancel)?;
            store.restore_from_hub(&current, &copies, log)?;
        }
        seen.push(current);
        Ok(())
    })();
    let mut scratch = SyncSummary::default();
    let outcome = check_wipe_order(
        &Exclusive::new(store),
        &client,
        outcome,
        cancel,
        &mut scratch,
    );
    let mut errors = Vec::new();
    let mut wiped = false;
    let finished = settle(store, outcome, &mut errors, &mut wiped)?;
    if wiped {
        return Err(Error::Erased);
    }
    let contact = if finished {
        HubContact::Reached
    } else {
        HubContact::Unreachable(errors.join("; "))
    };
    Ok((contact, seen))
}

/// Fetches the key envelopes addressed to this device and keeps those the
/// roster lets it trust; a damaged key whose envelope is there is replaced.
/// Versions held for want of a key merge once it is back.
fn relearn_keys(
    store: &mut Store,
    client: &HubClient,
    findings: &Findings,
    cancel: &AtomicBool,
    log: &mut RepairLog,
) -> Result<(), Failure> {
    let answer: KeysResponse = client.call::<GetKeys>(&(), cancel)?;
    store.accept_key_envelopes(&answer.envelopes)?;
    let still = store.damaged_keys()?;
    for key in findings.keys.iter().map(|k| &k.key) {
        if !still.contains(key) {
            log.restored.insert(RepairItem::Key {
                class: key.class,
                epoch: key.epoch,
            });
        }
    }
    store.merge_held()?;
    Ok(())
}

/// Every version of the `wanted` records the hub's log holds, read from
/// the start of the log.
fn read_log(
    client: &HubClient,
    wanted: &BTreeSet<uuid::Uuid>,
    limit: u32,
    cancel: &AtomicBool,
) -> Result<Vec<SealedVersion>, Failure> {
    let mut since = 0u64;
    let mut copies = Vec::new();
    loop {
        let page: PullResponse = client.call::<Pull>(
            &PullQuery {
                since: Some(since),
                limit: Some(limit),
            },
            cancel,
        )?;
        copies.extend(
            page.versions
                .into_iter()
                .map(|v| v.version)
                .filter(|v| wanted.contains(&v.record_id)),
        );
        if !page.more || page.next <= since {
            return Ok(copies);
        }
        since = page.next;
    }
}
