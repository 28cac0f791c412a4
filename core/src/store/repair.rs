//! Rebuilding what `check` found damaged from what is still whole, on this
//! device or in copies the hub sent back. Nothing is rebuilt from a guess:
//!
//! - a list row, from the record's merged state;
//! - a merged state, from all of the record's versions (merging is
//!   deterministic and order-independent, so they give the state exactly);
//! - a version the hub holds, from the hub's copy (opened and checked
//!   against the damaged row's ids, then sealed again like any version);
//! - a version the hub never had (or dropped when it compacted the record's
//!   log), from the writes the record's state still holds that no readable
//!   version carries: written again as a merged version, which changes no
//!   value and which sync carries to the team.
//!
//! A version that nothing can open any more (never pushed, and its record's
//! state damaged too) is removed, so that it does not travel to the hub only
//! to be refused by every device; the report says it is lost.

use std::collections::{BTreeMap, BTreeSet};

use fieldbook_proto::vocab::KeyClass;
use fieldbook_proto::SealedVersion;
use rusqlite::{params, Connection};

use super::audit::AuditAction;
use super::check::{Findings, VersionFinding};
use super::compaction::is_merged;
use super::exchange::open_received;
use super::lookup;
use super::records::{self, Origin};
use super::sealing::{BlobRole, SealContext};
use super::vault::UnlockedKeys;
use super::version_stubs;
use super::view::RecordView;
use super::write_tx::WriteTx;
use super::Store;
use crate::forms;
use crate::record::{
    meta_fields, FieldWrite, RecordId, RecordKind, RecordState, RecordVersion, Stamp, VersionId,
};
use crate::{Error, Result};

/// One damaged thing, as the repair log and the report name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Item {
    Key {
        class: KeyClass,
        epoch: u32,
    },
    LookupIndex,
    View(RecordId),
    State(RecordId),
    /// A version row, by its seq (a damaged row may not have a readable id).
    Version(i64),
}

/// What a check's repairs did.
#[derive(Debug, Clone, Default)]
pub(crate) struct RepairLog {
    /// Rebuilt from what this device holds whole.
    pub rebuilt: BTreeSet<Item>,
    /// Restored from the hub's copies.
    pub restored: BTreeSet<Item>,
    /// Versions removed because nothing anywhere can open them.
    pub lost: BTreeSet<Item>,
    /// The lookup index must be filed again from every record's values.
    pub reindex: bool,
}

impl Store {
    /// Rebuilds on this device what can be rebuilt exactly from what it
    /// holds whole, in one transaction. Versions the hub holds are left for
    /// [`Self::restore_from_hub`], whose copies are exact.
    pub(crate) fn repair_locally(
        &mut self,
        findings: &Findings,
        log: &mut RepairLog,
    ) -> Result<()> {
        let w = self.begin_write_with_room()?;
        let mut repair = Repair {
            keys: w.keys,
            w,
            log,
        };
        for version in findings.damaged_versions.iter().filter(|v| !v.on_hub) {
            repair.version_from_state(findings, version, false)?;
        }
        for head in &findings.heads {
            if let Some(kind) = head.kind {
                repair.head(kind, head.id, head.state, head.view, false)?;
            }
        }
        if findings.damaged_lookup_chunks > 0 || repair.log.reindex {
            repair.refile_lookup_index(findings.damaged_lookup_chunks > 0)?;
        }
        repair.w.commit()
    }

