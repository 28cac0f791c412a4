//! Seizure protection settings: how long an idle store stays open, how wrong
//! PINs slow down, and when the store erases itself.

use serde::{Deserialize, Serialize};

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
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        SecurityPolicy {
            auto_lock_secs: 5 * 60,
            max_failed_unlocks: 10,
            free_attempts: 3,
            backoff_base_secs: 30,
            backoff_max_secs: 60 * 60,
        }
    }
}

impl SecurityPolicy {
    /// How long to wait after `failures` consecutive wrong PINs before the next try.
    pub fn backoff_secs(&self, failures: u32) -> u64 {
        if failures < self.free_attempts.max(1) {
            return 0;
        }
        let doublings = (failures - self.free_attempts.max(1)).min(30);
        self.backoff_base_secs
            .saturating_mul(1u64 << doublings)
            .min(self.backoff_max_secs)
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.max_failed_unlocks == 0 {
            return Err("max_failed_unlocks must be at least 1".into());
        }
        if self.auto_lock_secs == 0 {
            return Err("auto_lock_secs must be at least 1".into());
        }
        Ok(())
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
}
