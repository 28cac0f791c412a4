//! Letting go of version bodies. A record's merged state is the one copy
//! of its values; its versions are kept for sync, history and compaction.
//! Once the hub holds a version and the state still holds every write it
//! made, the version is a function of the state: the device keeps only a
//! small sealed stub (the save's stamp and form version) and rebuilds the
//! version from the state when history, compaction or repair asks.
//!
//! - A version written here keeps its stub beside its body until the hub
//!   confirms it, so that marking it pushed (which a locked store does too)
//!   lets the body go without a key.
//! - A version received from the hub is stored as a stub at once when the
//!   state rebuilds it.
//! - Before a record's state changes, every stub the change would rebuild
//!   differently gets its body back (or, waiting beside an unpushed body,
//!   is dropped), so history never loses a value.
//!
//! A stub that does not open, or that its state no longer rebuilds, is a
//! damaged version the hub holds: `check` names it and the hub's copy
//! restores it.

use std::collections::BTreeMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::blob::RecordBlob;
use super::records::{parse_class, Origin};
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use crate::record::compact::{from_bytes, to_bytes, CompactError};
use crate::record::{RecordId, RecordKind, RecordState, RecordVersion, Stamp, VersionId};
use crate::Result;

/// The `pushed` column of a version row.
pub(super) mod pushed {
    /// Written here, not on the hub yet: its body travels at the next push.
    pub const NO: i64 = 0;
    /// On the hub, its body kept (history needs it, or it was stored before stubs).
    pub const YES: i64 = 1;
    /// On the hub, its body gone: its stub and the record's state rebuild it.
    pub const STUB: i64 = 2;
}

/// What stands in for a version whose body the device let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionStub {
    /// The save's stamp: every write of the version carries it.
    pub stamp: Stamp,
    /// The form version the save was validated against.
    pub form_version: u32,
}

impl VersionStub {
    pub fn of(version: &RecordVersion) -> Self {
        VersionStub {
            stamp: version.stamp,
            form_version: version.form_version,
        }
    }

    /// The version `state` rebuilds for this stub: every write stamped with
    /// the save's stamp. `None` when there is none, or when one field holds
    /// two writes under it (which only a forged stamp makes).
    pub fn rebuild(
        &self,
        version_id: VersionId,
        record_id: RecordId,
        kind: RecordKind,
        state: &RecordState,
    ) -> Option<RecordVersion> {
        let mut fields = BTreeMap::new();
        for (key, field) in &state.fields {
            let mut ours = field.writes().iter().filter(|w| w.stamp == self.stamp);
            if let Some(write) = ours.next() {
                if ours.next().is_some() {
                    return None;
                }
                fields.insert(key.clone(), write.clone());
            }
        }
        (!fields.is_empty()).then_some(RecordVersion {
            version_id,
            record_id,
            kind,
            stamp: self.stamp,
            form_version: self.form_version,
            fields,
        })
    }
}

impl RecordBlob for VersionStub {
    fn encode(&self) -> Result<Vec<u8>, CompactError> {
        to_bytes(self)
    }
    fn decode(bytes: &[u8]) -> Result<Self, CompactError> {
        from_bytes(bytes)
    }
}

/// Whether `state` rebuilds `version` exactly, so a stub may stand in for it.
pub(super) fn rebuilds(version: &RecordVersion, state: &RecordState) -> bool {
    VersionStub::of(version)
        .rebuild(version.version_id, version.record_id, version.kind, state)
        .as_ref()
        == Some(version)
}

/// The sealed body and stub of a version about to be stored, and its
/// `pushed` mark: a received version the state rebuilds is stored as its
/// stub alone; one written here keeps its stub beside its body until pushed.
pub(super) struct StoredForm {
    pub body: Option<Vec<u8>>,
    pub stub: Option<Vec<u8>>,
    pub pushed: i64,
}