    /// Repairs with the hub's copies of the versions of damaged records
    /// (every version the hub holds for them), in one transaction: damaged
    /// versions get the hub's copy; versions the hub no longer holds (it
    /// compacted the record's log) give way to the merged version that
    /// carries their writes; damaged states are rebuilt with every version.
    pub(crate) fn restore_from_hub(
        &mut self,
        findings: &Findings,
        from_hub: &[SealedVersion],
        log: &mut RepairLog,
    ) -> Result<()> {
        let w = self.begin_write_with_room()?;
        let keys = w.keys;
        let opened: Vec<RecordVersion> = from_hub
            .iter()
            .filter_map(|sealed| open_received(keys, sealed).ok())
            .collect();
        let mut repair = Repair { keys, w, log };
        let mut touched = BTreeSet::new();
        for damaged in &findings.damaged_versions {
            let copy = damaged
                .version_id
                .and_then(|id| opened.iter().find(|v| v.version_id == id));
            if let Some(copy) = copy {
                if repair.replace_version(damaged, copy)? {
                    touched.insert(damaged.record);
                }
            }
        }
        // Versions of damaged records the hub holds and this device lacks:
        // merged versions above all, which stand in for versions compacted away.
        let damaged_records: BTreeSet<RecordId> = findings
            .heads
            .iter()
            .filter(|h| h.state)
            .map(|h| h.id)
            .chain(findings.damaged_versions.iter().map(|v| v.record))
            .collect();
        for version in opened.iter().filter(|v| {
            damaged_records.contains(&v.record_id) && keys.check_writable(v.kind).is_ok()
        }) {
            let state_damaged = findings.head_of(version.record_id).is_some_and(|h| h.state);
            let stored = if state_damaged {
                records::insert_version(&repair.w.tx, keys, version, Origin::Received, false)?
                    .is_some()
            } else {
                records::apply_version(&repair.w.tx, keys, version, Origin::Received)?.is_some()
            };
            if stored {
                touched.insert(version.record_id);
            }
        }
        for damaged in &findings.damaged_versions {
            let restored = repair.log.restored.contains(&Item::Version(damaged.seq));
            // A version the hub took and no longer holds was dropped when a
            // supervisor compacted its record's log: the merged version kept
            // in its place carries every write of it that still counts.
            let compacted = damaged.on_hub
                && opened
                    .iter()
                    .any(|v| v.record_id == damaged.record && is_merged(v));
            if !restored && compacted {
                repair.version_from_state(findings, damaged, true)?;
                touched.insert(damaged.record);
            }
        }
        for head in &findings.heads {
            if let (Some(kind), true) = (head.kind, touched.contains(&head.id)) {
                repair.head(kind, head.id, head.state, head.view, true)?;
            }
        }
        if repair.log.reindex {
            repair.refile_lookup_index(false)?;
        }
        repair.w.commit()
    }
}

/// The repairs of one transaction.
struct Repair<'a, 't> {
    w: WriteTx<'t>,
    keys: &'t UnlockedKeys,
    log: &'a mut RepairLog,
}

impl Repair<'_, '_> {
    fn done(&mut self, item: Item, from_hub: bool) {
        if from_hub {
            self.log.restored.insert(item);
        } else {
            self.log.rebuilt.insert(item);
        }
    }

    /// A damaged head: the list row from the state, or both from the
    /// versions once every one of them opens.
    fn head(
        &mut self,
        kind: RecordKind,
        id: RecordId,
        state_damaged: bool,
        view_damaged: bool,
        from_hub: bool,
    ) -> Result<()> {
        if self.keys.check_writable(kind).is_err() {
            return Ok(()); // sealing the head needs its class's keys whole
        }
        // The lookup terms the record is filed under follow from its old
        // values, which only its state holds.
        let (state, old_view) = if state_damaged {
            let Ok(versions) = records::versions(&self.w.tx, self.keys, id) else {
                return Ok(()); // some version still does not open
            };
            if versions.is_empty() || versions.iter().any(|v| v.kind != kind) {
                return Ok(());
            }
            let mut state = RecordState::default();
            for version in &versions {
                state.merge_in(&version.as_state());
            }
            (state, None)
        } else {
            match records::load_state(&self.w.tx, self.keys, id) {
                Ok(Some((_, state))) => {
                    let old_view = RecordView::from_state(id, kind, &state);
                    (state, Some(old_view))
                }
                _ => return Ok(()),
            }
        };
        if old_view.is_none() {
            // Its old terms are unknown: the whole index is filed again.
            self.log.reindex = true;
        }
        let seq: i64 = self.w.tx.query_row(
            "SELECT coalesce(max(seq), 0) FROM versions WHERE record_id = ?1",
            [id.as_bytes().as_slice()],
            |r| r.get(0),
        )?;
        records::write_head(
            &self.w.tx,
            self.keys,
            kind,
            id,
            &state,
            old_view.as_ref(),
            seq,
        )?;
        if state_damaged {
            self.done(Item::State(id), from_hub);
        }
        if view_damaged || state_damaged {
            self.done(Item::View(id), from_hub);
        }
        Ok(())
    }

