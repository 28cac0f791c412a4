//! One sync: push what this device wrote, bring the team's signed roster up
//! to date and learn new key epochs from it, pull what the team wrote. The
//! cursor is saved after every page and versions are marked pushed after
//! every batch, so a broken connection resumes where it stopped instead of
//! from zero.

use fieldbook_proto::endpoint::{Pull, PullQuery, Push};
use fieldbook_proto::sync::{PushRequest, PushResponse, DEFAULT_PULL_LIMIT};
use std::sync::atomic::AtomicBool;

use super::access::{Exclusive, StoreAccess};
use super::read_ahead::PageAhead;
use super::summary::{SyncListener, SyncPhase, SyncSummary};
use super::transport::{HubClient, RetryPolicy, TransportError};
use crate::store::Store;
use crate::{Error, Result};

/// How a sync behaves.
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Versions sent to the hub per push request.
    pub push_batch: u32,
    /// Versions asked of the hub per pull page.
    pub pull_limit: u32,
    /// How persistently to retry each request.
    pub retry: RetryPolicy,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            push_batch: 500,
            pull_limit: DEFAULT_PULL_LIMIT,
            retry: RetryPolicy::default(),
        }
    }
}

/// A client for this device's hub. A locked store reaches it through the
/// hub link its platform key opens (see `store::background`).
pub fn client_for(store: &mut Store, retry: RetryPolicy) -> Result<HubClient> {
    let locked = store.is_locked();
    let link = if locked {
        store.hub_link_while_locked()?
    } else {
        store.hub_link()?
    };
    let link = link.ok_or_else(|| {
        if locked {
            Error::Locked
        } else {
            Error::InvalidInput("this device is not enrolled with a hub".into())
        }
    })?;
    let pin = link
        .certificate_sha256
        .as_deref()
        .map(super::pinning::CertificatePin::parse)
        .transpose()
        .map_err(|_| {
            Error::StoreDamaged("the hub certificate's fingerprint is malformed".into())
        })?;
    Ok(HubClient::over(
        store.network(),
        &link.url,
        pin,
        Some(link.token.clone()),
        retry,
    )?)
}

/// Runs one sync on a store the caller holds alone. Store errors (damaged,
/// or locked for a store enrolled by an older build and not unlocked since)
/// are returned; everything that went wrong on the way to the hub is in the
/// summary, with `ok` false.
///
/// A locked store syncs too, as a scheduled background sync does: it pushes,
/// and holds what it pulls until the next unlock merges it (`held`).
pub fn sync(
    store: &mut Store,
    options: &SyncOptions,
    listener: Option<&dyn SyncListener>,
    cancel: &AtomicBool,
) -> Result<SyncSummary> {
    sync_shared(&Exclusive::new(store), options, listener, cancel)
}

/// [`sync`] on a store shared with other threads: the store is taken for
/// each step and let go during every request, so the app's screens keep
/// working while a sync waits on the network. The caller keeps two syncs of
/// one store from running at once. The store may be locked or written to
/// between steps; each page is merged or held as the store is at that moment.
pub fn sync_shared<S: StoreAccess>(
    store: &S,
    options: &SyncOptions,
    listener: Option<&dyn SyncListener>,
    cancel: &AtomicBool,
) -> Result<SyncSummary> {
    let client = store.with(|s| client_for(s, options.retry))?;
    let mut summary = SyncSummary::default();
    let outcome = push(store, &client, options, listener, cancel, &mut summary)
        .and_then(|()| pull(store, &client, options, listener, cancel, &mut summary));
    let outcome = check_wipe_order(store, &client, outcome, cancel, &mut summary);
    store.with(|s| {
        summary.storage_full = matches!(outcome, Err(Failure::Store(Error::StorageFull)));
        let finished = settle(s, outcome, &mut summary.errors, &mut summary.wiped)?;
        if !summary.wiped && !s.is_locked() && !summary.storage_full {
            // Held by an earlier locked sync, or under a key epoch learned just now.
            summary.add_received(s.merge_held()?);
        }
        summary.held = if summary.wiped {
            0
        } else {
            s.held_count()? as u32
        };
        summary.ok = finished && summary.rejected.is_empty() && summary.errors.is_empty();
        Ok(summary)
    })
}

/// A hub's wipe order is only a claim: the device fetches the team's roster
/// and verifies it from its genesis against the fingerprint it pinned. Only a
/// revocation of this device signed by a supervisor the roster certifies
/// makes [`settle`] erase it. (A revoked device may still read the roster.)
pub(super) fn check_wipe_order<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    outcome: Result<(), Failure>,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    match outcome {
        Err(Failure::Transport(TransportError::Wipe)) => {
            let signed = match super::roster::fetch_links(client, 0, cancel, summary) {
                Ok((links, _)) => store.with(|s| super::roster::revoked_by_roster(s, &links))?,
                Err(_) => false,
            };
            Err(Failure::WipeOrder { signed })
        }
        other => other,
    }
}

