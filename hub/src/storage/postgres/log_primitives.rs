//! The sync log's primitives on PostgreSQL, for the algorithm in
//! `storage::log`.
//!
//! A push locks its team's `log_heads` row (`FOR UPDATE`) and holds it until
//! commit, so a team's seqs become visible in increasing order; the pusher's
//! device row is read `FOR SHARE`, so a concurrent revocation waits for the
//! push or the push sees it.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use deadpool_postgres::GenericClient;
use uuid::Uuid;

use super::{get, version_from};
use crate::storage::log::{PageRead, PushTx};
use crate::storage::{parse_status, DeviceStatus, NewVersion, Result, StorageError, StoredVersion};

/// The log of a PostgreSQL hub database, through a pooled client or a
/// transaction on one.
pub(super) struct PgLog<'a, C> {
    client: &'a C,
}

impl<'a, C: GenericClient> PgLog<'a, C> {
    pub(super) fn new(client: &'a C) -> PgLog<'a, C> {
        PgLog { client }
    }
}

impl<C: GenericClient> PushTx for PgLog<'_, C> {
    async fn lock_head(&mut self, team_id: Uuid) -> Result<Option<i64>> {
        let stmt = self
            .client
            .prepare_cached("SELECT next_seq FROM log_heads WHERE team_id = $1 FOR UPDATE")
            .await?;
        match self.client.query_opt(&stmt, &[&team_id]).await? {
            Some(row) => Ok(Some(get(&row, 0)?)),
            None => Ok(None),
        }
    }

    async fn member_status(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
    ) -> Result<Option<DeviceStatus>> {
        let stmt = self
            .client
            .prepare_cached("SELECT status FROM devices WHERE id = $1 AND team_id = $2 FOR SHARE")
            .await?;
        match self
            .client
            .query_opt(&stmt, &[&device_id, &team_id])
            .await?
        {
            Some(row) => Ok(Some(parse_status(get(&row, 0)?)?)),
            None => Ok(None),
        }
    }

    async fn known_ids(&mut self, team_id: Uuid, ids: &[Uuid]) -> Result<HashSet<Uuid>> {
        let stmt = self
            .client
            .prepare_cached(
                "SELECT version_id FROM versions WHERE team_id = $1 AND version_id = ANY($2) \
                 UNION ALL \
                 SELECT version_id FROM compacted_versions WHERE team_id = $1 AND version_id = ANY($2)",
            )
            .await?;
        self.client
            .query(&stmt, &[&team_id, &ids])
            .await?
            .iter()
            .map(|r| get::<Uuid>(r, 0))
            .collect()
    }

    async fn append(
        &mut self,
        team_id: Uuid,
        device_id: Uuid,
        first_seq: i64,
        versions: &[&NewVersion],
        received_at: DateTime<Utc>,
    ) -> Result<()> {
        let version_ids: Vec<Uuid> = versions.iter().map(|v| v.version_id).collect();
        let record_ids: Vec<Uuid> = versions.iter().map(|v| v.record_id).collect();
        let kinds: Vec<&str> = versions.iter().map(|v| v.kind.as_str()).collect();
        let key_classes: Vec<&str> = versions.iter().map(|v| v.key_class.as_str()).collect();
        let key_epochs: Vec<i64> = versions.iter().map(|v| i64::from(v.key_epoch)).collect();
        let bodies: Vec<&[u8]> = versions.iter().map(|v| v.body.as_slice()).collect();
        // One statement for the whole batch: seqs follow the batch's order.
        let insert = self
            .client
            .prepare_cached(
                "INSERT INTO versions (team_id, seq, version_id, record_id, kind, key_class, \
                 key_epoch, body, pushed_by, received_at) \
                 SELECT $1, $2 + t.ord - 1, t.vid, t.rid, t.kind, t.kc, t.ke, t.body, $3, $4 \
                 FROM unnest($5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::bigint[], \
                 $10::bytea[]) WITH ORDINALITY AS t (vid, rid, kind, kc, ke, body, ord)",
            )
            .await?;
        self.client
            .execute(
                &insert,
                &[
                    &team_id,
                    &first_seq,
                    &device_id,
                    &received_at,
                    &version_ids,
                    &record_ids,
                    &kinds,
                    &key_classes,
                    &key_epochs,
                    &bodies,
                ],
            )
            .await?;
        Ok(())
    }

    async fn set_head(&mut self, team_id: Uuid, next_seq: i64) -> Result<()> {
        let stmt = self
            .client
            .prepare_cached("UPDATE log_heads SET next_seq = $2 WHERE team_id = $1")
            .await?;
        self.client.execute(&stmt, &[&team_id, &next_seq]).await?;
        Ok(())
    }
}

impl<C: GenericClient> PageRead for PgLog<'_, C> {
    async fn check_team(&mut self, team_id: Uuid) -> Result<()> {
        self.client
            .query_opt("SELECT 1 FROM teams WHERE id = $1", &[&team_id])
            .await?
            .map(|_| ())
            .ok_or(StorageError::NotFound("team"))
    }

    async fn versions_after(
        &mut self,
        team_id: Uuid,
        since: i64,
        count: i64,
    ) -> Result<Vec<StoredVersion>> {
        let stmt = self
            .client
            .prepare_cached(
                "SELECT seq, version_id, record_id, kind, key_class, key_epoch, body, pushed_by, \
                 received_at FROM versions WHERE team_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .await?;
        self.client
            .query(&stmt, &[&team_id, &since, &count])
            .await?
            .iter()
            .map(version_from)
            .collect()
    }
}
