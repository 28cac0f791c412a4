//! The enums the apps switch on, mirrored from the core so that the core's
//! own types stay free of FFI attributes.

use fieldbook_core::record::RecordKind as CoreKind;
use fieldbook_core::store::Role as CoreRole;
use fieldbook_core::Lang;
use fieldbook_proto::vocab::DeviceStatus as CoreDeviceStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum RecordKind {
    Client,
    Contact,
    CaseNote,
    Referral,
    Meeting,
}

impl From<RecordKind> for CoreKind {
    fn from(kind: RecordKind) -> Self {
        match kind {
            RecordKind::Client => CoreKind::Client,
            RecordKind::Contact => CoreKind::Contact,
            RecordKind::CaseNote => CoreKind::CaseNote,
            RecordKind::Referral => CoreKind::Referral,
            RecordKind::Meeting => CoreKind::Meeting,
        }
    }
}

impl From<CoreKind> for RecordKind {
    fn from(kind: CoreKind) -> Self {
        match kind {
            CoreKind::Client => RecordKind::Client,
            CoreKind::Contact => RecordKind::Contact,
            CoreKind::CaseNote => RecordKind::CaseNote,
            CoreKind::Referral => RecordKind::Referral,
            CoreKind::Meeting => RecordKind::Meeting,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Role {
    Outreach,
    CaseManager,
    PeerLeader,
    Supervisor,
}

impl From<Role> for CoreRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Outreach => CoreRole::Outreach,
            Role::CaseManager => CoreRole::CaseManager,
            Role::PeerLeader => CoreRole::PeerLeader,
            Role::Supervisor => CoreRole::Supervisor,
        }
    }
}

impl From<CoreRole> for Role {
    fn from(role: CoreRole) -> Self {
        match role {
            CoreRole::Outreach => Role::Outreach,
            CoreRole::CaseManager => Role::CaseManager,
            CoreRole::PeerLeader => Role::PeerLeader,
            CoreRole::Supervisor => Role::Supervisor,
        }
    }
}

/// Whether a team device may still sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum DeviceStatus {
    Active,
    Revoked,
}

impl From<CoreDeviceStatus> for DeviceStatus {
    fn from(status: CoreDeviceStatus) -> Self {
        match status {
            CoreDeviceStatus::Active => DeviceStatus::Active,
            CoreDeviceStatus::Revoked => DeviceStatus::Revoked,
        }
    }
}

/// The language of labels and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, uniffi::Enum)]
pub enum Language {
    #[default]
    Vietnamese,
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
    pub team_id: String,
    pub device_id: String,
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
