//! Records as the screens show them: current values typed by the form,
//! fields in conflict with the values they beat, and every version.

use std::collections::HashMap;

use std::sync::Arc;

use fieldbook_core::forms::{FieldDef, FormRegistry};
use fieldbook_core::queries::{DueItem as CoreDueItem, DueReason as CoreDueReason};
use fieldbook_core::store::Store;
use fieldbook_core::store::{
    FieldConflict as CoreConflict, HistoryEntry as CoreHistory, Listing, RecordDetails, RecordView,
    RowListing,
};
use fieldbook_core::RecordKind as CoreKind;
use serde_json::{Map, Value};

use crate::types::RecordKind;
use crate::values::FieldValue;

/// A record's current values, as a screen shows it.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Record {
    /// The record's id (a UUID).
    pub id: String,
    /// Its kind, and so its form.
    pub kind: RecordKind,
    /// The form version the record was last written with.
    pub form_version: u32,
    /// The winning value of every form field that has one, by field key.
    pub values: HashMap<String, FieldValue>,
    /// Fields whose shown value beat a concurrent edit on another device.
    pub conflicts: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// When it was last written (RFC 3339).
    pub updated_at: String,
    /// The device that wrote its current version.
    pub updated_by_device: String,
}

/// A record with, for each conflicted field, the values it beat.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordWithConflicts {
    /// The record itself.
    pub record: Record,
    /// One entry per field in conflict.
    pub conflicts: Vec<FieldConflict>,
}

/// A field whose shown value beat concurrent edits from other devices.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldConflict {
    /// The field's key.
    pub field: String,
    /// The value shown (`None`: the field was cleared).
    pub value: Option<FieldValue>,
    /// The values it beat.
    pub losing_values: Vec<LosingValue>,
}

/// A value that lost a conflict, and where it came from.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LosingValue {
    /// The value (`None`: that edit cleared the field).
    pub value: Option<FieldValue>,
    /// When that device wrote it (RFC 3339, its clock).
    pub written_at: String,
    /// The device that wrote it.
    pub device: String,
    /// Written with a clock far ahead: an edit made after it took over.
    pub clock_ahead: bool,
}

/// One version of a record: what one write changed.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HistoryEntry {
    /// The version's id.
    pub version_id: String,
    /// When it was written (RFC 3339, the writing device's clock).
    pub written_at: String,
    /// The device that wrote it.
    pub device: String,
    /// The form version it was written with.
    pub form_version: u32,
    /// The fields it set or cleared.
    pub changes: Vec<FieldChange>,
    /// This version deleted the record.
    pub deletes: bool,
}

/// One field a version set or cleared.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FieldChange {
    /// The field's key.
    pub field: String,
    /// `None`: the field was cleared.
    pub value: Option<FieldValue>,
}

/// The readable records of a list, and the ids of those that could not be
/// read (damaged or tampered with): the screen says so rather than hiding them.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RecordList {
    /// The records that could be read.
    pub records: Vec<Record>,
    /// The ids of those that could not.
    pub unreadable_ids: Vec<String>,
}

/// A client as the clients list, search and link pickers show it: the few
/// values they need, read from the client's list row without opening the
/// record. A detail screen opens the record itself.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClientRow {
    /// The client's id (a UUID).
    pub id: String,
    /// The alias (`None` when the form left it empty).
    pub alias: Option<String>,
    /// The identifier code.
    pub code: Option<String>,
    /// The area or hotspot.
    pub area: Option<String>,
    /// The status, as the name of one of the form's choices.
    pub status: Option<String>,
    /// The sex, as the name of one of the form's choices.
    pub sex: Option<String>,
    /// The year of birth.
    pub birth_year: Option<i64>,
    /// A field's shown value beat a concurrent edit on another device.
    pub has_conflicts: bool,
    /// When it was last written (RFC 3339).
    pub updated_at: String,
}

/// The readable clients of a list or search, and the ids of those that
/// could not be read (damaged or tampered with).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClientList {
    /// The clients that could be read, by alias.
    pub clients: Vec<ClientRow>,
    /// The ids of those that could not.
    pub unreadable_ids: Vec<String>,
}

impl From<&RowListing> for ClientList {
    fn from(listing: &RowListing) -> Self {
        ClientList {
            clients: listing
                .rows
                .iter()
                .map(|row| ClientRow {
                    id: row.id.to_string(),
                    alias: row.alias.clone(),
                    code: row.code.clone(),
                    area: row.area.clone(),
                    status: row.status.clone(),
                    sex: row.sex.clone(),
                    birth_year: row.birth_year,
                    has_conflicts: row.has_conflicts,
                    updated_at: row.updated_at.to_rfc3339(),
                })
                .collect(),
            unreadable_ids: listing.unreadable.iter().map(|id| id.to_string()).collect(),
        }
    }
}

/// One record of a client's timeline.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct TimelineEntry {
    /// The day the record is about (`YYYY-MM-DD`), when it has one.
    pub date: Option<String>,
    /// The record.
    pub record: Record,
}

/// Why a follow-up is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum DueReason {
    /// A referral still open past its follow-up date.
    ReferralFollowUp,
    /// The next follow-up a client's latest case note set.
    CaseNoteFollowUp,
}

