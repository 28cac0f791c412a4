//! Log compaction: a supervisor's device writes, for a record with many
//! versions, one merged version that carries exactly the record's current
//! winning writes, unchanged (same values, stamps and `seen` vectors). Merging
//! it anywhere changes no value: a device holding the old versions already has
//! those writes, and a device that receives only the merged version rebuilds
//! the same state. Every write the old versions held that is not in the state
//! was superseded by a write that is, so the hub may drop them.
//!
//! A merged version is recognisable without any format change: an ordinary
//! version stamps every field with its own stamp, while a merged version's
//! own stamp is newer than every write it carries.

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::audit::AuditAction;
use super::records::{self, Origin};
use super::view::{hlc_time, HistoryEntry};
use super::write_tx::WriteTx;
use super::{Role, Store};
use crate::error::SupervisorTask;
use crate::forms;
use crate::record::{meta_fields, RecordId, RecordVersion, Stamp, VersionId};
use crate::{Error, Result};

/// A merged version and the versions of the same record it supersedes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Compaction {
    /// The record both versions belong to.
    pub record_id: RecordId,
    /// The merged version, which holds every field's surviving writes.
    pub keep_version_id: VersionId,
    /// The versions the merged one replaces, which the hub may drop from the log.
    pub drop_version_ids: Vec<VersionId>,
}

/// Whether a version is a merged version (see the module documentation).
pub fn is_merged(version: &RecordVersion) -> bool {
    !version.fields.is_empty() && version.fields.values().all(|w| w.stamp != version.stamp)
}

impl Store {
    /// Writes merged versions for up to `limit` records that have at least
    /// `min_versions` versions since their last merged version, no conflicts,
    /// and every version already on the hub. Supervisor devices only. The
    /// merged versions are local and unpushed, stored in one transaction.
    pub fn make_merged_versions(
        &mut self,
        min_versions: usize,
        limit: usize,
    ) -> Result<Vec<Compaction>> {
        if self.role != Role::Supervisor {
            return Err(Error::SupervisorOnly(SupervisorTask::Compact));
        }
        if min_versions < 2 {
            return Err(Error::InvalidInput(
                "compaction needs at least 2 versions per record".into(),
            ));
        }
        let mut w = self.begin_write()?;
        let mut compactions = Vec::new();
        for id in candidates(&w.tx, min_versions)? {
            if compactions.len() >= limit {
                break;
            }
            if let Some(compaction) = merge_one(&mut w, id, min_versions)? {
                compactions.push(compaction);
            }
        }
        w.commit()?;
        Ok(compactions)
    }
}

/// Records with at least `min_versions` versions, every one on the hub,
/// oldest first. Only the clear routing columns are read here; whether a
/// record may be merged is decided on its contents, in [`merge_one`].
fn candidates(conn: &Connection, min_versions: usize) -> Result<Vec<RecordId>> {
    let mut stmt = conn.prepare(
        "SELECT record_id FROM versions GROUP BY record_id
         HAVING count(*) >= ?1 AND sum(pushed = 0) = 0 ORDER BY min(seq)",
    )?;
    let rows = stmt.query_map(params![min_versions as i64], |r| r.get::<_, Vec<u8>>(0))?;
    let mut ids = Vec::new();
    for row in rows {
        ids.push(
            RecordId::from_slice(&row?)
                .ok_or_else(|| Error::StoreDamaged("a version has a malformed id".into()))?,
        );
    }
    Ok(ids)
}