/// How a run of requests to the hub ended, told in a summary's words: a
/// signed revocation erases the store here, a failure on the way becomes an
/// error line, and store errors (locked, damaged) are returned. `Ok(true)`
/// when every step finished.
pub(super) fn settle(
    store: &mut Store,
    outcome: Result<(), Failure>,
    errors: &mut Vec<String>,
    wiped: &mut bool,
) -> Result<bool> {
    match outcome {
        Ok(()) => {
            // Pushed and pulled: the hub was reached, offline expiry starts over.
            match store.record_hub_contact() {
                Err(Error::StorageFull) => {
                    errors.push(Error::StorageFull.to_string());
                    Ok(false)
                }
                other => other.map(|()| true),
            }
        }
        Err(Failure::Store(Error::StorageFull)) => {
            errors.push(Error::StorageFull.to_string());
            Ok(false)
        }
        Err(Failure::WipeOrder { signed: true }) => {
            let report = store.erase()?;
            *wiped = true;
            errors.push(
                "a supervisor revoked this device: it erased its data as the team's roster orders"
                    .into(),
            );
            if let Some(left) = report.platform_key_left {
                errors.push(format!(
                    "the platform key could not be destroyed ({left}); nothing is left for it to open"
                ));
            }
            Ok(false)
        }
        Err(Failure::WipeOrder { signed: false })
        | Err(Failure::Transport(TransportError::Wipe)) => {
            errors.push(UNSIGNED_WIPE.into());
            Ok(false)
        }
        Err(Failure::Transport(e)) => {
            errors.push(e.to_string());
            Ok(false)
        }
        Err(Failure::Store(e)) => Err(e),
    }
}

/// What a device says when the hub orders a wipe that no supervisor signed.
pub(super) const UNSIGNED_WIPE: &str =
    "the hub refused this device and ordered it erased, but no supervisor of the team's signed roster revoked it: nothing was erased (ask a supervisor)";

pub(super) enum Failure {
    Transport(TransportError),
    Store(Error),
    /// The hub ordered this device erased; `signed` when the verified roster
    /// revokes it.
    WipeOrder {
        signed: bool,
    },
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Self {
        Failure::Transport(e)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Store(e)
    }
}

pub(super) fn push<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    options: &SyncOptions,
    listener: Option<&dyn SyncListener>,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    let total = store.with(|s| s.unpushed_count())?;
    let mut done = 0u64;
    loop {
        let versions = store.with(|s| s.unpushed(options.push_batch))?;
        if versions.is_empty() {
            return Ok(());
        }
        let ids: Vec<uuid::Uuid> = versions.iter().map(|v| v.version_id).collect();
        summary.requests += 1;
        let answer: PushResponse = client.call::<Push>(&PushRequest { versions }, cancel)?;
        store.with(|s| s.mark_pushed(&ids))?;
        summary.pushed += answer.stored;
        summary.push_duplicates += answer.duplicates;
        done += ids.len() as u64;
        if let Some(listener) = listener {
            // Versions written since the sync began are pushed too.
            listener.progress(SyncPhase::Push, done, Some(total.max(done)));
        }
    }
}

fn pull<S: StoreAccess>(
    store: &S,
    client: &HubClient,
    options: &SyncOptions,
    listener: Option<&dyn SyncListener>,
    cancel: &AtomicBool,
    summary: &mut SyncSummary,
) -> Result<(), Failure> {
    std::thread::scope(|scope| {
        let mut roster_checked = false;
        let mut ahead: Option<PageAhead<'_>> = None;
        loop {
            // A phone too full to keep the store's reserve pulls nothing (the
            // room left is for unlocking); the summary says so.
            store.with(|s| s.ensure_room_to_write())?;
            let since = store.with(|s| s.sync_cursor())?;
            let query = PullQuery {
                since: Some(since),
                limit: Some(options.pull_limit),
            };
            let page = match ahead.take().and_then(|ahead| ahead.take(since)) {
                Some(Ok(page)) => page,
                Some(Err(first)) => client.call_after::<Pull>(&query, cancel, first)?,
                None => {
                    summary.requests += 1;
                    client.call::<Pull>(&query, cancel)?
                }
            };
            let next = page.next.max(since);
            if page.more {
                // Downloaded while this page merges (see `read_ahead`).
                summary.requests += 1;
                ahead = Some(PageAhead::start(
                    scope,
                    client,
                    next,
                    options.pull_limit,
                    cancel,
                ));
            }
            let versions: Vec<_> = page.versions.into_iter().map(|v| v.version).collect();
            summary.pulled += versions.len() as u32;
            // The roster and new key epochs wait for an unlocked sync: the
            // verified roster and the device's key pair are sealed.
            if !roster_checked && !store.with(|s| s.is_locked()) {
                super::roster::update(
                    store,
                    client,
                    page.roster_head,
                    page.key_epoch,
                    listener,
                    cancel,
                    summary,
                )?;
                roster_checked = true;
            }
            store.with(|s| -> Result<()> {
                if s.is_locked() {
                    s.hold_received(&versions)?;
                } else {
                    summary.add_received(s.receive(&versions)?);
                }
                // Saved with the page merged: a dropped connection resumes here.
                s.set_sync_cursor(next)
            })?;
            if let Some(listener) = listener {
                listener.progress(SyncPhase::Pull, summary.pulled as u64, None);
            }
            if !page.more {
                return Ok(());
            }
        }
    })
}
