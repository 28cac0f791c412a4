//! Sealing the store's blobs. Associated data binds kind, record id, key
//! class and epoch, format version and what the blob is (state, view, or one
//! version), so no sealed blob can be moved to another record or role.

use serde::{de::DeserializeOwned, Serialize};
use zeroize::Zeroizing;

use super::vault::UnlockedKeys;
use crate::crypto::padding::pad_json;
use crate::crypto::{open, record_aad, seal};
use crate::record::{RecordId, RecordKind, SensitivityClass, VersionId};
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
            if keys.is_damaged(self.class.as_str(), self.epoch) {
                Error::KeyDamaged {
                    class: self.class.as_str().to_string(),
                    epoch: self.epoch,
                }
            } else {
                Error::Locked
            }
        })?;
        let mut plain = Zeroizing::new(
            serde_json::to_vec(value)
                .map_err(|e| Error::InvalidInput(format!("cannot encode record: {e}")))?,
        );
        if let BlobRole::Version(_) = role {
            // Versions travel through the hub: their size tells it nothing
            // beyond a bucket. (States and views stay on the device.)
            pad_json(&mut plain);
        }
        Ok(seal(key, &self.aad(role), &plain))
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
        let plain =
            open(key, &self.aad(role), sealed).map_err(|_| Error::RecordCorrupt { id: self.id })?;
        serde_json::from_slice(&plain).map_err(|_| Error::RecordCorrupt { id: self.id })
    }
}
