//! What guards a store on a seized phone, as the apps use it: the duress
//! PIN, the offline-expiry warning, and what an erase left behind.

use crate::error::FieldbookError;
use crate::store::FieldbookStore;

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// How long a device linked to a hub has been away from it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OfflineStatus {
    /// Whole days since the device last reached the hub.
    pub days_offline: u32,
    /// Days left before the store erases itself at its next open or unlock.
    pub days_left: u32,
    /// Show the warning (from a week before).
    pub warn: bool,
}

/// What an erase could not remove; `None` everywhere when everything went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EraseReport {
    /// Why the key store kept the platform key (nothing is left for it to open).
    pub platform_key_left: Option<String>,
}

#[uniffi::export]
impl FieldbookStore {
    /// Crypto-erases the store now: the person's own choice, or a panic button.
    pub fn erase(&self) -> Result<EraseReport> {
        let report = self.with(|s| s.erase())?;
        Ok(EraseReport {
            platform_key_left: report.platform_key_left,
        })
    }

    /// Sets the duress PIN (unlocked only): typed at the unlock screen, it
    /// erases the store without a sign and opens an empty one in its place.
    pub fn set_duress_pin(&self, duress_pin: String) -> Result<()> {
        self.with(|s| s.set_duress_pin(&duress_pin))
    }

    /// Removes the duress PIN (unlocked only).
    pub fn clear_duress_pin(&self) -> Result<()> {
        self.with(|s| s.clear_duress_pin())
    }

    /// Whether a duress PIN is set (unlocked only: a locked store does not say).
    pub fn has_duress_pin(&self) -> Result<bool> {
        self.with(|s| s.has_duress_pin())
    }

    /// `None` for a store never linked to a hub. Works while locked.
    pub fn offline_status(&self) -> Result<Option<OfflineStatus>> {
        let status = self.with(|s| s.offline_status())?;
        Ok(status.map(|s| OfflineStatus {
            days_offline: s.days_offline,
            days_left: s.days_left,
            warn: s.warn,
        }))
    }
}
