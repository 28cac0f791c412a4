//! A record as lists and search show it: a small typed row, sealed in a
//! table of its own (`list_rows`), so listing ten thousand clients reads
//! and opens a few hundred kilobytes instead of every record's merged
//! state. The row holds no value the state does not: it is rebuilt from
//! the state at every write, and a detail screen opens the record itself.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::blob::RecordBlob;
use super::view::RecordView;
use crate::record::compact::{from_bytes, to_bytes, CompactError};
use crate::record::{RecordId, RecordKind};

/// What a list or a search shows of one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    /// The record's id, the same on every device.
    pub id: RecordId,
    /// Which form the record is.
    pub kind: RecordKind,
    /// The form version its latest write used.
    pub form_version: u32,
    /// Whether it was deleted (lists leave deleted records out).
    pub deleted: bool,
    /// Whether a field's value beat a concurrent edit from another device.
    pub has_conflicts: bool,
    /// When it was created, by its creator's clock.
    pub created_at: DateTime<Utc>,
    /// When it was last written, by the writer's clock.
    pub updated_at: DateTime<Utc>,
    /// A client's alias.
    pub alias: Option<String>,
    /// The alias folded for sorting and prefix search (diacritics and case
    /// removed); empty for other kinds.
    pub folded_alias: String,
    /// A client's identifier code.
    pub code: Option<String>,
    /// A client's area or hotspot.
    pub area: Option<String>,
    /// A client's or a referral's status (a choice's name).
    pub status: Option<String>,
    /// A client's sex (a choice's name).
    pub sex: Option<String>,
    /// A client's year of birth.
    pub birth_year: Option<i64>,
    /// The client a contact, case note or referral is about.
    pub client_id: Option<RecordId>,
    /// The date or time the record is about: a contact's time, a note's,
    /// referral's or meeting's date, as the form stores it.
    pub about: Option<String>,
}

impl ListRow {
    /// The row of a record's current values.
    pub fn of(view: &RecordView) -> ListRow {
        let text = |key: &str| view.text(key).map(str::to_owned);
        let client = view.kind == RecordKind::Client;
        ListRow {
            id: view.id,
            kind: view.kind,
            form_version: view.form_version,
            deleted: view.deleted,
            has_conflicts: !view.conflicts.is_empty(),
            created_at: view.created_at,
            updated_at: view.updated_at,
            alias: text("alias"),
            folded_alias: if client {
                view.folded_alias().into_owned()
            } else {
                String::new()
            },
            code: client.then(|| text("uic")).flatten(),
            area: client.then(|| text("area")).flatten(),
            status: text("status"),
            sex: client.then(|| text("sex")).flatten(),
            birth_year: client
                .then(|| view.values.get("birth_year").and_then(Value::as_i64))
                .flatten(),
            client_id: view
                .text("client_id")
                .and_then(|id| id.parse::<Uuid>().ok())
                .map(RecordId),
            about: text("at").or_else(|| text("date")),
        }
    }

    /// Whether this row was made from `view` (what a store check asks).
    pub fn agrees_with(&self, view: &RecordView) -> bool {
        *self == ListRow::of(view)
    }

    /// Whether the alias, or a word of it, starts with `prefix` (folded).
    pub fn alias_starts_with(&self, prefix: &str) -> bool {
        self.folded_alias.starts_with(prefix)
            || self
                .folded_alias
                .split_whitespace()
                .any(|word| word.starts_with(prefix))
    }
}

/// A row in format 3: times as milliseconds. The field order is the
/// format; never reorder.
#[derive(Serialize, Deserialize)]
struct CompactRow {
    id: Uuid,
    kind: String,
    form_version: u32,
    deleted: bool,
    has_conflicts: bool,
    created_at_ms: i64,
    updated_at_ms: i64,
    alias: Option<String>,
    folded_alias: String,
    code: Option<String>,
    area: Option<String>,
    status: Option<String>,
    sex: Option<String>,
    birth_year: Option<i64>,
    client_id: Option<Uuid>,
    about: Option<String>,
}

fn from_ms(ms: i64) -> Result<DateTime<Utc>, CompactError> {
    DateTime::from_timestamp_millis(ms).ok_or(CompactError::Invalid)
}

