//! One version of a record: the fields one device wrote in one save. Versions
//! are what the store keeps as history and what sync carries between devices;
//! merging a version into a record's state is an ordinary state merge.

use super::{FieldState, FieldWrite, Hlc, RecordId, RecordKind, RecordState, Stamp, VersionId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordVersion {
    pub version_id: VersionId,
    pub record_id: RecordId,
    pub kind: RecordKind,
    /// The device and clock of the save.
    pub stamp: Stamp,
    /// The version of the form the values were validated against.
    pub form_version: u32,
    pub fields: BTreeMap<String, FieldWrite>,
}

impl RecordVersion {
    pub fn as_state(&self) -> RecordState {
        RecordState {
            fields: self
                .fields
                .iter()
                .map(|(k, w)| (k.clone(), FieldState::single(w.clone())))
                .collect(),
        }
    }

    pub fn hlc(&self) -> Hlc {
        self.stamp.hlc
    }
}
