//! Finding damage: every stored team key, every record's sealed state and
//! list row, every version body, the lookup index's sealed chunks, the audit
//! trail and the file header. Nothing
//! is changed here (`repair` rebuilds, `crate::sync::check` restores from
//! the hub); each finding names the record, version or key by its clear
//! routing metadata only.
//!
//! What a damaged team key sealed cannot be opened to be checked: it is
//! named under the key, not as damage of its own.

use std::collections::BTreeMap;

use rusqlite::Connection;

use super::audit::{self, AuditReport};
use super::header::{self, HeaderState};
use super::list_row::ListRow;
use super::lookup;
use super::records;
use super::sealing::{BlobRole, SealContext};
use super::vault::{DamagedKey, UnlockedKeys};
use super::version_stubs;
use super::view::RecordView;
use super::Store;
use crate::record::{RecordId, RecordKind, RecordState, SensitivityClass, VersionId};
use crate::Result;

/// A record named by its id and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct RecordRef {
    /// The record's stable id, the same on every device.
    pub id: RecordId,
    /// What kind of record it is, which says which key seals it.
    pub kind: RecordKind,
}

/// A damaged team key and what it sealed.
#[derive(Debug, Clone)]
pub(crate) struct KeyFinding {
    pub key: DamagedKey,
    /// Records whose head or some version it sealed.
    pub records: Vec<RecordRef>,
}

/// A record whose head (merged state, list view, or both) does not open.
#[derive(Debug, Clone)]
pub(crate) struct HeadFinding {
    pub id: RecordId,
    /// `None` when the clear kind or class column is itself damaged.
    pub kind: Option<RecordKind>,
    pub state: bool,
    pub view: bool,
}

/// A version whose body does not open, or opens as another version, or
/// whose stub (standing in for a body let go) its record's state does not
/// rebuild, or that has neither.
#[derive(Debug, Clone)]
pub(crate) struct VersionFinding {
    pub seq: i64,
    pub record: RecordId,
    pub kind: Option<RecordKind>,
    pub version_id: Option<VersionId>,
    /// Whether the hub took it (pushed from here, or received from it).
    pub on_hub: bool,
}

/// Everything one pass over the store found.
#[derive(Debug, Clone)]
pub(crate) struct Findings {
    pub header: HeaderState,
    pub team_keys: u32,
    pub records: u64,
    pub versions: u64,
    pub keys: Vec<KeyFinding>,
    pub heads: Vec<HeadFinding>,
    pub damaged_versions: Vec<VersionFinding>,
    /// Sealed chunks of the lookup index that do not open (not counted
    /// while a class's index key is itself damaged).
    pub damaged_lookup_chunks: u64,
    pub audit: AuditReport,
}

impl Findings {
    pub fn is_whole(&self) -> bool {
        self.header == HeaderState::Whole
            && self.keys.is_empty()
            && self.heads.is_empty()
            && self.damaged_versions.is_empty()
            && self.damaged_lookup_chunks == 0
            && self.audit.ok
    }

    /// Damaged versions of one record.
    pub fn versions_of(&self, record: RecordId) -> impl Iterator<Item = &VersionFinding> {
        self.damaged_versions
            .iter()
            .filter(move |v| v.record == record)
    }

    pub fn head_of(&self, record: RecordId) -> Option<&HeadFinding> {
        self.heads.iter().find(|h| h.id == record)
    }
}

impl Store {
    /// Opens every sealed value of the store and says what does not open
    /// (unlocked only). Reads everything once: as long as a full listing
    /// of every kind plus every version.
    pub(crate) fn find_damage(&mut self) -> Result<Findings> {
        let (conn, keys) = self.unlocked()?;
        let mut by_key: BTreeMap<DamagedKey, Vec<RecordRef>> = keys
            .damaged()
            .iter()
            .map(|k| (k.clone(), Vec::new()))
            .collect();
        let team_keys = conn.query_row("SELECT count(*) FROM team_keys", [], |r| r.get(0))?;
        let (records, heads) = check_heads(conn, keys, &mut by_key)?;
        let (versions, damaged_versions) = check_versions(conn, keys, &mut by_key)?;
        let index_keys_whole = SensitivityClass::ALL
            .iter()
            .all(|c| !keys.holds(*c) || keys.index(*c).is_some());
        let damaged_lookup_chunks = if index_keys_whole {
            lookup::unopenable_chunks(conn, keys)?
        } else {
            0 // the damaged key is reported, and what it keyed with it
        };
        let audit = audit::verify(conn, keys)?;
        let keys = by_key
            .into_iter()
            .map(|(key, mut records)| {
                records.sort();
                records.dedup();
                KeyFinding { key, records }
            })
            .collect();
        Ok(Findings {
            header: header::inspect(&self.dir)?,
            team_keys,
            records,
            versions,
            keys,
            heads,
            damaged_versions,
            damaged_lookup_chunks,
            audit,
        })
    }
}

impl Store {
    /// The stored team keys that do not unwrap (unlocked only).
    pub(crate) fn damaged_keys(&mut self) -> Result<Vec<DamagedKey>> {
        Ok(self.keys()?.damaged().to_vec())
    }
}