impl ListRow {
    /// The row in record format 3 (postcard), as it is sealed.
    pub fn to_compact(&self) -> Result<Vec<u8>, CompactError> {
        to_bytes(&CompactRow {
            id: self.id.0,
            kind: self.kind.as_str().to_owned(),
            form_version: self.form_version,
            deleted: self.deleted,
            has_conflicts: self.has_conflicts,
            created_at_ms: self.created_at.timestamp_millis(),
            updated_at_ms: self.updated_at.timestamp_millis(),
            alias: self.alias.clone(),
            folded_alias: self.folded_alias.clone(),
            code: self.code.clone(),
            area: self.area.clone(),
            status: self.status.clone(),
            sex: self.sex.clone(),
            birth_year: self.birth_year,
            client_id: self.client_id.map(|id| id.0),
            about: self.about.clone(),
        })
    }

    /// Reads a row in record format 3; bytes that are no row are refused.
    pub fn from_compact(bytes: &[u8]) -> Result<Self, CompactError> {
        let row: CompactRow = from_bytes(bytes)?;
        Ok(ListRow {
            id: RecordId(row.id),
            kind: row.kind.parse().map_err(|_| CompactError::Invalid)?,
            form_version: row.form_version,
            deleted: row.deleted,
            has_conflicts: row.has_conflicts,
            created_at: from_ms(row.created_at_ms)?,
            updated_at: from_ms(row.updated_at_ms)?,
            alias: row.alias,
            folded_alias: row.folded_alias,
            code: row.code,
            area: row.area,
            status: row.status,
            sex: row.sex,
            birth_year: row.birth_year,
            client_id: row.client_id.map(RecordId),
            about: row.about,
        })
    }
}

impl RecordBlob for ListRow {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        self.to_compact()
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        ListRow::from_compact(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{DeviceId, FieldState, Hlc, RecordState, Stamp};
    use serde_json::json;

    fn state(values: &[(&str, Value)]) -> RecordState {
        let device = DeviceId::make();
        let mut state = RecordState::default();
        for (n, (key, value)) in values.iter().enumerate() {
            let write = state.make_write(
                key,
                value.clone(),
                Stamp {
                    hlc: Hlc::new(1_764_000_000_000 + n as u64, 0),
                    device,
                },
            );
            state
                .fields
                .insert((*key).into(), FieldState::single(write));
        }
        state
    }

    #[test]
    fn a_client_row_holds_what_the_list_shows_and_reads_back_exactly() {
        let view = RecordView::from_state(
            RecordId::make(),
            RecordKind::Client,
            &state(&[
                ("alias", json!("Nguyễn Thị Hoa")),
                ("uic", json!("HOLA9103F")),
                ("area", json!("Long Biên")),
                ("sex", json!("female")),
                ("birth_year", json!(1991)),
                ("status", json!("active")),
                ("real_name", json!("not in the row")),
                ("notes", json!("not in the row either")),
            ]),
        );
        let row = ListRow::of(&view);
        assert_eq!(row.alias.as_deref(), Some("Nguyễn Thị Hoa"));
        assert_eq!(row.folded_alias, "nguyen thi hoa");
        assert_eq!(row.code.as_deref(), Some("HOLA9103F"));
        assert_eq!(row.birth_year, Some(1991));
        assert!(row.alias_starts_with("hoa") && row.alias_starts_with("ngu"));
        assert!(!row.alias_starts_with("lan"));
        let bytes = row.to_compact().unwrap();
        assert!(!bytes
            .windows(b"not in the row".len())
            .any(|w| w == b"not in the row"));
        assert_eq!(ListRow::from_compact(&bytes).unwrap(), row);
        assert!(row.agrees_with(&view));
    }

    #[test]
    fn a_contact_row_names_its_client_and_its_time() {
        let client = RecordId::make();
        let view = RecordView::from_state(
            RecordId::make(),
            RecordKind::Contact,
            &state(&[
                ("client_id", json!(client.to_string())),
                ("at", json!("2026-11-30T09:15:00+07:00")),
                ("notes", json!("long")),
            ]),
        );
        let row = ListRow::of(&view);
        assert_eq!(row.client_id, Some(client));
        assert_eq!(row.about.as_deref(), Some("2026-11-30T09:15:00+07:00"));
        assert_eq!(row.folded_alias, "");
        assert_eq!(row.code, None);
        assert_eq!(
            ListRow::from_compact(&row.to_compact().unwrap()).unwrap(),
            row
        );
    }

    #[test]
    fn truncated_or_extended_bytes_are_refused() {
        let view = RecordView::from_state(
            RecordId::make(),
            RecordKind::Client,
            &state(&[("alias", json!("Lan"))]),
        );
        let bytes = ListRow::of(&view).to_compact().unwrap();
        for cut in 0..bytes.len() {
            assert!(ListRow::from_compact(&bytes[..cut]).is_err(), "{cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(ListRow::from_compact(&longer).is_err());
    }
}
