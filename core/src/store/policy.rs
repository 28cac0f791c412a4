//! Seizure protection settings: how long an idle store stays open, how wrong
//! PINs slow down, when the store erases itself, how long a device may stay
//! away from the hub, and how long a PIN must be.
//!
//! Every value has a floor and a ceiling: a policy can make a phone safer or
//! more convenient within bounds, never unprotected (no `max_failed_unlocks`
//! of four billion, no PIN of one digit, no device that may stay offline
//! forever).

use serde::{Deserialize, Serialize};

use super::pin_rules::MIN_PIN_DIGITS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityPolicy {
    /// Lock after this many seconds without use.
    pub auto_lock_secs: u64,
    /// Crypto-erase the store at this many consecutive wrong PINs.
    pub max_failed_unlocks: u32,
    /// Wrong PINs allowed before any waiting is imposed (typos happen).
    pub free_attempts: u32,
    /// The first wait after the free attempts; it doubles with each further failure.
    pub backoff_base_secs: u64,
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

/// How many days before the offline erase the apps warn.
pub const OFFLINE_WARNING_DAYS: u32 = 7;

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

/// One setting's bounds, for messages.
struct Bounds {
    name: &'static str,
    min: u64,
    max: u64,
}

const AUTO_LOCK: Bounds = Bounds {
    name: "auto_lock_secs",
    min: 30,
    max: 60 * 60,
};
const MAX_FAILED: Bounds = Bounds {
    name: "max_failed_unlocks",
    min: 3,
    max: 20,
};
const FREE_ATTEMPTS: Bounds = Bounds {
    name: "free_attempts",
    min: 1,
    max: 5,
};
const BACKOFF_BASE: Bounds = Bounds {
    name: "backoff_base_secs",
    min: 5,
    max: 10 * 60,
};
const BACKOFF_MAX: Bounds = Bounds {
    name: "backoff_max_secs",
    min: 60,
    max: 24 * 60 * 60,
};
const OFFLINE_DAYS: Bounds = Bounds {
    name: "offline_erase_days",
    min: 3,
    max: 90,
};
const PIN_DIGITS: Bounds = Bounds {
    name: "min_pin_digits",
    min: MIN_PIN_DIGITS as u64,
    max: 12,
};

impl Bounds {
    fn check(&self, value: u64) -> Result<(), String> {
        if (self.min..=self.max).contains(&value) {
            Ok(())
        } else {
            Err(format!(
                "{} must be between {} and {} (was {value})",
                self.name, self.min, self.max
            ))
        }
    }
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
    pub fn validate(&self) -> Result<(), String> {
        AUTO_LOCK.check(self.auto_lock_secs)?;
        MAX_FAILED.check(self.max_failed_unlocks.into())?;
        FREE_ATTEMPTS.check(self.free_attempts.into())?;
        BACKOFF_BASE.check(self.backoff_base_secs)?;
        BACKOFF_MAX.check(self.backoff_max_secs)?;
        OFFLINE_DAYS.check(self.offline_erase_days.into())?;
        PIN_DIGITS.check(self.min_pin_digits.into())?;
        if self.free_attempts > self.max_failed_unlocks {
            return Err("free_attempts must not be more than max_failed_unlocks".into());
        }
        if self.backoff_max_secs < self.backoff_base_secs {
            return Err("backoff_max_secs must be at least backoff_base_secs".into());
        }
        Ok(())
    }

    /// Milliseconds a device may stay away from the hub.
    pub fn offline_limit_ms(&self) -> u64 {
        u64::from(self.offline_erase_days) * 24 * 60 * 60 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                min_pin_digits: 4,
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
    }

    #[test]
    fn a_policy_stored_before_the_new_settings_reads_with_their_defaults() {
        let old = r#"{"auto_lock_secs":300,"max_failed_unlocks":10,"free_attempts":3,"backoff_base_secs":30,"backoff_max_secs":3600}"#;
        let p: SecurityPolicy = serde_json::from_str(old).unwrap();
        assert_eq!(p, SecurityPolicy::default());
    }
}
