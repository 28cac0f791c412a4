//! The security policy: how long an idle store stays open, how wrong PINs
//! slow down, when the store erases itself, how long a device may stay away
//! from the hub, and how long a PIN must be.
//!
//! A team's policy is a roster link a certified supervisor signs (see
//! [`crate::Entry::Policy`]), so it lives here, beside the rules that verify
//! it: a device and the hub check a policy link's values with the same
//! bounds a device checks its own settings with.
//!
//! Every value has a floor and a ceiling: a policy can make a phone safer or
//! more convenient within bounds, never unprotected (no `max_failed_unlocks`
//! of four billion, no PIN of one digit, no device that may stay offline
//! forever).

use serde::{Deserialize, Serialize};

/// The fewest digits a PIN may have, whatever the team's policy says.
pub const MIN_PIN_DIGITS: u32 = 6;

/// Parsed strictly, like every part of a signed statement: a setting this
/// build does not know is refused rather than silently dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityPolicy {
    /// Lock after this many seconds without use.
    pub auto_lock_secs: u64,
    /// Crypto-erase the store at this many consecutive wrong PINs.
    pub max_failed_unlocks: u32,
    /// Wrong PINs allowed before any waiting is imposed (typos happen).
    pub free_attempts: u32,
    /// The first wait after the free attempts; it doubles with each further failure.
    pub backoff_base_secs: u64,
    /// The longest wait between PIN attempts, however many failures.
    pub backoff_max_secs: u64,
    /// Crypto-erase a device that has not reached the hub for this many days
    /// (a seized phone kept offline never hears its wipe order).
    #[serde(default = "default_offline_days")]
    pub offline_erase_days: u32,
    /// The fewest digits a PIN may have.
    #[serde(default = "default_min_pin_digits")]
    pub min_pin_digits: u32,
}

fn default_offline_days() -> u32 {
    30
}

fn default_min_pin_digits() -> u32 {
    MIN_PIN_DIGITS
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            auto_lock_secs: 5 * 60,
            max_failed_unlocks: 10,
            free_attempts: 3,
            backoff_base_secs: 30,
            backoff_max_secs: 60 * 60,
            offline_erase_days: default_offline_days(),
            min_pin_digits: default_min_pin_digits(),
        }
    }
}

/// Which way a setting protects more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stricter {
    /// A smaller value protects more (fewer idle seconds, fewer guesses, fewer days away).
    Lower,
    /// A larger value protects more (longer waits, longer PINs).
    Higher,
}

/// One setting: its name, its bounds, which way is stricter, and how to
/// read and write it.
struct Setting {
    name: &'static str,
    min: u64,
    max: u64,
    stricter: Stricter,
    get: fn(&SecurityPolicy) -> u64,
    /// Only ever given a value read from a policy's own field, or checked
    /// against the bounds, so a `u32` field never truncates.
    set: fn(&mut SecurityPolicy, u64),
}

const SETTINGS: [Setting; 7] = [
    Setting {
        name: "auto_lock_secs",
        min: 30,
        max: 60 * 60,
        stricter: Stricter::Lower,
        get: |p| p.auto_lock_secs,
        set: |p, v| p.auto_lock_secs = v,
    },
    Setting {
        name: "max_failed_unlocks",
        min: 3,
        max: 20,
        stricter: Stricter::Lower,
        get: |p| p.max_failed_unlocks.into(),
        set: |p, v| p.max_failed_unlocks = v as u32,
    },
    Setting {
        name: "free_attempts",
        min: 1,
        max: 5,
        stricter: Stricter::Lower,
        get: |p| p.free_attempts.into(),
        set: |p, v| p.free_attempts = v as u32,
    },
    Setting {
        name: "backoff_base_secs",
        min: 5,
        max: 10 * 60,
        stricter: Stricter::Higher,
        get: |p| p.backoff_base_secs,
        set: |p, v| p.backoff_base_secs = v,
    },
    Setting {
        name: "backoff_max_secs",
        min: 60,
        max: 24 * 60 * 60,
        stricter: Stricter::Higher,
        get: |p| p.backoff_max_secs,
        set: |p, v| p.backoff_max_secs = v,
    },
    Setting {
        name: "offline_erase_days",
        min: 3,
        max: 90,
        stricter: Stricter::Lower,
        get: |p| p.offline_erase_days.into(),
        set: |p, v| p.offline_erase_days = v as u32,
    },
    Setting {
        name: "min_pin_digits",
        min: MIN_PIN_DIGITS as u64,
        max: 12,
        stricter: Stricter::Higher,
        get: |p| p.min_pin_digits.into(),
        set: |p, v| p.min_pin_digits = v as u32,
    },
];