pub(super) fn stored_form(
    keys: &UnlockedKeys,
    ctx: &SealContext,
    version: &RecordVersion,
    origin: Origin,
    state_rebuilds: bool,
) -> Result<StoredForm> {
    let seal_stub = || {
        ctx.seal(
            keys,
            BlobRole::VersionStub(version.version_id),
            &VersionStub::of(version),
        )
    };
    let body = || ctx.seal(keys, BlobRole::Version(version.version_id), version);
    Ok(match (origin, state_rebuilds) {
        (Origin::Received, true) => StoredForm {
            body: None,
            stub: Some(seal_stub()?),
            pushed: pushed::STUB,
        },
        (Origin::Received, false) => StoredForm {
            body: Some(body()?),
            stub: None,
            pushed: pushed::YES,
        },
        (Origin::Local, rebuilt) => StoredForm {
            body: Some(body()?),
            stub: if rebuilt { Some(seal_stub()?) } else { None },
            pushed: pushed::NO,
        },
    })
}

/// A version row that has a stub, in place of its body (`pushed = 2`) or beside it.
struct StubRow {
    seq: i64,
    version_id: VersionId,
    ctx: SealContext,
    body_gone: bool,
    sealed_stub: Vec<u8>,
}

fn stub_rows(conn: &Connection, kind: RecordKind, id: RecordId) -> Result<Vec<StubRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, version_id, key_class, key_epoch, pushed, stub FROM versions
         WHERE record_id = ?1 AND stub IS NOT NULL",
    )?;
    let rows = stmt
        .query_map([id.as_bytes().as_slice()], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Vec<u8>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (seq, version_id, class, epoch, pushed_mark, sealed_stub) in rows {
        // A row whose ids do not parse is damage `check` names; nothing here rebuilds it.
        let (Some(version_id), Ok(class)) =
            (VersionId::from_slice(&version_id), parse_class(&class, id))
        else {
            continue;
        };
        out.push(StubRow {
            seq,
            version_id,
            ctx: SealContext {
                kind,
                id,
                class,
                epoch,
            },
            body_gone: pushed_mark == pushed::STUB,
            sealed_stub,
        });
    }
    Ok(out)
}

/// Before record `id`'s state changes from `old` to `new`, in the caller's
/// transaction: a stub `new` would rebuild differently is dropped, and
/// where it stood in for a body, the body `old` rebuilds comes back. A stub that does not open, or that `old` does
/// not rebuild, is left for `check` to name (the hub holds its version).
pub(super) fn keep_history(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
    id: RecordId,
    old: &RecordState,
    new: &RecordState,
) -> Result<()> {
    for row in stub_rows(conn, kind, id)? {
        let Ok(stub) = row.ctx.open::<VersionStub>(
            keys,
            BlobRole::VersionStub(row.version_id),
            &row.sealed_stub,
        ) else {
            continue;
        };
        let before = stub.rebuild(row.version_id, id, kind, old);
        if before == stub.rebuild(row.version_id, id, kind, new) {
            continue;
        }
        if !row.body_gone {
            conn.prepare_cached("UPDATE versions SET stub = NULL WHERE seq = ?1")?
                .execute([row.seq])?;
        } else if let Some(version) = before {
            let body = row
                .ctx
                .seal(keys, BlobRole::Version(row.version_id), &version)?;
            conn.prepare_cached("INSERT INTO version_bodies (seq, body) VALUES (?1, ?2)")?
                .execute(params![row.seq, body])?;
            conn.prepare_cached("UPDATE versions SET stub = NULL, pushed = ?1 WHERE seq = ?2")?
                .execute(params![pushed::YES, row.seq])?;
        }
    }
    Ok(())
}

/// The version a stub row stands for, rebuilt from its record's state;
/// `None` when the stub does not open or the state does not rebuild it.
pub(super) fn open_stub(
    keys: &UnlockedKeys,
    ctx: &SealContext,
    version_id: VersionId,
    sealed_stub: &[u8],
    state: &RecordState,
) -> Option<RecordVersion> {
    let stub: VersionStub = ctx
        .open(keys, BlobRole::VersionStub(version_id), sealed_stub)
        .ok()?;
    stub.rebuild(version_id, ctx.id, ctx.kind, state)
}
