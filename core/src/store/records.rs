//! Reading and writing sealed records: apply a version (local or received),
//! keep every version as history (a stub where the state rebuilds it),
//! keep the record's list row and keyed lookup terms in step with its
//! merged state.

use rusqlite::{params, Connection, OptionalExtension};

use super::list_row::ListRow;
use super::lookup;
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use super::version_stubs;
use super::view::RecordView;
use crate::record::{
    RecordId, RecordKind, RecordState, RecordVersion, SensitivityClass, VersionId,
};
use crate::{Error, Result};

/// The sealed head of a record as stored: its merged state, the one copy of its values.
pub struct StoredRecord {
    pub ctx: SealContext,
    pub state: Vec<u8>,
}

fn parse_kind(s: &str, id: RecordId) -> Result<RecordKind> {
    s.parse().map_err(|_| Error::RecordCorrupt { id })
}

pub(super) fn parse_class(s: &str, id: RecordId) -> Result<SensitivityClass> {
    SensitivityClass::parse(s).ok_or(Error::RecordCorrupt { id })
}

pub fn load(conn: &Connection, id: RecordId) -> Result<Option<StoredRecord>> {
    conn.prepare_cached("SELECT kind, key_class, key_epoch, state FROM records WHERE id = ?1")?
        .query_row([id.as_bytes().as_slice()], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, u32>(2)?,
                r.get::<_, Vec<u8>>(3)?,
            ))
        })
        .optional()?
        .map(|(kind, class, epoch, state)| {
            Ok(StoredRecord {
                ctx: SealContext {
                    kind: parse_kind(&kind, id)?,
                    id,
                    class: parse_class(&class, id)?,
                    epoch,
                },
                state,
            })
        })
        .transpose()
}

pub fn kind_of(conn: &Connection, id: RecordId) -> Result<Option<RecordKind>> {
    conn.query_row(
        "SELECT kind FROM records WHERE id = ?1",
        [id.as_bytes().as_slice()],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .map(|k| parse_kind(&k, id))
    .transpose()
}

pub fn load_state(
    conn: &Connection,
    keys: &UnlockedKeys,
    id: RecordId,
) -> Result<Option<(RecordKind, RecordState)>> {
    match load(conn, id)? {
        None => Ok(None),
        Some(stored) => {
            let state = stored.ctx.open(keys, BlobRole::State, &stored.state)?;
            Ok(Some((stored.ctx.kind, state)))
        }
    }
}

/// A record's current values, from its merged state.
pub fn load_view(conn: &Connection, keys: &UnlockedKeys, id: RecordId) -> Result<RecordView> {
    let stored = load(conn, id)?.ok_or(Error::RecordNotFound { id })?;
    if !keys.holds(stored.ctx.class) {
        return Err(Error::RecordNotFound { id });
    }
    let state: RecordState = stored.ctx.open(keys, BlobRole::State, &stored.state)?;
    Ok(RecordView::from_state(id, stored.ctx.kind, &state))
}

/// Where a version came from: local versions wait to be pushed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Local,
    Received,
}

/// Stores a version and merges it into the record's head, in the caller's
/// transaction. A version already stored changes nothing (idempotent).
/// Returns the new view, or `None` when the version was already known.
pub fn apply_version(
    conn: &Connection,
    keys: &UnlockedKeys,
    version: &RecordVersion,
    origin: Origin,
) -> Result<Option<RecordView>> {
    let id = version.record_id;
    if is_stored(conn, version.version_id)? {
        return Ok(None);
    }
    let (state, old_view) = match load_state(conn, keys, id)? {
        Some((kind, _)) if kind != version.kind => {
            return Err(Error::KindMismatch {
                id,
                stored: kind,
                given: version.kind,
            })
        }
        Some((_, old)) => {
            let state = old.merge(&version.as_state());
            version_stubs::keep_history(conn, keys, version.kind, id, &old, &state)?;
            (state, Some(RecordView::from_state(id, version.kind, &old)))
        }
        None => (version.as_state(), None),
    };
    let rebuilt = version_stubs::rebuilds(version, &state);
    let Some(seq) = insert_version(conn, keys, version, origin, rebuilt)? else {
        return Ok(None);
    };
    write_head(conn, keys, version.kind, id, &state, old_view.as_ref(), seq).map(Some)
}

fn is_stored(conn: &Connection, version_id: VersionId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM versions WHERE version_id = ?1")?
        .exists([version_id.as_bytes().as_slice()])?)
}