/// The sealing context a row's clear columns name, when they parse.
fn context(id: RecordId, kind: &str, class: &str, epoch: u32) -> Option<SealContext> {
    Some(SealContext {
        kind: kind.parse().ok()?,
        id,
        class: SensitivityClass::parse(class)?,
        epoch,
    })
}

fn check_heads(
    conn: &Connection,
    keys: &UnlockedKeys,
    by_key: &mut BTreeMap<DamagedKey, Vec<RecordRef>>,
) -> Result<(u64, Vec<HeadFinding>)> {
    let mut stmt = conn.prepare(
        "SELECT r.id, r.kind, r.key_class, r.key_epoch, r.state, l.key_epoch, l.body
         FROM records r LEFT JOIN list_rows l ON l.kind = r.kind AND l.id = r.id
         ORDER BY r.rowid",
    )?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    let mut damaged = Vec::new();
    while let Some(row) = rows.next()? {
        count += 1;
        let Some(id) = RecordId::from_slice(&row.get::<_, Vec<u8>>(0)?) else {
            continue; // no id to name it by, and nothing can reach it by id
        };
        let (kind, class, epoch): (String, String, u32) = (row.get(1)?, row.get(2)?, row.get(3)?);
        let Some(ctx) = context(id, &kind, &class, epoch) else {
            damaged.push(HeadFinding {
                id,
                kind: kind.parse().ok(),
                state: true,
                view: true,
            });
            continue;
        };
        let key = DamagedKey {
            class: ctx.class.into(),
            epoch,
        };
        if let Some(sealed) = by_key.get_mut(&key) {
            sealed.push(RecordRef { id, kind: ctx.kind });
            continue;
        }
        let state = ctx
            .open::<RecordState>(keys, BlobRole::State, &row.get::<_, Vec<u8>>(4)?)
            .ok();
        // A list row must be there, open under its own epoch, and, when
        // the state opens, say what the state does (not an older row put back).
        let list_row = match (
            row.get::<_, Option<u32>>(5)?,
            row.get::<_, Option<Vec<u8>>>(6)?,
        ) {
            (Some(row_epoch), Some(body)) => SealContext {
                epoch: row_epoch,
                ..ctx
            }
            .open::<ListRow>(keys, BlobRole::ListRow, &body)
            .ok(),
            _ => None,
        };
        let row_good = list_row.is_some_and(|list_row| match &state {
            Some(state) => list_row.agrees_with(&RecordView::from_state(id, ctx.kind, state)),
            None => list_row.id == id && list_row.kind == ctx.kind,
        });
        if state.is_none() || !row_good {
            damaged.push(HeadFinding {
                id,
                kind: Some(ctx.kind),
                state: state.is_none(),
                view: !row_good,
            });
        }
    }
    Ok((count, damaged))
}

fn check_versions(
    conn: &Connection,
    keys: &UnlockedKeys,
    by_key: &mut BTreeMap<DamagedKey, Vec<RecordRef>>,
) -> Result<(u64, Vec<VersionFinding>)> {
    let mut stmt = conn.prepare(
        "SELECT v.seq, v.version_id, v.record_id, v.kind, v.key_class, v.key_epoch, b.body,
             v.pushed, v.stub
         FROM versions v LEFT JOIN version_bodies b ON b.seq = v.seq ORDER BY v.seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut count = 0;
    let mut damaged = Vec::new();
    while let Some(row) = rows.next()? {
        count += 1;
        let seq: i64 = row.get(0)?;
        let version_id = VersionId::from_slice(&row.get::<_, Vec<u8>>(1)?);
        let Some(record) = RecordId::from_slice(&row.get::<_, Vec<u8>>(2)?) else {
            continue; // no record to name it by
        };
        let (kind, class, epoch): (String, String, u32) = (row.get(3)?, row.get(4)?, row.get(5)?);
        let on_hub = row.get::<_, i64>(7)? != 0;
        let ctx = context(record, &kind, &class, epoch);
        if let Some(ctx) = ctx {
            let key = DamagedKey {
                class: ctx.class.into(),
                epoch,
            };
            if let Some(sealed) = by_key.get_mut(&key) {
                sealed.push(RecordRef {
                    id: record,
                    kind: ctx.kind,
                });
                continue;
            }
        }
        // The body where it is kept; else the stub that stands in for it,
        // which holds only if its record's state rebuilds the version.
        let body: Option<Vec<u8>> = row.get(6)?;
        let stub: Option<Vec<u8>> = row.get(8)?;
        let opens = match (ctx, version_id, body, stub) {
            (Some(ctx), Some(version_id), Some(body), _) => {
                ctx.open_version(keys, version_id, &body).is_ok()
            }
            (Some(ctx), Some(version_id), None, Some(stub)) => {
                match records::load_state(conn, keys, record) {
                    Ok(Some((kind, state))) if kind == ctx.kind => {
                        version_stubs::open_stub(keys, &ctx, version_id, &stub, &state).is_some()
                    }
                    Ok(_) | Err(crate::Error::RecordCorrupt { .. }) => false,
                    Err(e) => return Err(e),
                }
            }
            _ => false,
        };
        if !opens {
            damaged.push(VersionFinding {
                seq,
                record,
                kind: kind.parse().ok(),
                version_id,
                on_hub,
            });
        }
    }
    Ok((count, damaged))
}
