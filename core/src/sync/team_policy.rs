//! A supervisor signs the team's security policy into the roster: the next
//! link after the head this device verified, sent to the hub like a
//! revocation. Every device follows it once it verifies that link (see
//! `store::policy`); the hub can withhold it, which only delays it.

use fieldbook_proto::endpoint::AppendRoster;
use fieldbook_proto::roster::AppendRosterRequest;
use fieldbook_trust::{Entry, Link, PolicyState, SecurityPolicy, Signer};
use std::sync::atomic::AtomicBool;

use super::engine::client_for;
use super::team::{moved, on_hub, refresh_roster, refused_links, SIGN_ATTEMPTS};
use super::transport::RetryPolicy;
use crate::error::SupervisorTask;
use crate::store::{Role, Store};
use crate::{Error, Result};

/// The settings a supervisor changes; the others keep the team's current
/// values (read from the roster just before signing, so a change another
/// supervisor signed meanwhile is kept).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PolicyChange {
    /// Lock after this many seconds without use.
    pub auto_lock_secs: Option<u64>,
    /// Erase the store at this many consecutive wrong PINs.
    pub max_failed_unlocks: Option<u32>,
    /// Wrong PINs allowed before any wait is imposed.
    pub free_attempts: Option<u32>,
    /// The first wait after the free attempts, in seconds; it doubles with each further failure.
    pub backoff_base_secs: Option<u64>,
    /// The longest wait between PIN attempts, in seconds.
    pub backoff_max_secs: Option<u64>,
    /// Erase a device that has not reached the hub for this many days.
    pub offline_erase_days: Option<u32>,
    /// The fewest digits a PIN may have.
    pub min_pin_digits: Option<u32>,
}

impl PolicyChange {
    /// Whether no setting is changed.
    pub fn is_empty(&self) -> bool {
        *self == PolicyChange::default()
    }

    /// `base` with the changed settings replaced.
    pub fn apply_to(&self, base: SecurityPolicy) -> SecurityPolicy {
        SecurityPolicy {
            auto_lock_secs: self.auto_lock_secs.unwrap_or(base.auto_lock_secs),
            max_failed_unlocks: self.max_failed_unlocks.unwrap_or(base.max_failed_unlocks),
            free_attempts: self.free_attempts.unwrap_or(base.free_attempts),
            backoff_base_secs: self.backoff_base_secs.unwrap_or(base.backoff_base_secs),
            backoff_max_secs: self.backoff_max_secs.unwrap_or(base.backoff_max_secs),
            offline_erase_days: self.offline_erase_days.unwrap_or(base.offline_erase_days),
            min_pin_digits: self.min_pin_digits.unwrap_or(base.min_pin_digits),
        }
    }
}

/// Signs the team's policy, `change` applied to the team's current one, and
/// appends it to the roster on the hub (supervisors only). Returns the policy
/// link as the roster holds it. Values outside their bounds are refused
/// before anything is signed.
pub fn set_team_policy(store: &mut Store, change: &PolicyChange) -> Result<PolicyState> {
    if store.role() != Role::Supervisor {
        return Err(Error::SupervisorOnly(SupervisorTask::SetPolicy));
    }
    // Checked against the default first, so a value out of bounds is refused
    // without a request.
    change
        .apply_to(SecurityPolicy::default())
        .validate()
        .map_err(Error::Policy)?;
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    let mut attempt = 0;
    loop {
        attempt += 1;
        refresh_roster(store, &client, &cancel)?;
        let roster = store.roster()?.ok_or(Error::NoRoster)?;
        let policy = change.apply_to(roster.policy());
        policy.validate().map_err(Error::Policy)?;
        // Already the team's: this very write landed with its answer lost,
        // or another supervisor signed the same.
        if let Some(state) = roster.policy_link().filter(|s| s.policy == policy) {
            return Ok(*state);
        }
        let links = store.sign_entries(&roster, vec![Entry::Policy { policy }])?;
        let request = AppendRosterRequest {
            links: links.iter().map(Link::to_wire).collect(),
        };
        match client.call::<AppendRoster>(&request, &cancel) {
            Ok(()) => {
                let signed = signed_state(&links[0], policy)?;
                // This device follows it now, or at its next sync when this
                // refresh cannot; only an erasure outranks the news.
                return match refresh_roster(store, &client, &cancel) {
                    Err(Error::Erased) => Err(Error::Erased),
                    _ => Ok(signed),
                };
            }
            Err(e) if (moved(&e) || refused_links(&e)) && attempt < SIGN_ATTEMPTS => continue,
            Err(e) => return on_hub(store, &client, Err(e)),
        }
    }
}

/// The policy link this device just signed, as the roster will hold it.
fn signed_state(link: &Link, policy: SecurityPolicy) -> Result<PolicyState> {
    let statement = link.decode_statement()?;
    let Signer::Device { device } = statement.signer else {
        return Err(Error::NotCertified);
    };
    Ok(PolicyState {
        policy,
        seq: link.seq,
        signed_by: device,
        signed_at_ms: statement.at_ms,
    })
}
