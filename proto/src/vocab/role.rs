//! What each role may hold and write. Devices refuse writes outside the
//! role, the hub refuses pushes outside it, and key rotation wraps each class
//! only to the roles that may hold it: one table for all of them.

use super::{RecordKind, SensitivityClass};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A team member's role; it decides the keys a device holds and what it may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Street outreach: clients, contacts, referrals and meetings, but no case notes.
    Outreach,
    /// Reads and writes every kind, case notes included.
    CaseManager,
    /// A peer leader: the same records as outreach, no case notes.
    PeerLeader,
    /// Every kind, and runs the team: invites, revokes devices, rotates keys and signs the roster.
    Supervisor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Outreach,
        Role::CaseManager,
        Role::PeerLeader,
        Role::Supervisor,
    ];

    /// The stable name on the wire, on command lines and in the roster.
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

    /// Whether this role holds the key that seals `kind`.
    pub fn may_read(self, kind: RecordKind) -> bool {
        self.key_classes().contains(&kind.sensitivity())
    }

    /// Whether a device of this role may write `kind`; devices and the hub both refuse the others.
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