/// A follow-up due or overdue on a day.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DueItem {
    /// Why it is due.
    pub reason: DueReason,
    /// The referral or case note that asks for it.
    pub record_id: String,
    /// That record's kind.
    pub kind: RecordKind,
    /// The client it concerns, when the record names one.
    pub client_id: Option<String>,
    /// That client's alias, to show.
    pub client_alias: Option<String>,
    /// The day it is due (`YYYY-MM-DD`).
    pub due_date: String,
    /// Days past due; 0 is due that day.
    pub days_overdue: i64,
    /// Whether the due day is before the day asked about.
    pub overdue: bool,
    /// The referral's service, for referral follow-ups.
    pub service: Option<String>,
}

/// Referrals of one status, by follow-up date.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReferralGroup {
    /// The referral status (`draft`, `sent`, ...).
    pub status: String,
    /// The referrals of that status.
    pub referrals: Vec<Record>,
}

/// Types stored values by the form each record was written with, so a
/// field a supervisor's published form added (a choice, a phone number)
/// comes out typed like a built-in one. A locked store knows only the
/// built-in forms.
pub(crate) struct Typing(Arc<FormRegistry>);

impl Typing {
    pub(crate) fn of(store: &mut Store) -> Typing {
        Typing(
            store
                .forms()
                .unwrap_or_else(|_| Arc::new(FormRegistry::builtin())),
        )
    }

    /// The field `key` of `kind` at `version`; the form in use stands in for
    /// a version this device does not hold.
    fn field(&self, kind: CoreKind, version: u32, key: &str) -> Option<&FieldDef> {
        let known = self
            .0
            .version(kind, version)
            .unwrap_or_else(|| self.0.current(kind));
        known.definition.field(key)
    }

    fn value(&self, kind: CoreKind, version: u32, key: &str, value: &Value) -> Option<FieldValue> {
        FieldValue::from_json(self.field(kind, version, key), value)
    }

    fn values(
        &self,
        kind: CoreKind,
        version: u32,
        values: &Map<String, Value>,
    ) -> HashMap<String, FieldValue> {
        values
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), self.value(kind, version, k, v)?)))
            .collect()
    }

    pub(crate) fn record(&self, view: &RecordView) -> Record {
        Record {
            id: view.id.to_string(),
            kind: view.kind,
            form_version: view.form_version,
            values: self.values(view.kind, view.form_version, &view.values),
            conflicts: view.conflicts.clone(),
            created_at: view.created_at.to_rfc3339(),
            updated_at: view.updated_at.to_rfc3339(),
            updated_by_device: view.updated_by.to_string(),
        }
    }

    pub(crate) fn records(&self, views: &[RecordView]) -> Vec<Record> {
        views.iter().map(|v| self.record(v)).collect()
    }

    pub(crate) fn list(&self, listing: &Listing) -> RecordList {
        RecordList {
            records: self.records(&listing.records),
            unreadable_ids: listing.unreadable.iter().map(|id| id.to_string()).collect(),
        }
    }

    pub(crate) fn details(&self, details: &RecordDetails) -> RecordWithConflicts {
        let view = &details.view;
        RecordWithConflicts {
            record: self.record(view),
            conflicts: details
                .conflict_details
                .iter()
                .map(|c| self.conflict(view.kind, view.form_version, c))
                .collect(),
        }
    }

    fn conflict(&self, kind: CoreKind, version: u32, conflict: &CoreConflict) -> FieldConflict {
        let typed = |value: &Value| self.value(kind, version, &conflict.field, value);
        FieldConflict {
            field: conflict.field.clone(),
            value: typed(&conflict.value),
            losing_values: conflict
                .losing_values
                .iter()
                .map(|l| LosingValue {
                    value: typed(&l.value),
                    written_at: l.written_at.to_rfc3339(),
                    device: l.device.to_string(),
                    clock_ahead: l.clock_ahead,
                })
                .collect(),
        }
    }

    /// One version of a record, typed by the form it was written with.
    pub(crate) fn history_entry(&self, kind: CoreKind, entry: &CoreHistory) -> HistoryEntry {
        let deleted_key = fieldbook_core::record::meta_fields::DELETED;
        HistoryEntry {
            version_id: entry.version_id.to_string(),
            written_at: entry.written_at.to_rfc3339(),
            device: entry.device.to_string(),
            form_version: entry.form_version,
            changes: entry
                .changes
                .iter()
                .filter(|(k, _)| k.as_str() != deleted_key)
                .map(|(k, v)| FieldChange {
                    field: k.clone(),
                    value: self.value(kind, entry.form_version, k, v),
                })
                .collect(),
            deletes: entry.changes.get(deleted_key) == Some(&Value::Bool(true)),
        }
    }
}

impl From<&CoreDueItem> for DueItem {
    fn from(item: &CoreDueItem) -> Self {
        DueItem {
            reason: match item.reason {
                CoreDueReason::ReferralFollowUp => DueReason::ReferralFollowUp,
                CoreDueReason::CaseNoteFollowUp => DueReason::CaseNoteFollowUp,
            },
            record_id: item.record_id.to_string(),
            kind: item.kind,
            client_id: item.client_id.map(|id| id.to_string()),
            client_alias: item.client_alias.clone(),
            due_date: item.due_date.to_string(),
            days_overdue: item.days_overdue,
            overdue: item.overdue,
            service: item.service.clone(),
        }
    }
}