/// Writes one record's merged version, unless this device may not read it,
/// it is in conflict, or fewer than `min_versions` versions came since its
/// last merged version.
fn merge_one(w: &mut WriteTx<'_>, id: RecordId, min_versions: usize) -> Result<Option<Compaction>> {
    let keys = w.keys;
    let Some((kind, state)) = records::load_state(&w.tx, keys, id)? else {
        return Ok(None);
    };
    if !keys.holds(kind.sensitivity()) || state.conflicted_fields().next().is_some() {
        return Ok(None);
    }
    let versions = records::versions(&w.tx, keys, id)?;
    // A record already compacted counts only what came after (and
    // including) its last merged version, so an unchanged record is
    // never merged again.
    let since_last_merge = match versions.iter().rposition(is_merged) {
        Some(at) => versions.len() - at,
        None => versions.len(),
    };
    if since_last_merge < min_versions {
        return Ok(None);
    }
    let fields: BTreeMap<_, _> = state
        .fields
        .iter()
        .map(|(key, field)| (key.clone(), field.winner().clone()))
        .collect();
    let form_version = state
        .value(meta_fields::FORM_VERSION)
        .and_then(Value::as_u64)
        .map(|v| v as u32)
        .unwrap_or(forms::definition(kind).version);
    let version = RecordVersion {
        version_id: VersionId::make(),
        record_id: id,
        kind,
        stamp: w.stamp(),
        form_version,
        fields,
    };
    debug_assert_eq!(version.as_state(), state);
    records::apply_version(&w.tx, keys, &version, Origin::Local)?;
    w.audit_version(AuditAction::Merge, &version)?;
    Ok(Some(Compaction {
        record_id: id,
        keep_version_id: version.version_id,
        drop_version_ids: versions.iter().map(|v| v.version_id).collect(),
    }))
}

