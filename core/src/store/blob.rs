//! What the store seals for a record, and in which encoding: a version, the
//! merged state and the view of winning values are written in record
//! format 3 (compact, see `crate::record::compact`) and read in format 3 or
//! in format 2 (JSON), which stores and hub logs from before still hold.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::view::RecordView;
use crate::crypto::{decode_json, CryptoError, OpenedBody};
use crate::record::compact::{from_bytes, to_bytes, CompactError, CompactValue};
use crate::record::{DeviceId, RecordId, RecordState, RecordVersion};

/// A value the store seals for a record.
pub trait RecordBlob: Sized + DeserializeOwned {
    /// Its format-3 encoding.
    fn encode(&self) -> Result<Vec<u8>, CompactError>;
    /// Reads a format-3 encoding.
    fn decode(bytes: &[u8]) -> Result<Self, CompactError>;

    /// Reads an opened body in whichever format it was sealed in.
    fn from_opened(opened: &OpenedBody) -> Result<Self, CryptoError> {
        match opened {
            OpenedBody::Json(plain) => decode_json(plain),
            OpenedBody::Compact(bytes) => Self::decode(bytes).map_err(|_| CryptoError::Malformed),
        }
    }
}

impl RecordBlob for RecordVersion {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        self.to_compact()
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        RecordVersion::from_compact(bytes)
    }
}

impl RecordBlob for RecordState {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        self.to_compact()
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        RecordState::from_compact(bytes)
    }
}

/// A view in format 3: times as milliseconds, values compact. The field
/// order is the format; never reorder.
#[derive(Serialize, Deserialize)]
struct CompactView {
    id: Uuid,
    kind: String,
    form_version: u32,
    deleted: bool,
    values: Vec<(String, CompactValue)>,
    conflicts: Vec<String>,
    created_at_ms: i64,
    updated_at_ms: i64,
    updated_by: Uuid,
    created_by: Option<Uuid>,
    search_key: Option<String>,
}

fn from_ms(ms: i64) -> Result<DateTime<Utc>, CompactError> {
    DateTime::from_timestamp_millis(ms).ok_or(CompactError::Invalid)
}

impl RecordBlob for RecordView {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        let compact = CompactView {
            id: self.id.0,
            kind: self.kind.as_str().to_owned(),
            form_version: self.form_version,
            deleted: self.deleted,
            values: self
                .values
                .iter()
                .map(|(k, v)| (k.clone(), CompactValue::from_json(v)))
                .collect(),
            conflicts: self.conflicts.clone(),
            created_at_ms: self.created_at.timestamp_millis(),
            updated_at_ms: self.updated_at.timestamp_millis(),
            updated_by: self.updated_by.0,
            created_by: self.created_by.map(|d| d.0),
            search_key: self.search_key.clone(),
        };
        to_bytes(&compact)
    }

    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        let compact: CompactView = from_bytes(bytes)?;
        let mut values = serde_json::Map::new();
        for (key, value) in compact.values {
            values.insert(key, value.into_json()?);
        }
        Ok(RecordView {
            id: RecordId(compact.id),
            kind: compact.kind.parse().map_err(|_| CompactError::Invalid)?,
            form_version: compact.form_version,
            deleted: compact.deleted,
            values,
            conflicts: compact.conflicts,
            created_at: from_ms(compact.created_at_ms)?,
            updated_at: from_ms(compact.updated_at_ms)?,
            updated_by: DeviceId(compact.updated_by),
            created_by: compact.created_by.map(DeviceId),
            search_key: compact.search_key,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{FieldState, Hlc, RecordKind, Stamp};
    use serde_json::json;

    #[test]
    fn a_view_reads_back_exactly() {
        let device = DeviceId::make();
        let mut state = RecordState::default();
        for (key, value, ms) in [
            ("alias", json!("Nguyễn Thị Hoa"), 1_764_000_000_123u64),
            ("birth_year", json!(1991), 1_764_000_000_124),
            (
                "services",
                json!({"syringes": 10, "note": [1.5, null]}),
                1_764_000_000_125,
            ),
            ("_created_by", json!(true), 1_764_000_000_100),
        ] {
            let write = state.make_write(
                key,
                value,
                Stamp {
                    hlc: Hlc::new(ms, 0),
                    device,
                },
            );
            state.fields.insert(key.into(), FieldState::single(write));
        }
        let view = RecordView::from_state(RecordId::make(), RecordKind::Client, &state);
        let back = RecordView::decode(&view.encode().unwrap()).unwrap();
        assert_eq!(back, view);
        assert!(back.search_key.is_some());
        assert!(view.encode().unwrap().len() * 2 < serde_json::to_vec(&view).unwrap().len());
    }
}
