//! A check of the store from the apps: what is damaged, and what became of
//! it (rebuilt here, restored from the hub, or why not), each with a
//! message in the store's language.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use fieldbook_core::store::{self as core_store, check_header};
use fieldbook_core::sync::{check_store, CheckOptions};
use fieldbook_core::Lang;

use crate::error::FieldbookError;
use crate::store::FieldbookStore;
use crate::types::{Language, RecordKind};

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// Which stored thing is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DamagedPart {
    /// The store file's header.
    Header,
    /// A team key (one class and epoch).
    TeamKey,
    /// A record's list view.
    View,
    /// A record's merged state (what merges read).
    State,
    /// One version of a record (history, and what sync sends).
    Version,
    /// The lookup index (a client's records, clients by code or area).
    LookupIndex,
    /// The audit trail.
    AuditTrail,
}

/// What was done about a damaged thing, or what can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Remedy {
    /// Rebuilt from what this device holds intact.
    Rebuilt,
    /// Restored from the hub's copy.
    Restored,
    /// Not repaired (the check only looked): this device can rebuild it.
    Rebuildable,
    /// Not repaired yet: a check that reaches the hub restores it.
    HubCanRestore,
    /// Lost: damaged before it reached the hub.
    NeverReachedHub,
    /// Lost here: the hub holds no copy.
    NotOnHub,
    /// A team key only a new enrollment brings back.
    NeedsEnrollment,
    /// The audit trail: kept only here, nothing restores it; it stays as evidence.
    LocalOnly,
    /// A file header damaged beyond repair.
    Unrepairable,
}

/// A record named by id and kind.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DamagedRecord {
    /// The record's id.
    pub id: String,
    /// The record's kind.
    pub kind: RecordKind,
}

/// One damaged thing, named by its ids (never its contents), and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Damage {
    /// Which kind of stored thing.
    pub part: DamagedPart,
    /// The record it belongs to, when it belongs to one.
    pub record_id: Option<String>,
    /// That record's kind, when known.
    pub kind: Option<RecordKind>,
    /// The damaged version, for a version.
    pub version_id: Option<String>,
    /// The key class's stable name, for a team key.
    pub key_class: Option<String>,
    /// The key epoch, for a team key.
    pub key_epoch: Option<u32>,
    /// The first audit entry that does not verify.
    pub audit_seq: Option<i64>,
    /// For a team key: the records it sealed, unreadable while it is damaged.
    pub records: Vec<DamagedRecord>,
    /// What was done about it, or what can be.
    pub remedy: Remedy,
    /// For the person, in the store's language.
    pub message: String,
}

/// Whether the check asked the hub, and how that went.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HubContact {
    /// Nothing the hub holds was needed (or the check only looked).
    NotNeeded,
    /// This store is not enrolled with a hub.
    NotEnrolled,
    /// The hub answered.
    Reached,
    /// The hub could not be reached or refused.
    Unreachable {
        /// What the hub or the network said.
        error: String,
    },
}

/// What a check of the store found and did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckReport {
    /// Nothing is left damaged.
    pub ok: bool,
    /// How many records were read.
    pub records_checked: u64,
    /// How many record versions were read.
    pub versions_checked: u64,
    /// How many team keys were opened.
    pub team_keys_checked: u32,
    /// How many audit entries were verified (0 when the store could not be opened).
    pub audit_entries: u64,
    /// Each damaged thing, repaired or not.
    pub damage: Vec<Damage>,
    /// Whether the hub was asked, and how that went.
    pub hub: HubContact,
}

fn damage(d: &core_store::Damage, lang: Lang) -> Damage {
    use core_store::{DamagedPart as P, Remedy as R};
    Damage {
        part: match d.part {
            P::Header => DamagedPart::Header,
            P::TeamKey => DamagedPart::TeamKey,
            P::View => DamagedPart::View,
            P::State => DamagedPart::State,
            P::Version => DamagedPart::Version,
            P::LookupIndex => DamagedPart::LookupIndex,
            P::AuditTrail => DamagedPart::AuditTrail,
        },
        record_id: d.record_id.map(|id| id.to_string()),
        kind: d.kind,
        version_id: d.version_id.map(|id| id.to_string()),
        key_class: d.key_class.map(|class| class.as_str().to_string()),
        key_epoch: d.key_epoch,
        audit_seq: d.audit_seq,
        records: d
            .records
            .iter()
            .map(|r| DamagedRecord {
                id: r.id.to_string(),
                kind: r.kind,
            })
            .collect(),
        remedy: match d.remedy {
            R::Rebuilt => Remedy::Rebuilt,
            R::Restored => Remedy::Restored,
            R::Rebuildable => Remedy::Rebuildable,
            R::HubCanRestore => Remedy::HubCanRestore,
            R::NeverReachedHub => Remedy::NeverReachedHub,
            R::NotOnHub => Remedy::NotOnHub,
            R::NeedsEnrollment => Remedy::NeedsEnrollment,
            R::LocalOnly => Remedy::LocalOnly,
            R::Unrepairable => Remedy::Unrepairable,
        },
        message: d.message(lang),
    }
}

fn report(r: &core_store::CheckReport, lang: Lang) -> CheckReport {
    CheckReport {
        ok: r.ok,
        records_checked: r.records_checked,
        versions_checked: r.versions_checked,
        team_keys_checked: r.team_keys_checked,
        audit_entries: r.audit.as_ref().map_or(0, |a| a.entries),
        damage: r.damage.iter().map(|d| damage(d, lang)).collect(),
        hub: match &r.hub {
            core_store::HubContact::NotNeeded => HubContact::NotNeeded,
            core_store::HubContact::NotEnrolled => HubContact::NotEnrolled,
            core_store::HubContact::Reached => HubContact::Reached,
            core_store::HubContact::Unreachable(error) => HubContact::Unreachable {
                error: error.clone(),
            },
        },
    }
}

/// Checks the header of the store in `data_dir` before it is opened, and
/// with `repair` writes back the fields every store holds alike: call it
/// when opening fails with `Damaged`. `None` when the header is whole.
#[uniffi::export]
pub fn check_store_header(
    data_dir: String,
    repair: bool,
    language: Language,
) -> Result<Option<Damage>> {
    let lang: Lang = language.into();
    check_header(&PathBuf::from(data_dir), repair)
        .map(|found| found.map(|d| damage(&d, lang)))
        .map_err(|e| FieldbookError::from_core(e, lang))
}

#[uniffi::export]
impl FieldbookStore {
    /// Checks every sealed record, version and team key and the audit
    /// trail (unlocked only); with `repair`, rebuilds what this device can
    /// and restores from the hub what it holds. Blocks (it reads the whole
    /// store, and may read the team's log again): call it from a
    /// background worker. Waits for a running sync, and a sync waits for it.
    pub fn check_store(&self, repair: bool) -> Result<CheckReport> {
        let lang = self.lang();
        let (_running, store) = self.for_sync();
        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
        let options = CheckOptions {
            repair,
            ..CheckOptions::default()
        };
        check_store(&mut store, &options, &AtomicBool::new(false))
            .map(|r| report(&r, lang))
            .map_err(|e| FieldbookError::from_core(e, lang))
    }
}
