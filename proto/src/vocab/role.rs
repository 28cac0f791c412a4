//! What each role may hold and write. Devices refuse writes outside the
//! role, the hub refuses pushes outside it, and key rotation wraps each class
//! only to the roles that may hold it: one table for all of them.

use super::{RecordKind, SensitivityClass};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Outreach,
    CaseManager,
    PeerLeader,
    Supervisor,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Outreach,
        Role::CaseManager,
        Role::PeerLeader,
        Role::Supervisor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Outreach => "outreach",
            Role::CaseManager => "case-manager",
            Role::PeerLeader => "peer-leader",
            Role::Supervisor => "supervisor",
        }
    }

    /// The sensitivity classes whose team keys this role holds.
    pub fn key_classes(self) -> &'static [SensitivityClass] {
        match self {
            Role::Outreach | Role::PeerLeader => &[SensitivityClass::Outreach],
            Role::CaseManager | Role::Supervisor => {
                &[SensitivityClass::Outreach, SensitivityClass::CaseNotes]
            }
        }
    }

    pub fn may_read(self, kind: RecordKind) -> bool {
        self.key_classes().contains(&kind.sensitivity())
    }

    pub fn may_write(self, kind: RecordKind) -> bool {
        use RecordKind::*;
        match self {
            Role::Supervisor | Role::CaseManager => true,
            Role::Outreach => matches!(kind, Client | Contact | Referral | Meeting),
            Role::PeerLeader => matches!(kind, Client | Contact | Meeting | Referral),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.to_ascii_lowercase().replace('_', "-"))
            .ok_or_else(|| {
                format!(
                    "unknown role '{s}' (use outreach, case-manager, peer-leader or supervisor)"
                )
            })
    }
}
