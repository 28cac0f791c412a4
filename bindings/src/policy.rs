//! The team's security policy: every device reads the one its verified
//! roster holds and the one it follows; a supervisor signs a new one.

use fieldbook_core::store::SecurityPolicy;
use fieldbook_core::sync;

use crate::error::FieldbookError;
use crate::store::FieldbookStore;

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// Every setting of a security policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PolicyValues {
    /// Lock after this many seconds without use (30 to 3600).
    pub auto_lock_secs: u64,
    /// Crypto-erase at this many consecutive wrong PINs (3 to 20).
    pub max_failed_unlocks: u32,
    /// Wrong PINs allowed before each further try must wait (1 to 5).
    pub free_attempts: u32,
    /// The first wait; it doubles with each further wrong PIN (5 to 600 s).
    pub backoff_base_secs: u64,
    /// The longest wait between PIN attempts, however many failures (at least `backoff_base_secs`).
    pub backoff_max_secs: u64,
    /// Crypto-erase after this many days without reaching the hub (3 to 90).
    pub offline_erase_days: u32,
    /// The fewest digits a new PIN may have (6 to 12).
    pub min_pin_digits: u32,
}

impl From<SecurityPolicy> for PolicyValues {
    fn from(p: SecurityPolicy) -> Self {
        PolicyValues {
            auto_lock_secs: p.auto_lock_secs,
            max_failed_unlocks: p.max_failed_unlocks,
            free_attempts: p.free_attempts,
            backoff_base_secs: p.backoff_base_secs,
            backoff_max_secs: p.backoff_max_secs,
            offline_erase_days: p.offline_erase_days,
            min_pin_digits: p.min_pin_digits,
        }
    }
}

/// The team's policy as this device verified it, and what it follows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TeamPolicy {
    /// The newest policy a supervisor signed, or the default.
    pub team: PolicyValues,
    /// The supervisor device that signed it; `None` for the default (no
    /// policy signed yet, or a store of no team).
    pub signed_by: Option<String>,
    /// RFC 3339, the signer's clock.
    pub signed_at: Option<String>,
    /// What this device follows: the team's, stricter where this device chose.
    pub effective: PolicyValues,
}

/// The settings a supervisor changes; `None` keeps the team's current value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, uniffi::Record)]
pub struct PolicyChange {
    /// New seconds without use before the store locks.
    pub auto_lock_secs: Option<u64>,
    /// New count of consecutive wrong PINs that crypto-erases the store.
    pub max_failed_unlocks: Option<u32>,
    /// New count of wrong PINs allowed before any wait.
    pub free_attempts: Option<u32>,
    /// New first wait after the free attempts, in seconds.
    pub backoff_base_secs: Option<u64>,
    /// New longest wait between PIN attempts, in seconds.
    pub backoff_max_secs: Option<u64>,
    /// New number of days without reaching the hub after which a device erases itself.
    pub offline_erase_days: Option<u32>,
    /// New fewest digits of a PIN.
    pub min_pin_digits: Option<u32>,
}

impl From<PolicyChange> for sync::PolicyChange {
    fn from(c: PolicyChange) -> Self {
        sync::PolicyChange {
            auto_lock_secs: c.auto_lock_secs,
            max_failed_unlocks: c.max_failed_unlocks,
            free_attempts: c.free_attempts,
            backoff_base_secs: c.backoff_base_secs,
            backoff_max_secs: c.backoff_max_secs,
            offline_erase_days: c.offline_erase_days,
            min_pin_digits: c.min_pin_digits,
        }
    }
}

#[uniffi::export]
impl FieldbookStore {
    /// The team's security policy as this device verified it (unlocked).
    pub fn team_policy(&self) -> Result<TeamPolicy> {
        let view = self.with(|s| s.policy_view())?;
        Ok(TeamPolicy {
            team: view.team.into(),
            signed_by: view.signed.map(|s| s.signed_by.to_string()),
            signed_at: view.signed.and_then(|s| {
                chrono::DateTime::from_timestamp_millis(s.signed_at_ms).map(|t| t.to_rfc3339())
            }),
            effective: view.effective.into(),
        })
    }

    /// Signs a new team policy, `change` applied to the current one, into the
    /// team's roster on the hub (supervisors only); every device follows it
    /// at its next sync. Values out of their bounds are refused (`Invalid`).
    pub fn set_team_policy(&self, change: PolicyChange) -> Result<TeamPolicy> {
        self.with(|s| sync::set_team_policy(s, &change.into()))?;
        self.team_policy()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_crosses_the_bindings_unchanged() {
        let policy = SecurityPolicy {
            auto_lock_secs: 61,
            max_failed_unlocks: 7,
            free_attempts: 2,
            backoff_base_secs: 11,
            backoff_max_secs: 601,
            offline_erase_days: 5,
            min_pin_digits: 8,
        };
        let values = PolicyValues::from(policy);
        let change = PolicyChange {
            auto_lock_secs: Some(values.auto_lock_secs),
            max_failed_unlocks: Some(values.max_failed_unlocks),
            free_attempts: Some(values.free_attempts),
            backoff_base_secs: Some(values.backoff_base_secs),
            backoff_max_secs: Some(values.backoff_max_secs),
            offline_erase_days: Some(values.offline_erase_days),
            min_pin_digits: Some(values.min_pin_digits),
        };
        let core: sync::PolicyChange = change.into();
        assert_eq!(core.apply_to(SecurityPolicy::default()), policy);
        assert_eq!(
            sync::PolicyChange::from(PolicyChange::default()).apply_to(policy),
            policy
        );
    }
}