    /// Puts the hub's copy in place of a damaged version row; false when
    /// the copy is not that version.
    fn replace_version(&mut self, damaged: &VersionFinding, copy: &RecordVersion) -> Result<bool> {
        if copy.record_id != damaged.record || Some(copy.kind) != damaged.kind {
            return Ok(false);
        }
        let class = copy.kind.sensitivity();
        if self.keys.check_writable(copy.kind).is_err() {
            return Ok(false);
        }
        let epoch = self
            .keys
            .current_epoch(class)
            .ok_or(Error::NotPermitted(copy.kind))?;
        let ctx = SealContext {
            kind: copy.kind,
            id: copy.record_id,
            class,
            epoch,
        };
        let body = ctx.seal(self.keys, BlobRole::Version(copy.version_id), copy)?;
        self.w.tx.execute(
            "INSERT OR REPLACE INTO version_bodies (seq, body) VALUES (?1, ?2)",
            params![damaged.seq, body],
        )?;
        self.w.tx.execute(
            "UPDATE versions SET stub = NULL, key_class = ?1, key_epoch = ?2, pushed = 1
             WHERE seq = ?3",
            params![class.as_str(), epoch, damaged.seq],
        )?;
        self.done(Item::Version(damaged.seq), true);
        Ok(true)
    }

    /// A damaged version whose writes the record's state still holds: the
    /// writes no readable version carries are written again as merged
    /// versions (one per original save, so history still names its author
    /// and time), and the damaged row goes. When the state is damaged too,
    /// the row goes if the hub's merged version stands in for it
    /// (`compacted`), or if it never reached the hub (it is lost).
    fn version_from_state(
        &mut self,
        findings: &Findings,
        damaged: &VersionFinding,
        compacted: bool,
    ) -> Result<()> {
        let Some(kind) = damaged.kind else {
            return Ok(());
        };
        if self.keys.check_writable(kind).is_err() {
            return Ok(());
        }
        let state = match records::load_state(&self.w.tx, self.keys, damaged.record) {
            Ok(Some((stored_kind, state))) if stored_kind == kind => Some(state),
            Ok(_) => None,
            Err(Error::RecordCorrupt { .. }) => None,
            Err(e) => return Err(e),
        };
        let Some(state) = state else {
            let head_under_damaged_key = findings
                .keys
                .iter()
                .any(|k| k.records.iter().any(|r| r.id == damaged.record));
            if compacted {
                self.remove_version(damaged.seq)?;
                self.done(Item::Version(damaged.seq), true);
            } else if !damaged.on_hub && !head_under_damaged_key {
                self.remove_version(damaged.seq)?;
                self.log.lost.insert(Item::Version(damaged.seq));
            }
            return Ok(());
        };
        let carried = readable_writes(&self.w.tx, self.keys, damaged.record, damaged.seq, &state)?;
        let mut by_save: BTreeMap<Stamp, BTreeMap<String, FieldWrite>> = BTreeMap::new();
        for (key, field) in &state.fields {
            for write in field.writes() {
                if !carried.contains(&(key.clone(), write.stamp)) {
                    by_save
                        .entry(write.stamp)
                        .or_default()
                        .insert(key.clone(), write.clone());
                }
            }
        }
        let form_version = state
            .value(meta_fields::FORM_VERSION)
            .and_then(serde_json::Value::as_u64)
            .map(|v| v as u32)
            .unwrap_or(forms::definition(kind).version);
        self.remove_version(damaged.seq)?;
        for fields in by_save.into_values() {
            let version = RecordVersion {
                version_id: VersionId::make(),
                record_id: damaged.record,
                kind,
                stamp: self.w.stamp(),
                form_version,
                fields,
            };
            records::apply_version(&self.w.tx, self.keys, &version, Origin::Local)?;
            self.w.audit_version(AuditAction::Merge, &version)?;
        }
        self.done(Item::Version(damaged.seq), compacted);
        Ok(())
    }

