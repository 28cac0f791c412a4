//! The five kinds of record and the sensitivity class each is sealed under.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Client,
    Contact,
    CaseNote,
    Referral,
    Meeting,
}

impl RecordKind {
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Client,
        RecordKind::Contact,
        RecordKind::CaseNote,
        RecordKind::Referral,
        RecordKind::Meeting,
    ];

    /// The stable name stored in the database and bound into sealed values.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Client => "client",
            RecordKind::Contact => "contact",
            RecordKind::CaseNote => "case_note",
            RecordKind::Referral => "referral",
            RecordKind::Meeting => "meeting",
        }
    }

    /// The name used on command lines (`case-note`).
    pub fn cli_name(self) -> &'static str {
        match self {
            RecordKind::CaseNote => "case-note",
            other => other.as_str(),
        }
    }

    /// Case notes hold the whole-person assessment and are readable only by
    /// case managers and supervisors, so they get their own team key.
    pub fn sensitivity(self) -> SensitivityClass {
        match self {
            RecordKind::CaseNote => SensitivityClass::CaseNotes,
            _ => SensitivityClass::Outreach,
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "client" => Ok(RecordKind::Client),
            "contact" => Ok(RecordKind::Contact),
            "case_note" => Ok(RecordKind::CaseNote),
            "referral" => Ok(RecordKind::Referral),
            "meeting" => Ok(RecordKind::Meeting),
            other => Err(format!(
                "unknown record kind '{other}' (use client, contact, case-note, referral or meeting)"
            )),
        }
    }
}

/// Which team key seals a record. A role holds the keys of the classes it may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitivityClass {
    /// Clients, outreach contacts, referrals and group meetings.
    Outreach,
    /// Case notes: case managers and supervisors only.
    CaseNotes,
}

impl SensitivityClass {
    pub const ALL: [SensitivityClass; 2] =
        [SensitivityClass::Outreach, SensitivityClass::CaseNotes];

    pub fn as_str(self) -> &'static str {
        match self {
            SensitivityClass::Outreach => "outreach",
            SensitivityClass::CaseNotes => "case_notes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for SensitivityClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SensitivityClass {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s).ok_or_else(|| format!("unknown sensitivity class '{s}'"))
    }
}
