//! Sealing the store's blobs. Associated data binds kind, record id, key
//! class and epoch, format version and what the blob is (state, view, or one
//! version), so no sealed blob can be moved to another record or role.

use serde::{de::DeserializeOwned, Serialize};

use super::vault::UnlockedKeys;
use crate::crypto::{open_json, record_aad, seal_json, Padding};
use crate::record::{RecordId, RecordKind, RecordVersion, SensitivityClass, VersionId};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub enum BlobRole {
    /// The merged state with every field's writes.
    State,
    /// The compact view of winning values.
    View,
    /// One version; its id is bound too, so versions cannot be swapped.
    Version(VersionId),
}

#[derive(Debug, Clone, Copy)]
pub struct SealContext {
    pub kind: RecordKind,
    pub id: RecordId,
    pub class: SensitivityClass,
    pub epoch: u32,
}

impl SealContext {
    fn aad(&self, role: BlobRole) -> Vec<u8> {
        let mut aad = record_aad(self.kind, self.id.as_bytes(), self.class, self.epoch);
        match role {
            BlobRole::State => aad.push(b'S'),
            BlobRole::View => aad.push(b'V'),
            BlobRole::Version(version) => {
                aad.push(b'R');
                aad.extend_from_slice(version.as_bytes());
            }
        }
        aad
    }

    pub fn seal<T: Serialize>(
        &self,
        keys: &UnlockedKeys,
        role: BlobRole,
        value: &T,
    ) -> Result<Vec<u8>> {
        let key = keys.seal_key(self.class, self.epoch).ok_or_else(|| {
            if keys.is_damaged(self.class.into(), self.epoch) {
                Error::KeyDamaged {
                    class: self.class.into(),
                    epoch: self.epoch,
                }
            } else {
                Error::Locked
            }
        })?;
        // Versions travel through the hub: their size tells it nothing
        // beyond a bucket. (States and views stay on the device.)
        let padding = match role {
            BlobRole::Version(_) => Padding::Bucket,
            BlobRole::State | BlobRole::View => Padding::None,
        };
        Ok(seal_json(key, &self.aad(role), value, padding)?)
    }

    /// Opens a blob; any failure names the record and nothing else.
    pub fn open<T: DeserializeOwned>(
        &self,
        keys: &UnlockedKeys,
        role: BlobRole,
        sealed: &[u8],
    ) -> Result<T> {
        let key = keys
            .seal_key(self.class, self.epoch)
            .ok_or(Error::RecordCorrupt { id: self.id })?;
        open_json(key, &self.aad(role), sealed).map_err(|_| Error::RecordCorrupt { id: self.id })
    }

    /// Opens one version filed under `version_id` (in the store's log, its
    /// inbox or a sync page) and checks that what it says agrees with where
    /// it is filed: the one place a sealed version is decoded.
    pub fn open_version(
        &self,
        keys: &UnlockedKeys,
        version_id: VersionId,
        sealed: &[u8],
    ) -> Result<RecordVersion, VersionProblem> {
        let version: RecordVersion = self
            .open(keys, BlobRole::Version(version_id), sealed)
            .map_err(|_| VersionProblem::Unreadable)?;
        if version.record_id != self.id
            || version.version_id != version_id
            || version.kind != self.kind
        {
            return Err(VersionProblem::Disagrees);
        }
        Ok(version)
    }
}

/// Why a sealed version is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionProblem {
    /// It does not open: corrupted, tampered with, or under another key.
    Unreadable,
    /// It opens, but names another record, version or kind than it is filed under.
    Disagrees,
}

impl VersionProblem {
    /// Why, for a sync summary (the version's id goes beside it).
    pub fn reason(self) -> &'static str {
        match self {
            VersionProblem::Unreadable => "corrupted or tampered",
            VersionProblem::Disagrees => "contents disagree with routing metadata",
        }
    }
}
