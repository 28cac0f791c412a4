//! What the screens read: the current values of a record, and its history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::record::{
    meta_fields, DeviceId, Hlc, RecordId, RecordKind, RecordState, RecordVersion, Stamp,
};

/// A record as lists and detail screens show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordView {
    /// The record's id, the same on every device.
    pub id: RecordId,
    /// Which form the record is, fixed when it was created.
    pub kind: RecordKind,
    /// The form version the latest write used (1 when it was never written).
    pub form_version: u32,
    /// Whether the record was deleted; a deleted record keeps its values and history.
    pub deleted: bool,
    /// The winning value of every form field that has one.
    pub values: Map<String, Value>,
    /// Fields whose value beat a concurrent edit from another device.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<String>,
    /// When the record was created, by its creator's clock.
    pub created_at: DateTime<Utc>,
    /// When the record was last written, by the writer's clock (the latest stamp of any field).
    pub updated_at: DateTime<Utc>,
    /// The device that wrote that latest stamp.
    pub updated_by: DeviceId,
    /// The device that created the record; `None` for records written
    /// before it was kept (their first version says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<DeviceId>,
    /// A client's alias folded for search and sorting (diacritics and case
    /// removed), computed once at write time rather than on every listing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_key: Option<String>,
}

impl RecordView {
    /// The view of a record's merged state: winning values, meta fields read out of them.
    pub fn from_state(id: RecordId, kind: RecordKind, state: &RecordState) -> RecordView {
        let all = state.values();
        let form_version = all
            .get(meta_fields::FORM_VERSION)
            .and_then(Value::as_u64)
            .unwrap_or(1) as u32;
        let deleted = all
            .get(meta_fields::DELETED)
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let created_by = state
            .fields
            .get(meta_fields::CREATED_BY)
            .map(|field| field.winner().stamp.device);
        let values: Map<String, Value> = all
            .into_iter()
            .filter(|(k, _)| !meta_fields::is_meta(k))
            .collect();
        let search_key = (kind == RecordKind::Client).then(|| {
            crate::search_fold::fold_for_search(
                values.get("alias").and_then(Value::as_str).unwrap_or(""),
            )
        });
        let latest = state.latest_stamp().unwrap_or(Stamp {
            hlc: Hlc::ZERO,
            device: DeviceId(uuid::Uuid::nil()),
        });
        RecordView {
            id,
            kind,
            form_version,
            deleted,
            values,
            conflicts: state.conflicted_fields().map(|(k, _)| k.clone()).collect(),
            created_at: state
                .fields
                .get(meta_fields::CREATED_BY)
                .map(|field| hlc_time(field.winner().stamp.hlc))
                .unwrap_or_else(|| created_at(id)),
            updated_at: hlc_time(latest.hlc),
            updated_by: latest.device,
            created_by,
            search_key,
        }
    }

    /// The folded alias for sorting and prefix search (computed now for views stored without it).
    pub fn folded_alias(&self) -> std::borrow::Cow<'_, str> {
        match &self.search_key {
            Some(key) => std::borrow::Cow::Borrowed(key.as_str()),
            None => std::borrow::Cow::Owned(crate::search_fold::fold_for_search(
                self.text("alias").unwrap_or(""),
            )),
        }
    }

    /// The value of `key` when it is a string (text, date, single choice, link).
    pub fn text(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(Value::as_str)
    }
}

/// When a record from before creation stamps were kept was made: its
/// UUIDv7 id carries the time (ids are random now, so the hub learns no clock).
pub fn created_at(id: RecordId) -> DateTime<Utc> {
    id.0.get_timestamp()
        .map(|ts| {
            let (secs, nanos) = ts.to_unix();
            DateTime::from_timestamp(secs as i64, nanos).unwrap_or_default()
        })
        .unwrap_or_default()
}

pub fn hlc_time(hlc: Hlc) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(hlc.wall_ms as i64).unwrap_or_default()
}

/// One field of a record with the concurrent values it beat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's key.
    pub field: String,
    /// The winning value, which the record shows.
    pub value: Value,
    /// The concurrent values it beat, kept to be shown, never silently dropped.
    pub losing_values: Vec<LosingValue>,
}

/// A concurrent value that lost to a field's winner, and who wrote it when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LosingValue {
    /// The value that lost.
    pub value: Value,
    /// When it was written, by the writer's clock.
    pub written_at: DateTime<Utc>,
    /// The device that wrote it.
    pub device: DeviceId,
    /// Written with a clock far ahead (more than a day past the edit that
    /// took over from it): it lost although its stamp is later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub clock_ahead: bool,
}

pub fn conflicts_of(state: &RecordState) -> Vec<FieldConflict> {
    state
        .conflicted_fields()
        .filter(|(k, _)| !meta_fields::is_meta(k))
        .map(|(field, s)| FieldConflict {
            field: field.clone(),
            value: s.winner().value.clone(),
            losing_values: s
                .conflicts()
                .iter()
                .map(|w| LosingValue {
                    value: w.value.clone(),
                    written_at: hlc_time(w.stamp.hlc),
                    device: w.stamp.device,
                    clock_ahead: s.clock_ahead(w),
                })
                .collect(),
        })
        .collect()
}

/// One entry of a record's history: who changed which fields, when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The version's id, the same on every device.
    pub version_id: crate::record::VersionId,
    /// When it was written, by the writer's clock.
    pub written_at: DateTime<Utc>,
    /// The device that wrote it.
    pub device: DeviceId,
    /// The form version the values were validated against.
    pub form_version: u32,
    /// The values this version wrote (`null` clears a field).
    pub changes: Map<String, Value>,
}

impl From<&RecordVersion> for HistoryEntry {
    fn from(v: &RecordVersion) -> Self {
        HistoryEntry {
            version_id: v.version_id,
            written_at: hlc_time(v.stamp.hlc),
            device: v.stamp.device,
            form_version: v.form_version,
            changes: v
                .fields
                .iter()
                .filter(|(k, _)| !meta_fields::is_meta(k) || *k == meta_fields::DELETED)
                .map(|(k, w)| (k.clone(), w.value.clone()))
                .collect(),
        }
    }
}
