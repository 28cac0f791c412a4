//! The sync log's primitives on SQLite, for the algorithm in `storage::log`.
//!
//! The caller's `BEGIN IMMEDIATE` transaction already serialises writers;
//! the `log_heads` row is read and advanced under it all the same, so both
//! backends keep the same rows.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use uuid::Uuid;

use super::{team_exists, version_from, version_row};
use crate::storage::log::{PageRead, PushTx};
use crate::storage::model::to_micros;
use crate::storage::{parse_status, DeviceStatus, NewVersion, Result, StoredVersion};

/// The log of a SQLite hub store, through a connection inside the caller's
/// transaction.
pub(super) struct SqliteLog<'c> {
    conn: &'c Connection,
}

impl<'c> SqliteLog<'c> {
    pub(super) fn new(conn: &'c Connection) -> SqliteLog<'c> {
        SqliteLog { conn }
    }
}

impl PushTx for SqliteLog<'_> {
    async fn lock_head(&mut self, team_id: Uuid) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT next_seq FROM log_heads WHERE team_id = ?1")?
            .query_row([team_id.as_bytes().as_slice()], |r| r.get(0))
            .optional()?)
    }

    async fn member_status(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
    ) -> Result<Option<DeviceStatus>> {
        let status: Option<String> = self
            .conn
            .prepare_cached("SELECT status FROM devices WHERE id = ?1 AND team_id = ?2")?
            .query_row(
                params![
                    device_id.as_bytes().as_slice(),
                    team_id.as_bytes().as_slice()
                ],
                |r| r.get(0),
            )
            .optional()?;
        status.map(|s| parse_status(&s)).transpose()
    }

    async fn known_ids(&mut self, team_id: Uuid, ids: &[Uuid]) -> Result<HashSet<Uuid>> {
        let mut known = self.conn.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM versions WHERE team_id = ?1 AND version_id = ?2) \
             OR EXISTS (SELECT 1 FROM compacted_versions WHERE team_id = ?1 AND version_id = ?2)",
        )?;
        let team = team_id.as_bytes().as_slice();
        let mut out = HashSet::new();
        for id in ids {
            if known.query_row(params![team, id.as_bytes().as_slice()], |r| r.get(0))? {
                out.insert(*id);
            }
        }
        Ok(out)
    }

    async fn append(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
        first_seq: i64,
        versions: &[&NewVersion],
        received_at: DateTime<Utc>,
    ) -> Result<()> {
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO versions (team_id, seq, version_id, record_id, kind, key_class, \
             key_epoch, body, pushed_by, received_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?;
        let received = to_micros(received_at);
        for (seq, v) in (first_seq..).zip(versions) {
            insert.execute(params![
                team_id.as_bytes().as_slice(),
                seq,
                v.version_id.as_bytes().as_slice(),
                v.record_id.as_bytes().as_slice(),
                v.kind,
                v.key_class,
                i64::from(v.key_epoch),
                v.body,
                device_id.as_bytes().as_slice(),
                received,
            ])?;
        }
        Ok(())
    }

    async fn set_head(&mut self, team_id: Uuid, next_seq: i64) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE log_heads SET next_seq = ?2 WHERE team_id = ?1")?
            .execute(params![team_id.as_bytes().as_slice(), next_seq])?;
        Ok(())
    }
}

impl PageRead for SqliteLog<'_> {
    async fn check_team(&mut self, team_id: Uuid) -> Result<()> {
        team_exists(self.conn, team_id)
    }

    async fn versions_after(
        &mut self,
        team_id: Uuid,
        since: i64,
        count: i64,
    ) -> Result<Vec<StoredVersion>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, version_id, record_id, kind, key_class, key_epoch, body, pushed_by, \
             received_at FROM versions WHERE team_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let rows = stmt
            .query_map(
                params![team_id.as_bytes().as_slice(), since, count],
                version_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(version_from).collect()
    }
}
