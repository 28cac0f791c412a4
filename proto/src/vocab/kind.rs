//! The five kinds of record and the sensitivity class each is sealed under.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of a record; it decides its form, its sensitivity class and which roles may write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A person the team works with, known by a client code rather than a name.
    Client,
    /// One outreach contact with a client.
    Contact,
    /// A case manager's note on a client; sealed under the case-notes key.
    CaseNote,
    /// A client sent to another service (see [`crate::vocab::ReferralStatus`]).
    Referral,
    /// A group meeting.
    Meeting,
}

impl RecordKind {
    /// Every kind, in the order menus and reports list them.
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
    /// Every class.
    pub const ALL: [SensitivityClass; 2] =
        [SensitivityClass::Outreach, SensitivityClass::CaseNotes];

    /// The stable name in stores, on the wire and in sealed values' context.
    pub fn as_str(self) -> &'static str {
        match self {
            SensitivityClass::Outreach => "outreach",
            SensitivityClass::CaseNotes => "case_notes",
        }
    }

    /// The class of a stable name, if it is one.
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