/// Seals a version under its class's newest key epoch and stores it, in
/// the caller's transaction, without merging it into the record's head:
/// as its stub alone when it was received and `state_rebuilds` it (see
/// `version_stubs`). Returns its row's seq, or `None` when it was stored already.
pub(super) fn insert_version(
    conn: &Connection,
    keys: &UnlockedKeys,
    version: &RecordVersion,
    origin: Origin,
    state_rebuilds: bool,
) -> Result<Option<i64>> {
    let class = version.kind.sensitivity();
    keys.check_writable(version.kind)?;
    let epoch = keys
        .current_epoch(class)
        .ok_or(Error::NotPermitted(version.kind))?;
    let version_ctx = SealContext {
        kind: version.kind,
        id: version.record_id,
        class,
        epoch,
    };
    let stored = version_stubs::stored_form(keys, &version_ctx, version, origin, state_rebuilds)?;
    let inserted = conn
        .prepare_cached(
            "INSERT INTO versions (version_id, record_id, kind, key_class, key_epoch, stub, pushed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (version_id) DO NOTHING",
        )?
        .execute(params![
            version.version_id.as_bytes().as_slice(),
            version.record_id.as_bytes().as_slice(),
            version.kind.as_str(),
            class.as_str(),
            epoch,
            stored.stub,
            stored.pushed,
        ])?;
    if inserted == 0 {
        return Ok(None);
    }
    let seq = conn.last_insert_rowid();
    if let Some(body) = stored.body {
        conn.prepare_cached("INSERT INTO version_bodies (seq, body) VALUES (?1, ?2)")?
            .execute(params![seq, body])?;
    }
    Ok(Some(seq))
}

/// Seals a record's merged state and its list row under the class's newest
/// key epoch, stores them as the record's head, and moves it from the
/// lookup terms of `old_view` to those of the new values, in the caller's
/// transaction. `seq` is the newest version merged into it.
pub(super) fn write_head(
    conn: &Connection,
    keys: &UnlockedKeys,
    kind: RecordKind,
    id: RecordId,
    state: &RecordState,
    old_view: Option<&RecordView>,
    seq: i64,
) -> Result<RecordView> {
    let class = kind.sensitivity();
    keys.check_writable(kind)?;
    let epoch = keys.current_epoch(class).ok_or(Error::NotPermitted(kind))?;
    let head_ctx = SealContext {
        kind,
        id,
        class,
        epoch,
    };
    let view = RecordView::from_state(id, kind, state);
    let sealed_state = head_ctx.seal(keys, BlobRole::State, state)?;
    conn.prepare_cached(
        "INSERT INTO records (id, kind, key_class, key_epoch, state, updated_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (id) DO UPDATE SET key_epoch = excluded.key_epoch, state = excluded.state,
             updated_seq = excluded.updated_seq",
    )?
    .execute(params![
        id.as_bytes().as_slice(),
        kind.as_str(),
        class.as_str(),
        epoch,
        sealed_state,
        seq
    ])?;
    write_list_row(conn, keys, &head_ctx, &ListRow::of(&view))?;
    let index = keys.index(class).ok_or(Error::NotPermitted(kind))?;
    lookup::reindex(conn, index, id, old_view, &view)?;
    Ok(view)
}

/// Seals and stores a record's list row, replacing the one it had.
pub(super) fn write_list_row(
    conn: &Connection,
    keys: &UnlockedKeys,
    ctx: &SealContext,
    row: &ListRow,
) -> Result<()> {
    let sealed = ctx.seal(keys, BlobRole::ListRow, row)?;
    conn.prepare_cached(
        "INSERT INTO list_rows (kind, id, key_epoch, body) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (kind, id) DO UPDATE SET key_epoch = excluded.key_epoch, body = excluded.body",
    )?
    .execute(params![
        ctx.kind.as_str(),
        ctx.id.as_bytes().as_slice(),
        ctx.epoch,
        sealed
    ])?;
    Ok(())
}

/// Every version of a record, oldest first; a version whose body the
/// device let go is rebuilt from the record's state.
pub fn versions(
    conn: &Connection,
    keys: &UnlockedKeys,
    id: RecordId,
) -> Result<Vec<RecordVersion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT v.version_id, v.kind, v.key_class, v.key_epoch, b.body, v.stub
         FROM versions v LEFT JOIN version_bodies b ON b.seq = v.seq
         WHERE v.record_id = ?1 ORDER BY v.seq",
    )?;
    let rows = stmt
        .query_map([id.as_bytes().as_slice()], |r| {
            Ok((
                r.get::<_, Vec<u8>>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, u32>(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut state = None;
    let mut out = Vec::with_capacity(rows.len());
    for (version_id, kind, class, epoch, body, stub) in rows {
        let version_id = VersionId::from_slice(&version_id).ok_or(Error::RecordCorrupt { id })?;
        let ctx = SealContext {
            kind: parse_kind(&kind, id)?,
            id,
            class: parse_class(&class, id)?,
            epoch,
        };
        let version = match (body, stub) {
            (Some(body), _) => ctx
                .open_version(keys, version_id, &body)
                .map_err(|_| Error::RecordCorrupt { id })?,
            (None, Some(stub)) => {
                if state.is_none() {
                    state = load_state(conn, keys, id)?.map(|(_, state)| state);
                }
                let state = state.as_ref().ok_or(Error::RecordCorrupt { id })?;
                version_stubs::open_stub(keys, &ctx, version_id, &stub, state)
                    .ok_or(Error::RecordCorrupt { id })?
            }
            (None, None) => return Err(Error::RecordCorrupt { id }),
        };
        out.push(version);
    }
    Ok(out)
}