    /// Files every readable record under the lookup terms of its values
    /// again, from an empty index: the index is a function of the states.
    /// Waits while any team key is damaged (what it sealed could not be
    /// filed, and would drop out of lookups).
    fn refile_lookup_index(&mut self, was_damaged: bool) -> Result<()> {
        if !self.keys.damaged().is_empty() {
            return Ok(());
        }
        lookup::clear(&self.w.tx)?;
        let mut stmt = self
            .w
            .tx
            .prepare("SELECT id, kind, key_class, key_epoch, state FROM records")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (id, kind, class): (Vec<u8>, String, String) =
                (row.get(0)?, row.get(1)?, row.get(2)?);
            let (Some(id), Ok(kind), Some(class)) = (
                RecordId::from_slice(&id),
                kind.parse::<RecordKind>(),
                crate::record::SensitivityClass::parse(&class),
            ) else {
                continue;
            };
            let ctx = SealContext {
                kind,
                id,
                class,
                epoch: row.get(3)?,
            };
            let state =
                ctx.open::<RecordState>(self.keys, BlobRole::State, &row.get::<_, Vec<u8>>(4)?);
            let (Ok(state), Some(index)) = (state, self.keys.index(class)) else {
                continue; // named by the check as damage of its own
            };
            let view = RecordView::from_state(id, kind, &state);
            lookup::reindex(&self.w.tx, index, id, None, &view)?;
        }
        self.log.reindex = false;
        if was_damaged {
            self.log.rebuilt.insert(Item::LookupIndex);
        }
        Ok(())
    }

    fn remove_version(&self, seq: i64) -> Result<()> {
        self.w
            .tx
            .execute("DELETE FROM version_bodies WHERE seq = ?1", [seq])?;
        self.w
            .tx
            .execute("DELETE FROM versions WHERE seq = ?1", [seq])?;
        Ok(())
    }
}

/// The (field, stamp) of every write the record's readable versions carry,
/// the damaged row `except` aside; a stub carries what `state` rebuilds
/// for it.
fn readable_writes(
    conn: &Connection,
    keys: &UnlockedKeys,
    record: RecordId,
    except: i64,
    state: &RecordState,
) -> Result<BTreeSet<(String, Stamp)>> {
    let mut stmt = conn.prepare(
        "SELECT v.seq, v.version_id, v.kind, v.key_class, v.key_epoch, b.body, v.stub
         FROM versions v LEFT JOIN version_bodies b ON b.seq = v.seq
         WHERE v.record_id = ?1 AND v.seq != ?2",
    )?;
    let rows = stmt
        .query_map(params![record.as_bytes().as_slice(), except], |r| {
            Ok((
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, u32>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
                r.get::<_, Option<Vec<u8>>>(6)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut carried = BTreeSet::new();
    for (version_id, kind, class, epoch, body, stub) in rows {
        let (Some(version_id), Ok(kind), Some(class)) = (
            VersionId::from_slice(&version_id),
            kind.parse::<RecordKind>(),
            crate::record::SensitivityClass::parse(&class),
        ) else {
            continue;
        };
        let ctx = SealContext {
            kind,
            id: record,
            class,
            epoch,
        };
        let version = match (body, stub) {
            (Some(body), _) => ctx.open_version(keys, version_id, &body).ok(),
            (None, Some(stub)) => version_stubs::open_stub(keys, &ctx, version_id, &stub, state),
            (None, None) => None,
        };
        for (key, write) in version.into_iter().flat_map(|v| v.fields) {
            carried.insert((key, write.stamp));
        }
    }
    Ok(carried)
}
