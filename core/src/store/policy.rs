//! The policy this device follows: its team's, signed by a supervisor in the
//! roster, made stricter where the device chose to be.
//!
//! The policy itself, its floors and ceilings, and which way each setting
//! is stricter live in the trust crate, beside the roster rules that verify
//! a team's policy link. Here:
//!
//! - the effective policy is kept in clear in `meta` (a locked store needs
//!   it to count wrong PINs and to erase itself after too long offline);
//! - each time the device keeps a verified roster, the effective policy
//!   becomes the team's, or the device's own choice where that is stricter;
//! - a device's own choice (`set_policy`) may only be stricter than its
//!   team's policy: a worker cannot loosen what a supervisor signed, but a
//!   careful one may lock sooner. A store of no team (no roster) chooses
//!   freely within the bounds.

pub use fieldbook_trust::{LooserThanTeam, PolicyProblem, PolicyState, SecurityPolicy};
use serde::Serialize;

use super::{meta, Store};
use crate::{Error, Result};

/// How many days before the offline erase the apps warn.
pub const OFFLINE_WARNING_DAYS: u32 = 7;

/// The team's policy and what this device follows, for people to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PolicyView {
    /// Whether this device holds a verified roster (no team policy otherwise).
    pub has_roster: bool,
    /// The team's policy: its newest signed link's, or the default.
    pub team: SecurityPolicy,
    /// That link; `None` when the team never signed one.
    pub signed: Option<PolicyState>,
    /// What this device chose for itself, if it did.
    pub local: Option<SecurityPolicy>,
    /// What this device follows.
    pub effective: SecurityPolicy,
}

impl Store {
    /// The team's policy as this device verified it, and the one it follows
    /// (unlocked: the verified roster is sealed).
    pub fn policy_view(&mut self) -> Result<PolicyView> {
        self.keys()?;
        let roster = self.roster()?;
        Ok(PolicyView {
            has_roster: roster.is_some(),
            team: roster.as_ref().map(|r| r.policy()).unwrap_or_default(),
            signed: roster.as_ref().and_then(|r| r.policy_link().copied()),
            local: self.local_policy()?,
            effective: self.policy,
        })
    }

    /// Sets this device's own policy: any values within the bounds on a
    /// store of no team; on a team's device, only values at least as strict
    /// as the team's signed policy (`LooserThanTeam` names the first that
    /// is not). The store must be unlocked.
    pub fn set_policy(&mut self, policy: SecurityPolicy) -> Result<()> {
        policy.validate().map_err(Error::Policy)?;
        self.keys()?;
        if let Some(roster) = self.roster()? {
            if let Some(looser) = policy.looser_than(&roster.policy()) {
                return Err(Error::LooserThanTeam(looser));
            }
        }
        meta::put_json(&self.conn, meta::LOCAL_POLICY, &policy)?;
        self.keep_effective_policy(policy)
    }

    /// The policy this device chose for itself, if it did.
    pub fn local_policy(&self) -> Result<Option<SecurityPolicy>> {
        meta::get_json(&self.conn, meta::LOCAL_POLICY)
    }

    /// Follows the team's signed policy: the effective policy becomes it,
    /// or this device's own choice where that is stricter.
    pub(crate) fn follow_team_policy(&mut self, team: &SecurityPolicy) -> Result<()> {
        let effective = match self.local_policy()? {
            Some(local) => local.strictest_with(team),
            None => *team,
        };
        self.keep_effective_policy(effective)
    }

    fn keep_effective_policy(&mut self, policy: SecurityPolicy) -> Result<()> {
        if policy != self.policy {
            meta::put_json(&self.conn, meta::POLICY, &policy)?;
            self.policy = policy;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    use fieldbook_trust::Entry;

    use super::*;
    use crate::testing::TestDevice;

    fn sign_team_policy(store: &mut Store, policy: SecurityPolicy) {
        let mut roster = store.roster().unwrap().unwrap();
        let links = store
            .sign_entries(&roster, vec![Entry::Policy { policy }])
            .unwrap();
        roster.apply(&links[0]).unwrap();
        store.set_roster(&roster).unwrap();
    }

    #[test]
    fn a_store_of_no_team_chooses_within_the_bounds() {
        let device = TestDevice::new();
        let mut store = device.create();
        let relaxed = SecurityPolicy {
            offline_erase_days: 60,
            free_attempts: 5,
            ..SecurityPolicy::default()
        };
        store.set_policy(relaxed).unwrap();
        assert_eq!(store.policy(), relaxed);
        assert!(matches!(
            store.set_policy(SecurityPolicy {
                offline_erase_days: 91,
                ..relaxed
            }),
            Err(Error::Policy(PolicyProblem::OutOfRange { .. }))
        ));
        assert_eq!(store.policy(), relaxed);
    }

    #[test]
    fn a_teams_device_follows_the_signed_policy_and_may_only_be_stricter() {
        let device = TestDevice::new();
        let mut store = device.create();
        crate::testing::sign_roster(&mut store);
        // A roster without a policy link: the default is the team's.
        let looser = store
            .set_policy(SecurityPolicy {
                auto_lock_secs: 3600,
                ..SecurityPolicy::default()
            })
            .unwrap_err();
        assert!(
            matches!(&looser, Error::LooserThanTeam(l) if l.setting == "auto_lock_secs" && l.team == 300),
            "{looser}"
        );
        let team = SecurityPolicy {
            offline_erase_days: 5,
            min_pin_digits: 8,
            ..SecurityPolicy::default()
        };
        sign_team_policy(&mut store, team);
        assert_eq!(store.policy(), team);
        let view = store.policy_view().unwrap();
        assert_eq!((view.team, view.effective, view.local), (team, team, None));
        assert_eq!(view.signed.unwrap().policy, team);

        // The device's own stricter choice survives a looser team policy.
        let own = SecurityPolicy {
            auto_lock_secs: 60,
            ..team
        };
        store.set_policy(own).unwrap();
        sign_team_policy(
            &mut store,
            SecurityPolicy {
                offline_erase_days: 20,
                max_failed_unlocks: 5,
                ..team
            },
        );
        let effective = store.policy();
        assert_eq!(
            (
                effective.auto_lock_secs,
                effective.offline_erase_days,
                effective.max_failed_unlocks,
                effective.min_pin_digits
            ),
            (60, 5, 5, 8)
        );

        // Kept in clear: a locked store reopened counts and expires by it.
        drop(store);
        let reopened = device.open().unwrap();
        assert_eq!(reopened.policy(), effective);
    }
}