/// Why a policy is refused. Names the setting; carries only numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PolicyProblem {
    /// A setting outside its floor and ceiling.
    #[error("{setting} must be between {min} and {max} (was {value})")]
    OutOfRange {
        /// The setting's name in the policy.
        setting: &'static str,
        /// Its floor.
        min: u64,
        /// Its ceiling.
        max: u64,
        /// The value refused.
        value: u64,
    },
    /// More free attempts than the wrong PINs that erase the store.
    #[error("free_attempts must not be more than max_failed_unlocks")]
    FreeAttemptsAboveMax,
    /// A longest wait shorter than the first one.
    #[error("backoff_max_secs must be at least backoff_base_secs")]
    BackoffMaxBelowBase,
}

/// A setting a device asked to make looser than its team's policy allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the team's signed policy sets {setting} to {team}: this device may only be stricter ({}), not {asked}",
    match .stricter { Stricter::Lower => "lower", Stricter::Higher => "higher" }
)]
pub struct LooserThanTeam {
    /// The setting's name in the policy.
    pub setting: &'static str,
    /// The team's value.
    pub team: u64,
    /// The value the device asked for.
    pub asked: u64,
    /// Which way is stricter for this setting.
    pub stricter: Stricter,
}

impl SecurityPolicy {
    /// How long to wait after `failures` consecutive wrong (or unfinished)
    /// PIN attempts before the next try.
    pub fn backoff_secs(&self, failures: u32) -> u64 {
        if failures < self.free_attempts.max(1) {
            return 0;
        }
        let doublings = (failures - self.free_attempts.max(1)).min(30);
        self.backoff_base_secs
            .saturating_mul(1u64 << doublings)
            .min(self.backoff_max_secs)
    }

    /// Refuses a value outside its floor and ceiling, naming it.
    pub fn validate(&self) -> Result<(), PolicyProblem> {
        for s in &SETTINGS {
            let value = (s.get)(self);
            if !(s.min..=s.max).contains(&value) {
                return Err(PolicyProblem::OutOfRange {
                    setting: s.name,
                    min: s.min,
                    max: s.max,
                    value,
                });
            }
        }
        if self.free_attempts > self.max_failed_unlocks {
            return Err(PolicyProblem::FreeAttemptsAboveMax);
        }
        if self.backoff_max_secs < self.backoff_base_secs {
            return Err(PolicyProblem::BackoffMaxBelowBase);
        }
        Ok(())
    }

    /// Milliseconds a device may stay away from the hub.
    pub fn offline_limit_ms(&self) -> u64 {
        u64::from(self.offline_erase_days) * 24 * 60 * 60 * 1000
    }

    /// The first setting in which this policy protects less than `team`.
    pub fn looser_than(&self, team: &SecurityPolicy) -> Option<LooserThanTeam> {
        SETTINGS.iter().find_map(|s| {
            let (asked, floor) = ((s.get)(self), (s.get)(team));
            let looser = match s.stricter {
                Stricter::Lower => asked > floor,
                Stricter::Higher => asked < floor,
            };
            looser.then_some(LooserThanTeam {
                setting: s.name,
                team: floor,
                asked,
                stricter: s.stricter,
            })
        })
    }

