//! Reading records: one record, its details and history, every record of a
//! kind, and the keyed lookup index. Reads need the keys, never a write lock.

use super::list_row::ListRow;
use super::view::{FieldConflict, HistoryEntry, RecordView};
use super::{audit, compaction, lookup, records, scan, view, AuditReport, Store};
use crate::record::{RecordId, RecordKind, SensitivityClass};
use crate::{Error, Result};

/// Everything readable of a record kind, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The records that opened, deleted ones left out.
    pub records: Vec<RecordView>,
    /// Records that failed to decrypt: corrupted or tampered with.
    pub unreadable: Vec<RecordId>,
}

/// What lists show of a record kind, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct RowListing {
    /// The rows that opened, deleted records left out.
    pub rows: Vec<ListRow>,
    /// Records whose row failed to decrypt: corrupted or tampered with.
    pub unreadable: Vec<RecordId>,
}

/// A record with the details of its conflicts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordDetails {
    /// The record's current values.
    #[serde(flatten)]
    pub view: RecordView,
    /// Each field in conflict, with the values its winner beat.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflict_details: Vec<FieldConflict>,
}

impl Store {
    /// A record's current values.
    pub fn get(&mut self, id: RecordId) -> Result<RecordView> {
        let (conn, keys) = self.unlocked()?;
        records::load_view(conn, keys, id)
    }

    /// A record's current values and, for each conflicted field, the values it beat.
    pub fn details(&mut self, id: RecordId) -> Result<RecordDetails> {
        let (conn, keys) = self.unlocked()?;
        let view = records::load_view(conn, keys, id)?;
        let conflict_details = if view.conflicts.is_empty() {
            Vec::new()
        } else {
            let (_, state) =
                records::load_state(conn, keys, id)?.ok_or(Error::RecordNotFound { id })?;
            view::conflicts_of(&state)
        };
        Ok(RecordDetails {
            view,
            conflict_details,
        })
    }

    /// Every version of a record, oldest first.
    pub fn history(&mut self, id: RecordId) -> Result<Vec<HistoryEntry>> {
        let (conn, keys) = self.unlocked()?;
        let kind = records::kind_of(conn, id)?.ok_or(Error::RecordNotFound { id })?;
        if !keys.holds(kind.sensitivity()) {
            return Err(Error::RecordNotFound { id });
        }
        Ok(compaction::history_of(&records::versions(conn, keys, id)?))
    }

    /// What lists show of every record of a kind, deleted ones left out:
    /// the small rows only, for lists and search.
    pub fn list_rows(&mut self, kind: RecordKind) -> Result<RowListing> {
        let (conn, keys) = self.unlocked()?;
        let (mut rows, unreadable) = scan::rows(conn, keys, kind)?;
        rows.retain(|r| !r.deleted);
        Ok(RowListing { rows, unreadable })
    }

    /// Every record of a kind with all its values, deleted ones left out:
    /// for reports, exports and queries that read more than a list shows.
    pub fn list(&mut self, kind: RecordKind) -> Result<Listing> {
        let (conn, keys) = self.unlocked()?;
        let (mut records, unreadable) = scan::records(conn, keys, kind)?;
        records.retain(|r| !r.deleted);
        Ok(Listing {
            records,
            unreadable,
        })
    }

    /// Record ids whose `field` equals `value`, through the keyed lookup index.
    pub fn lookup(&mut self, field: &str, value: &str) -> Result<Vec<RecordId>> {
        let (conn, keys) = self.unlocked()?;
        lookup::find(conn, keys, field, value)
    }

    /// Verifies the audit trail's chain from its first entry. Unlocked only.
    pub fn verify_audit(&mut self) -> Result<AuditReport> {
        let (conn, keys) = self.unlocked()?;
        audit::verify(conn, keys)
    }

    /// Whether this device holds the key of a class (a peer leader's never holds case notes').
    pub fn holds(&mut self, class: SensitivityClass) -> Result<bool> {
        Ok(self.keys()?.holds(class))
    }
}
