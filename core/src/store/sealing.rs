//! Sealing the store's blobs. Associated data binds kind, record id, key
//! class and epoch, format version and what the blob is (state, list row, or
//! one version), so no sealed blob can be moved to another record or role.

use zeroize::Zeroizing;

use super::blob::RecordBlob;
use super::vault::UnlockedKeys;
use crate::crypto::{open_body, record_aad, seal_body, Padding};
use crate::record::{RecordId, RecordKind, RecordVersion, SensitivityClass, VersionId};
use crate::{Error, Result};

#[derive(Debug, Clone, Copy)]
pub enum BlobRole {
    /// The merged state with every field's writes.
    State,
    /// What lists and search show of the record.
    ListRow,
    /// One version; its id is bound too, so versions cannot be swapped.
    Version(VersionId),
    /// What stands in for a version whose body the device let go; bound
    /// to the version's id like the body.
    VersionStub(VersionId),
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
            // b'V' sealed the views of stores before schema 6: never reuse it.
            BlobRole::ListRow => aad.push(b'L'),
            BlobRole::Version(version) => {
                aad.push(b'R');
                aad.extend_from_slice(version.as_bytes());
            }
            BlobRole::VersionStub(version) => {
                aad.push(b'T');
                aad.extend_from_slice(version.as_bytes());
            }
        }
        aad
    }

    /// Seals a record's blob in record format 3.
    pub fn seal<T: RecordBlob>(
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
        // beyond a bucket. (States and list rows stay on the device.)
        let padding = match role {
            BlobRole::Version(_) => Padding::Bucket,
            BlobRole::State | BlobRole::ListRow | BlobRole::VersionStub(_) => Padding::None,
        };
        let encoded = Zeroizing::new(value.encode().map_err(|e| Error::Encoding(e.to_string()))?);
        Ok(seal_body(key, &self.aad(role), &encoded, padding)?)
    }

    /// Opens a blob sealed in record format 2 or 3; any failure (a wrong
    /// key, tampering, a frame or encoding that does not hold together)
    /// names the record and nothing else.
    pub fn open<T: RecordBlob>(
        &self,
        keys: &UnlockedKeys,
        role: BlobRole,
        sealed: &[u8],
    ) -> Result<T> {
        let key = keys
            .seal_key(self.class, self.epoch)
            .ok_or(Error::RecordCorrupt { id: self.id })?;
        open_body(key, &self.aad(role), sealed)
            .and_then(|opened| T::from_opened(&opened))
            .map_err(|_| Error::RecordCorrupt { id: self.id })
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::seal;
    use crate::crypto::sealed_body::test_frames;
    use crate::store::tests::{add_client, Fixture};
    use crate::store::{db, Store};
    use crate::Error;

    /// Writes `plain` into a record's state and list row, sealed exactly as
    /// the store seals them (the record's key, its associated data), so the
    /// one thing wrong is the format-3 frame inside.
    fn plant(store: &mut Store, id: RecordId, plain: &[u8]) {
        let (class, epoch): (String, u32) = store
            .conn
            .query_row(
                "SELECT key_class, key_epoch FROM records WHERE id = ?1",
                [id.as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let ctx = SealContext {
            kind: RecordKind::Client,
            id,
            class: db::stored_name(&class).unwrap(),
            epoch,
        };
        let (conn, keys) = store.unlocked().unwrap();
        let key = keys.seal_key(ctx.class, ctx.epoch).unwrap();
        let state = seal(key, &ctx.aad(BlobRole::State), plain);
        let row = seal(key, &ctx.aad(BlobRole::ListRow), plain);
        conn.execute(
            "UPDATE records SET state = ?1 WHERE id = ?2",
            rusqlite::params![state, id.as_bytes().as_slice()],
        )
        .unwrap();
        conn.execute(
            "UPDATE list_rows SET body = ?1 WHERE id = ?2",
            rusqlite::params![row, id.as_bytes().as_slice()],
        )
        .unwrap();
    }

    #[test]
    fn a_corrupted_or_truncated_compressed_body_is_that_record_unreadable() {
        let fx = Fixture::new();
        let mut store = fx.create();
        let victim = add_client(&mut store, "Hoa");
        let neighbour = add_client(&mut store, "Lan");
        let encoded: Vec<u8> = b"long_bien methadone Nguyen Thi Hoa "
            .iter()
            .cycle()
            .take(2_000)
            .copied()
            .collect();
        let stream = zstd::bulk::compress(&encoded, 3).unwrap();
        let mut flipped = stream.clone();
        let middle = flipped.len() / 2;
        flipped[middle] ^= 0x5a;
        let bad_frames = [
            // Cut in the middle of the zstd stream.
            test_frames::zstd(&stream[..stream.len() / 2], 2_000),
            // A byte of the stream changed (the seal is intact: it was made so).
            test_frames::zstd(&flipped, 2_000),
            // Decodes, but to bytes that are no record.
            test_frames::zstd(&stream, 2_000),
            // A stated length far past the frame's end.
            test_frames::as_encoded(1_000_000, &[0; 8]),
        ];
        for frame in bad_frames {
            plant(&mut store, victim, &frame);
            let listing = store.list(RecordKind::Client).unwrap();
            assert_eq!(listing.unreadable, vec![victim]);
            assert_eq!(listing.records.len(), 1);
            assert_eq!(listing.records[0].id, neighbour);
            let rows = store.list_rows(RecordKind::Client).unwrap();
            assert_eq!(rows.unreadable, vec![victim]);
            assert_eq!(rows.rows.len(), 1);
            assert_eq!(rows.rows[0].id, neighbour);
            assert!(matches!(
                store.get(victim),
                Err(Error::RecordCorrupt { id }) if id == victim
            ));
            assert!(matches!(
                store.update(
                    victim,
                    &crate::testing::obj(serde_json::json!({"notes": "x"})),
                    Default::default()
                ),
                Err(Error::RecordCorrupt { id }) if id == victim
            ));
            assert_eq!(store.get(neighbour).unwrap().text("alias"), Some("Lan"));
        }
    }
}
