//! The enums the apps switch on. The vocabulary's own types cross the FFI:
//! uniffi's remote derive states their variants here once, and the compiler
//! holds the statement to the definition in `fieldbook_proto::vocab`, so no
//! conversion is written by hand and none can drift.

use fieldbook_core::Lang;

pub use fieldbook_proto::vocab::{DeviceStatus, RecordKind, Role};

#[uniffi::remote(Enum)]
pub enum RecordKind {
    Client,
    Contact,
    CaseNote,
    Referral,
    Meeting,
}

#[uniffi::remote(Enum)]
pub enum Role {
    Outreach,
    CaseManager,
    PeerLeader,
    Supervisor,
}

/// Whether a team device may still sync.
#[uniffi::remote(Enum)]
pub enum DeviceStatus {
    Active,
    Revoked,
}

/// The language of labels and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Language {
    /// Tiếng Việt: the default.
    #[default]
    Vietnamese,
    /// English.
    English,
}

impl From<Language> for Lang {
    fn from(language: Language) -> Self {
        match language {
            Language::Vietnamese => Lang::Vi,
            Language::English => Lang::En,
        }
    }
}

/// Which ids this device has on its team.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceIdentity {
    /// The team's id.
    pub team_id: String,
    /// This device's id in the team.
    pub device_id: String,
    /// This device's role, which decides what it may read and write.
    pub role: Role,
}

/// The store's seizure protection settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct SecuritySettings {
    /// Lock after this many seconds without use.
    pub auto_lock_secs: u64,
    /// Crypto-erase at this many consecutive wrong PINs.
    pub max_failed_unlocks: u32,
    /// Wrong PINs allowed before each further try must wait.
    pub free_attempts: u32,
}
