//! Whether an enrolled device may still sync.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Whether an enrolled device may still sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// Enrolled and not revoked: may sync.
    Active,
    /// Revoked by a supervisor: the hub refuses it, and the team's keys were rotated past it.
    Revoked,
}

impl DeviceStatus {
    /// Every status.
    pub const ALL: [DeviceStatus; 2] = [DeviceStatus::Active, DeviceStatus::Revoked];

    /// The stable name on the wire and in the hub's database.
    pub fn as_str(self) -> &'static str {
        match self {
            DeviceStatus::Active => "active",
            DeviceStatus::Revoked => "revoked",
        }
    }
}

impl fmt::Display for DeviceStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DeviceStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| format!("unknown device status '{s}' (use active or revoked)"))
    }
}
