//! One version of a record: the fields one device wrote in one save. Versions
//! are what the store keeps as history and what sync carries between devices;
//! merging a version into a record's state is an ordinary state merge.

use super::{FieldState, FieldWrite, Hlc, RecordId, RecordKind, RecordState, Stamp, VersionId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One save of one record by one device: only the fields it wrote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordVersion {
    /// This version's own id, the same on every device.
    pub version_id: VersionId,
    /// The record the version belongs to.
    pub record_id: RecordId,
    /// The record's kind, fixed when it was created.
    pub kind: RecordKind,
    /// The device and clock of the save.
    pub stamp: Stamp,
    /// The version of the form the values were validated against.
    pub form_version: u32,
    /// The fields written in this save, by key.
    pub fields: BTreeMap<String, FieldWrite>,
}

impl RecordVersion {
    /// The version as a record state, to merge into the record's.
    pub fn as_state(&self) -> RecordState {
        RecordState {
            fields: self
                .fields
                .iter()
                .map(|(k, w)| (k.clone(), FieldState::single(w.clone())))
                .collect(),
        }
    }

    /// The clock of the save.
    pub fn hlc(&self) -> Hlc {
        self.stamp.hlc
    }
}