    /// Each setting at the stricter of the two. Two valid policies give a
    /// valid one: the smaller of two free-attempt counts stays within the
    /// smaller of their maxima, and the larger of two back-off caps stays
    /// above the larger of their bases.
    pub fn strictest_with(&self, other: &SecurityPolicy) -> SecurityPolicy {
        let mut out = *self;
        for s in &SETTINGS {
            let (a, b) = ((s.get)(self), (s.get)(other));
            let value = match s.stricter {
                Stricter::Lower => a.min(b),
                Stricter::Higher => a.max(b),
            };
            (s.set)(&mut out, value);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn backoff_starts_after_the_free_attempts_and_doubles_up_to_the_cap() {
        let p = SecurityPolicy::default();
        assert_eq!(p.backoff_secs(1), 0);
        assert_eq!(p.backoff_secs(2), 0);
        assert_eq!(p.backoff_secs(3), 30);
        assert_eq!(p.backoff_secs(4), 60);
        assert_eq!(p.backoff_secs(5), 120);
        assert_eq!(p.backoff_secs(40), 3600);
    }

    #[test]
    fn every_value_has_a_floor_and_a_ceiling() {
        assert!(SecurityPolicy::default().validate().is_ok());
        let bad = [
            SecurityPolicy {
                max_failed_unlocks: u32::MAX,
                ..Default::default()
            },
            SecurityPolicy {
                max_failed_unlocks: 1,
                ..Default::default()
            },
            SecurityPolicy {
                auto_lock_secs: u64::MAX,
                ..Default::default()
            },
            SecurityPolicy {
                auto_lock_secs: 0,
                ..Default::default()
            },
            SecurityPolicy {
                offline_erase_days: 10_000,
                ..Default::default()
            },
            SecurityPolicy {
                offline_erase_days: 2,
                ..Default::default()
            },
            SecurityPolicy {
                min_pin_digits: 4,
                ..Default::default()
            },
            SecurityPolicy {
                min_pin_digits: 13,
                ..Default::default()
            },
            SecurityPolicy {
                free_attempts: 5,
                max_failed_unlocks: 4,
                ..Default::default()
            },
            SecurityPolicy {
                backoff_base_secs: 600,
                backoff_max_secs: 60,
                ..Default::default()
            },
        ];
        for policy in bad {
            assert!(policy.validate().is_err(), "{policy:?}");
        }
        assert_eq!(
            SecurityPolicy {
                offline_erase_days: 91,
                ..Default::default()
            }
            .validate(),
            Err(PolicyProblem::OutOfRange {
                setting: "offline_erase_days",
                min: 3,
                max: 90,
                value: 91
            })
        );
    }

    #[test]
    fn a_policy_stored_before_the_new_settings_reads_with_their_defaults() {
        let old = r#"{"auto_lock_secs":300,"max_failed_unlocks":10,"free_attempts":3,"backoff_base_secs":30,"backoff_max_secs":3600}"#;
        let p: SecurityPolicy = serde_json::from_str(old).unwrap();
        assert_eq!(p, SecurityPolicy::default());
    }

    #[test]
    fn a_setting_this_build_does_not_know_is_refused() {
        let newer = r#"{"auto_lock_secs":300,"max_failed_unlocks":10,"free_attempts":3,"backoff_base_secs":30,"backoff_max_secs":3600,"offline_erase_days":30,"min_pin_digits":6,"duress_required":true}"#;
        assert!(serde_json::from_str::<SecurityPolicy>(newer).is_err());
    }

    #[test]
    fn looser_names_the_first_setting_that_protects_less() {
        let team = SecurityPolicy {
            offline_erase_days: 5,
            min_pin_digits: 8,
            ..Default::default()
        };
        assert_eq!(team.looser_than(&team), None);
        let stricter = SecurityPolicy {
            offline_erase_days: 3,
            min_pin_digits: 10,
            auto_lock_secs: 60,
            ..team
        };
        assert_eq!(stricter.looser_than(&team), None);
        let shorter_pin = SecurityPolicy {
            min_pin_digits: 6,
            ..team
        };
        assert_eq!(
            shorter_pin.looser_than(&team),
            Some(LooserThanTeam {
                setting: "min_pin_digits",
                team: 8,
                asked: 6,
                stricter: Stricter::Higher
            })
        );
        let longer_away = SecurityPolicy {
            offline_erase_days: 30,
            ..team
        };
        assert_eq!(
            longer_away.looser_than(&team).map(|l| l.setting),
            Some("offline_erase_days")
        );
    }

    fn valid_policy() -> impl Strategy<Value = SecurityPolicy> {
        (
            30u64..=3600,
            3u32..=20,
            1u32..=5,
            5u64..=600,
            60u64..=86_400,
            3u32..=90,
            6u32..=12,
        )
            .prop_map(|(a, m, f, b, bm, o, d)| SecurityPolicy {
                auto_lock_secs: a,
                max_failed_unlocks: m,
                free_attempts: f.min(m),
                backoff_base_secs: b,
                backoff_max_secs: bm.max(b),
                offline_erase_days: o,
                min_pin_digits: d,
            })
    }

    proptest! {
        #[test]
        fn the_strictest_of_two_valid_policies_is_valid_and_looser_than_neither(
            a in valid_policy(),
            b in valid_policy(),
        ) {
            prop_assert!(a.validate().is_ok());
            let s = a.strictest_with(&b);
            prop_assert!(s.validate().is_ok(), "{:?}", s);
            prop_assert_eq!(s.looser_than(&a), None);
            prop_assert_eq!(s.looser_than(&b), None);
            prop_assert_eq!(s, b.strictest_with(&a));
        }
    }
}