/// A record's history from its stored versions, oldest first. A merged
/// version is not an edit: where this device holds the versions whose writes
/// it carries, it is left out; otherwise it shows the writes this device has
/// no version for, attributed to their newest author and time rather than to
/// the supervisor who compacted the log.
pub fn history_of(versions: &[RecordVersion]) -> Vec<HistoryEntry> {
    let held: std::collections::BTreeSet<Stamp> = versions
        .iter()
        .filter(|v| !is_merged(v))
        .map(|v| v.stamp)
        .collect();
    let mut entries = Vec::with_capacity(versions.len());
    for version in versions {
        if !is_merged(version) {
            entries.push(HistoryEntry::from(version));
            continue;
        }
        let unheld: Vec<(&String, &crate::record::FieldWrite)> = version
            .fields
            .iter()
            .filter(|(_, w)| !held.contains(&w.stamp))
            .collect();
        let Some(newest) = unheld.iter().map(|(_, w)| w.stamp).max() else {
            continue;
        };
        let changes: Map<String, Value> = unheld
            .iter()
            .filter(|(k, _)| !meta_fields::is_meta(k) || *k == meta_fields::DELETED)
            .map(|(k, w)| ((*k).clone(), w.value.clone()))
            .collect();
        entries.push(HistoryEntry {
            version_id: version.version_id,
            written_at: hlc_time(newest.hlc),
            device: newest.device,
            form_version: version.form_version,
            changes,
        });
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordKind;
    use crate::store::{CreateOptions, ManualClock, Membership, WriteOptions};
    use crate::testing::{obj, TestDevice};
    use serde_json::json;

    struct Device {
        _files: TestDevice,
        store: Store,
        clock: ManualClock,
    }

    fn device(role: Role, membership: Membership) -> Device {
        let files = TestDevice::new();
        let store = files
            .try_create(CreateOptions {
                role,
                membership,
                ..CreateOptions::for_tests()
            })
            .unwrap();
        Device {
            clock: files.clock.clone(),
            _files: files,
            store,
        }
    }

    /// Another device of the supervisor's team, with the keys `role` may hold.
    fn member(supervisor: &mut Store, role: Role) -> Device {
        let files = TestDevice::new();
        let store = files.create_member(supervisor, role);
        Device {
            clock: files.clock.clone(),
            _files: files,
            store,
        }
    }

    /// Every unpushed version of `from` goes to `to`, and is marked pushed.
    fn relay(from: &mut Device, to: &mut Device) {
        let versions = from.store.unpushed(10_000).unwrap();
        let ids: Vec<uuid::Uuid> = versions.iter().map(|v| v.version_id).collect();
        let outcome = to.store.receive(&versions).unwrap();
        assert!(outcome.rejected.is_empty(), "{outcome:?}");
        from.store.mark_pushed(&ids).unwrap();
    }

    /// The sealed form of some of `store`'s versions, as sync would carry them.
    fn sealed(store: &mut Store, ids: &[VersionId]) -> Vec<fieldbook_proto::SealedVersion> {
        // Reading them back as unpushed is the simplest way to get the wire
        // form (a stub has none: it stays out), marks restored after.
        store
            .conn
            .execute_batch(
                "CREATE TEMP TABLE marks AS SELECT seq, pushed FROM versions;
                 UPDATE versions SET pushed = 0 WHERE pushed != 2;",
            )
            .unwrap();
        let all = store.unpushed(10_000).unwrap();
        store
            .conn
            .execute_batch(
                "UPDATE versions SET pushed = (SELECT pushed FROM marks WHERE marks.seq = versions.seq);
                 DROP TABLE marks;",
            )
            .unwrap();
        all.into_iter()
            .filter(|v| ids.iter().any(|id| id.0 == v.version_id))
            .collect()
    }

    /// A supervisor holding a client that an outreach worker edited many
    /// times, every version on the "hub" (marked pushed / received).
    fn edited_many_times() -> (Device, Device, RecordId) {
        let mut supervisor = device(Role::Supervisor, Membership::NewTeam);
        let mut outreach = member(&mut supervisor.store, Role::Outreach);
        let client = outreach
            .store
            .add(
                RecordKind::Client,
                &obj(json!({"alias": "Hoa", "sex": "female", "birth_year": 1990})),
                WriteOptions::default(),
            )
            .unwrap();
        for n in 0..5 {
            outreach.clock.advance_secs(10);
            outreach
                .store
                .update(
                    client,
                    &obj(json!({"alias": format!("Hoa {n}"), "notes": format!("visit {n}")})),
                    WriteOptions::default(),
                )
                .unwrap();
        }
        relay(&mut outreach, &mut supervisor);
        (supervisor, outreach, client)
    }

    #[test]
    fn a_store_that_receives_only_the_merged_version_has_the_same_view() {
        let (mut supervisor, outreach, client) = edited_many_times();
        let before = supervisor.store.get(client).unwrap();
        assert_eq!(before.created_by, Some(outreach.store.device_id()));
        supervisor.clock.advance_secs(60);
        let compactions = supervisor.store.make_merged_versions(3, 100).unwrap();
        assert_eq!(compactions.len(), 1);
        let compaction = &compactions[0];
        assert_eq!(compaction.record_id, client);
        assert_eq!(compaction.drop_version_ids.len(), 6);
        assert_eq!(supervisor.store.unpushed_count().unwrap(), 1);
        // The merged version changes nothing here: not even who edited last.
        assert_eq!(supervisor.store.get(client).unwrap(), before);

        let mut fresh = member(&mut supervisor.store, Role::CaseManager);
        relay(&mut supervisor, &mut fresh);
        assert_eq!(fresh.store.get(client).unwrap(), before);
        // Who created it survives the first version being folded away.
        assert_eq!(
            fresh.store.get(client).unwrap().created_by,
            Some(outreach.store.device_id())
        );
        let history = fresh.store.history(client).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].device, before.updated_by);
        assert_ne!(history[0].device, supervisor.store.device_id());

        // Compacting again without new edits writes nothing.
        assert!(supervisor
            .store
            .make_merged_versions(2, 100)
            .unwrap()
            .is_empty());
        let audit = supervisor.store.verify_audit().unwrap();
        assert!(audit.ok, "{audit:?}");
    }

    #[test]
    fn a_store_with_some_old_versions_and_the_merged_one_converges() {
        let (mut supervisor, _outreach, client) = edited_many_times();
        let before = supervisor.store.get(client).unwrap();
        let compaction = supervisor
            .store
            .make_merged_versions(3, 100)
            .unwrap()
            .remove(0);
        let mut partial = member(&mut supervisor.store, Role::Outreach);
        let mut wanted = compaction.drop_version_ids[..2].to_vec();
        wanted.push(compaction.keep_version_id);
        let versions = sealed(&mut supervisor.store, &wanted);
        assert_eq!(versions.len(), 3);
        // The merged version first, then older ones: the order does not matter.
        let mut reversed = versions.clone();
        reversed.reverse();
        let outcome = partial.store.receive(&reversed).unwrap();
        assert_eq!(outcome.merged, 3);
        assert_eq!(outcome.conflicts, 0);
        assert_eq!(partial.store.get(client).unwrap().values, before.values);
        assert_eq!(
            partial.store.get(client).unwrap().updated_by,
            before.updated_by
        );
        // Its history shows the two old versions and what only the merged one carries.
        assert_eq!(partial.store.history(client).unwrap().len(), 3);

        // The outreach worker's later edit still supersedes the merged writes.
        let (mut supervisor2, mut outreach2, client2) = edited_many_times();
        supervisor2.store.make_merged_versions(2, 100).unwrap();
        relay(&mut supervisor2, &mut outreach2);
        outreach2.clock.advance_secs(120);
        outreach2
            .store
            .update(
                client2,
                &obj(json!({"alias": "Hoa later"})),
                WriteOptions::default(),
            )
            .unwrap();
        relay(&mut outreach2, &mut supervisor2);
        let view = supervisor2.store.get(client2).unwrap();
        assert_eq!(view.text("alias"), Some("Hoa later"));
        assert!(view.conflicts.is_empty());
        assert_eq!(view, outreach2.store.get(client2).unwrap());
    }

    #[test]
    fn records_with_conflicts_or_unpushed_versions_are_left_alone() {
        let (mut supervisor, mut outreach, client) = edited_many_times();
        // A concurrent edit on each side: a conflict on the supervisor.
        outreach
            .store
            .update(
                client,
                &obj(json!({"alias": "Outreach"})),
                WriteOptions::default(),
            )
            .unwrap();
        supervisor
            .store
            .update(
                client,
                &obj(json!({"alias": "Supervisor"})),
                WriteOptions::default(),
            )
            .unwrap();
        // Unpushed: the supervisor's own edit is not on the hub yet.
        assert!(supervisor
            .store
            .make_merged_versions(2, 100)
            .unwrap()
            .is_empty());
        let ids: Vec<uuid::Uuid> = supervisor
            .store
            .unpushed(100)
            .unwrap()
            .iter()
            .map(|v| v.version_id)
            .collect();
        supervisor.store.mark_pushed(&ids).unwrap();
        relay(&mut outreach, &mut supervisor);
        assert!(!supervisor.store.get(client).unwrap().conflicts.is_empty());
        assert!(supervisor
            .store
            .make_merged_versions(2, 100)
            .unwrap()
            .is_empty());
        assert_eq!(supervisor.store.unpushed_count().unwrap(), 0);
    }

    #[test]
    fn only_a_supervisor_compacts_and_few_versions_are_left_alone() {
        let (mut supervisor, mut outreach, _) = edited_many_times();
        let refused = outreach.store.make_merged_versions(2, 100).unwrap_err();
        assert!(
            matches!(refused, Error::SupervisorOnly(SupervisorTask::Compact)),
            "{refused}"
        );
        assert_eq!(
            refused.message(crate::Lang::Vi),
            "Chỉ thiết bị của giám sát viên mới được thu gọn nhật ký đồng bộ của nhóm"
        );
        assert!(supervisor
            .store
            .make_merged_versions(7, 100)
            .unwrap()
            .is_empty());
        assert!(supervisor.store.make_merged_versions(1, 100).is_err());
        assert!(supervisor
            .store
            .make_merged_versions(2, 0)
            .unwrap()
            .is_empty());
    }
}
