//! The PostgreSQL backend: one database shared by several stateless hub
//! processes, through a deadpool connection pool.
//!
//! Every operation that checks then writes runs in one transaction that
//! locks the rows it decides on (`FOR UPDATE`): the team's `log_heads` row
//! for a push (seqs are allocated and inserted under it, so they commit in
//! order), the invite row for a consume (one winner), the team row for a key
//! rotation.
//!
//! A request uses one pooled connection: the calls a device's sync makes
//! ([`HubStorage::authenticate`], [`HubStorage::pull_for`]) look the token up,
//! mark the device seen when that is due, and read on the connection they
//! took, instead of queueing for the pool once per step.

mod log_primitives;
mod roster;
mod schema;

use std::collections::HashSet;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use subtle::ConstantTimeEq;
use tokio_postgres::types::FromSql;
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;

use self::log_primitives::PgLog;
use super::log;
use super::model::{check_envelopes, check_team_name, dedupe_batch, should_touch, to_array32};
use super::{
    now, parse_role, parse_status, Authed, Device, DeviceStatus, Envelope, HubStorage, Invite,
    LogStats, NewVersion, Page, PushOutcome, Result, RosterWrite, StorageError, StoredEnvelope,
    StoredLink, StoredVersion, SyncPage, Team,
};
use deadpool_postgres::{GenericClient, Transaction};

/// The PostgreSQL backend.
#[derive(Clone)]
pub struct PostgresStorage {
    pool: Pool,
}

impl std::fmt::Debug for PostgresStorage {
    // The pool's config holds the password: print nothing of it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStorage").finish_non_exhaustive()
    }
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, idx: usize) -> Result<T> {
    row.try_get(idx)
        .map_err(|_| StorageError::Internal(format!("unexpected type in result column {idx}")))
}

fn epoch_from(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StorageError::Internal("stored epoch out of range".into()))
}

const TEAM_COLUMNS: &str = "id, name, created_at";

fn team_from(row: &Row) -> Result<Team> {
    Ok(Team {
        id: get(row, 0)?,
        name: get(row, 1)?,
        created_at: get(row, 2)?,
    })
}

const DEVICE_COLUMNS: &str = "id, team_id, role, public_key, token_hash, status, wipe_pending, \
                              created_at, last_seen_at, label";

fn device_from(row: &Row) -> Result<Device> {
    Ok(Device {
        id: get(row, 0)?,
        team_id: get(row, 1)?,
        role: parse_role(get(row, 2)?)?,
        public_key: get::<Option<Vec<u8>>>(row, 3)?
            .map(|k| to_array32(k, "public key"))
            .transpose()?,
        token_hash: to_array32(get(row, 4)?, "token hash")?,
        status: parse_status(get(row, 5)?)?,
        wipe_pending: get(row, 6)?,
        created_at: get(row, 7)?,
        last_seen_at: get(row, 8)?,
        label: get(row, 9)?,
    })
}

const INVITE_COLUMNS: &str = "id, team_id, role, verifier_hash, key_bundle, created_by, \
                              created_at, expires_at, used_at";

fn invite_from(row: &Row) -> Result<Invite> {
    Ok(Invite {
        id: get(row, 0)?,
        team_id: get(row, 1)?,
        role: parse_role(get(row, 2)?)?,
        verifier_hash: to_array32(get(row, 3)?, "verifier hash")?,
        key_bundle: get(row, 4)?,
        created_by: get(row, 5)?,
        created_at: get(row, 6)?,
        expires_at: get(row, 7)?,
        used_at: get(row, 8)?,
    })
}

fn version_from(row: &Row) -> Result<StoredVersion> {
    Ok(StoredVersion {
        seq: get(row, 0)?,
        version_id: get(row, 1)?,
        record_id: get(row, 2)?,
        kind: get(row, 3)?,
        key_class: get(row, 4)?,
        key_epoch: epoch_from(get(row, 5)?)?,
        body: get(row, 6)?,
        pushed_by: get(row, 7)?,
        received_at: get(row, 8)?,
    })
}

impl PostgresStorage {
    /// Connections per hub process unless told otherwise.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 16;

    /// The schema version this build creates and expects.
    pub const SCHEMA_VERSION: i32 = schema::VERSION;

    /// Connects to `url` (`postgres://user[:password]@host[:port]/database`,
    /// with libpq-style parameters such as `?options=-c%20search_path%3Dhub`)
    /// and creates or upgrades the schema.
    pub async fn connect(url: &str) -> Result<Self> {
        // The parse error could quote the URL, password included.
        let config = tokio_postgres::Config::from_str(url).map_err(|_| {
            StorageError::InvalidInput("not a valid PostgreSQL connection URL".into())
        })?;
        Self::connect_with(config, Self::DEFAULT_MAX_CONNECTIONS).await
    }

    /// Like [`connect`](Self::connect), with a parsed configuration and a
    /// pool size.
    pub async fn connect_with(
        config: tokio_postgres::Config,
        max_connections: usize,
    ) -> Result<Self> {
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(max_connections.max(1))
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(Duration::from_secs(10)))
            .wait_timeout(Some(Duration::from_secs(30)))
            .build()
            .map_err(|e| StorageError::Internal(format!("postgres pool: {e}")))?;
        let mut client = pool.get().await?;
        schema::migrate(&mut client).await?;
        drop(client);
        Ok(PostgresStorage { pool })
    }

    /// The schema version recorded in the database.
    pub async fn schema_version(&self) -> Result<i32> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                "SELECT coalesce(max(version), 0) FROM fieldbook_hub_migrations",
                &[],
            )
            .await?;
        get(&row, 0)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object> {
        Ok(self.pool.get().await?)
    }
}

async fn team_exists(client: &impl tokio_postgres::GenericClient, team_id: Uuid) -> Result<()> {
    client
        .query_opt("SELECT 1 FROM teams WHERE id = $1", &[&team_id])
        .await?
        .map(|_| ())
        .ok_or(StorageError::NotFound("team"))
}

async fn device_by_token(
    client: &impl GenericClient,
    token_hash: &[u8; 32],
) -> Result<Option<Device>> {
    let stmt = client
        .prepare_cached(&format!(
            "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = $1"
        ))
        .await?;
    client
        .query_opt(&stmt, &[&token_hash.as_slice()])
        .await?
        .map(|row| device_from(&row))
        .transpose()
}

/// Records that a device reached the hub at `now`, never moving back.
async fn touch(client: &impl GenericClient, device_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let stmt = client
        .prepare_cached(
            "UPDATE devices SET last_seen_at = GREATEST(last_seen_at, $2) WHERE id = $1",
        )
        .await?;
    if client.execute(&stmt, &[&device_id, &now]).await? == 0 {
        return Err(StorageError::NotFound("device"));
    }
    Ok(())
}

/// Marks `device` seen at `now` when that is due ([`should_touch`]), on the
/// caller's connection; returns the device as now stored.
async fn seen(
    client: &impl GenericClient,
    mut device: Device,
    now: DateTime<Utc>,
) -> Result<Device> {
    if should_touch(&device, now) {
        touch(client, device.id, now).await?;
        device.last_seen_at = Some(device.last_seen_at.map_or(now, |seen| seen.max(now)));
    }
    Ok(device)
}

/// Stores a new invite in the caller's transaction.
async fn insert_invite(tx: &Transaction<'_>, invite: &Invite) -> Result<()> {
    if invite.used_at.is_some() {
        return Err(StorageError::InvalidInput(
            "a new invite cannot be used already".into(),
        ));
    }
    team_exists(&**tx, invite.team_id).await?;
    let inserted = tx
        .execute(
            &format!(
                "INSERT INTO invites ({INVITE_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL) ON CONFLICT (id) DO NOTHING"
            ),
            &[
                &invite.id,
                &invite.team_id,
                &invite.role.as_str(),
                &invite.verifier_hash.as_slice(),
                &invite.key_bundle,
                &invite.created_by,
                &invite.created_at,
                &invite.expires_at,
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(StorageError::Conflict("invite id already exists".into()));
    }
    Ok(())
}

/// Consumes an invite in the caller's transaction (see `HubStorage::consume_invite`).
async fn consume(
    tx: &Transaction<'_>,
    invite_id: Uuid,
    verifier_hash: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Invite> {
    // The row lock makes concurrent consumers queue; each then sees the
    // previous winner's used_at.
    let row = tx
        .query_opt(
            &format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1 FOR UPDATE"),
            &[&invite_id],
        )
        .await?
        .ok_or(StorageError::NotFound("invite"))?;
    let mut invite = invite_from(&row)?;
    if !bool::from(invite.verifier_hash.ct_eq(verifier_hash)) {
        return Err(StorageError::NotFound("invite"));
    }
    if invite.used_at.is_some() {
        return Err(StorageError::Conflict("invite already used".into()));
    }
    if invite.expires_at <= now {
        return Err(StorageError::Conflict("invite expired".into()));
    }
    tx.execute(
        "UPDATE invites SET used_at = $2 WHERE id = $1",
        &[&invite_id, &now],
    )
    .await?;
    invite.used_at = Some(now);
    Ok(invite)
}

/// Adds a device in the caller's transaction.
async fn insert_device(tx: &Transaction<'_>, device: &Device) -> Result<()> {
    team_exists(&**tx, device.team_id).await?;
    let inserted = tx
        .execute(
            &format!(
                "INSERT INTO devices ({DEVICE_COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING"
            ),
            &[
                &device.id,
                &device.team_id,
                &device.role.as_str(),
                &device.public_key.as_ref().map(|k| k.as_slice()),
                &device.token_hash.as_slice(),
                &device.status.as_str(),
                &device.wipe_pending,
                &device.created_at,
                &device.last_seen_at,
                &device.label,
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(StorageError::Conflict(
            "device id or token already registered".into(),
        ));
    }
    Ok(())
}

/// Marks a device revoked with its wipe order pending and deletes the unused
/// invites it made, in the caller's transaction.
async fn revoke(tx: &Transaction<'_>, device_id: Uuid) -> Result<()> {
    let n = tx
        .execute(
            "UPDATE devices SET wipe_pending = CASE WHEN status = 'revoked' THEN wipe_pending \
             ELSE true END, status = 'revoked' WHERE id = $1",
            &[&device_id],
        )
        .await?;
    if n == 0 {
        return Err(StorageError::NotFound("device"));
    }
    tx.execute(
        "DELETE FROM invites WHERE created_by = $1 AND used_at IS NULL",
        &[&device_id],
    )
    .await?;
    Ok(())
}

/// Locks the team row: roster writes and key rotations of one team queue
/// here. NO KEY UPDATE leaves pushes (whose foreign keys take KEY SHARE on
/// it) free to go on.
async fn lock_team(tx: &Transaction<'_>, team_id: Uuid) -> Result<()> {
    tx.query_opt(
        "SELECT 1 FROM teams WHERE id = $1 FOR NO KEY UPDATE",
        &[&team_id],
    )
    .await?
    .map(|_| ())
    .ok_or(StorageError::NotFound("team"))
}

/// Stores envelopes of one epoch and advances the team's epoch, in the
/// caller's transaction (which holds the team lock).
async fn store_envelopes(
    tx: &Transaction<'_>,
    team_id: Uuid,
    epoch: u32,
    envelopes: &[Envelope],
) -> Result<()> {
    check_envelopes(epoch, envelopes)?;
    let wanted: Vec<Uuid> = envelopes
        .iter()
        .map(|e| e.device_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let members = tx
        .query(
            "SELECT count(*) FROM devices WHERE team_id = $1 AND id = ANY($2)",
            &[&team_id, &wanted],
        )
        .await?;
    if get::<i64>(&members[0], 0)? != wanted.len() as i64 {
        return Err(StorageError::InvalidInput(
            "an envelope names a device outside the team".into(),
        ));
    }
    let upsert = tx
        .prepare_cached(
            "INSERT INTO key_envelopes (team_id, epoch, device_id, key_class, wrapped, signer, signature) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (team_id, epoch, device_id, key_class) \
             DO UPDATE SET wrapped = EXCLUDED.wrapped, signer = EXCLUDED.signer, \
             signature = EXCLUDED.signature",
        )
        .await?;
    let epoch = i64::from(epoch);
    for e in envelopes {
        tx.execute(
            &upsert,
            &[
                &team_id,
                &epoch,
                &e.device_id,
                &e.key_class,
                &e.wrapped,
                &e.signer,
                &e.signature,
            ],
        )
        .await?;
    }
    tx.execute(
        "UPDATE teams SET current_epoch = GREATEST(current_epoch, $2) WHERE id = $1",
        &[&team_id, &epoch],
    )
    .await?;
    Ok(())
}

#[async_trait]
impl HubStorage for PostgresStorage {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn create_team(&self, name: &str) -> Result<Team> {
        check_team_name(name)?;
        let team = Team {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            created_at: now(),
        };
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        tx.execute(
            "INSERT INTO teams (id, name, created_at, current_epoch) VALUES ($1, $2, $3, 1)",
            &[&team.id, &team.name, &team.created_at],
        )
        .await?;
        tx.execute(
            "INSERT INTO log_heads (team_id, next_seq) VALUES ($1, 1)",
            &[&team.id],
        )
        .await?;
        tx.commit().await?;
        Ok(team)
    }

    async fn get_team(&self, team_id: Uuid) -> Result<Team> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = $1"))
            .await?;
        let row = client
            .query_opt(&stmt, &[&team_id])
            .await?
            .ok_or(StorageError::NotFound("team"))?;
        team_from(&row)
    }

    async fn list_teams(&self) -> Result<Vec<Team>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!("SELECT {TEAM_COLUMNS} FROM teams ORDER BY created_at, id"),
                &[],
            )
            .await?;
        rows.iter().map(team_from).collect()
    }

    async fn create_invite(&self, invite: &Invite) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        insert_invite(&tx, invite).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_invite(&self, invite_id: Uuid) -> Result<Invite> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                &format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = $1"),
                &[&invite_id],
            )
            .await?
            .ok_or(StorageError::NotFound("invite"))?;
        invite_from(&row)
    }

    async fn consume_invite(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Invite> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let invite = consume(&tx, invite_id, verifier_hash, now).await?;
        tx.commit().await?;
        Ok(invite)
    }

    async fn enroll(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
        device: &Device,
        roster: Option<RosterWrite>,
    ) -> Result<Invite> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        if roster.is_some() {
            lock_team(&tx, device.team_id).await?;
        }
        let invite = consume(&tx, invite_id, verifier_hash, now).await?;
        if invite.team_id != device.team_id {
            return Err(StorageError::InvalidInput(
                "the device is not in the invite's team".into(),
            ));
        }
        tx.execute(
            "UPDATE invites SET key_bundle = NULL WHERE id = $1",
            &[&invite_id],
        )
        .await?;
        insert_device(&tx, device).await?;
        if let Some(write) = &roster {
            roster::apply(&tx, device.team_id, write).await?;
        }
        tx.commit().await?;
        Ok(invite)
    }

    async fn delete_expired_invites(&self, now: DateTime<Utc>) -> Result<u64> {
        let client = self.client().await?;
        Ok(client
            .execute("DELETE FROM invites WHERE expires_at <= $1", &[&now])
            .await?)
    }

    async fn add_device(&self, device: &Device) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        insert_device(&tx, device).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn device_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Device>> {
        let client = self.client().await?;
        device_by_token(&client, token_hash).await
    }

    async fn get_device(&self, device_id: Uuid) -> Result<Device> {
        let client = self.client().await?;
        let stmt = client
            .prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"
            ))
            .await?;
        let row = client
            .query_opt(&stmt, &[&device_id])
            .await?
            .ok_or(StorageError::NotFound("device"))?;
        device_from(&row)
    }

    async fn list_devices(&self, team_id: Uuid) -> Result<Vec<Device>> {
        let client = self.client().await?;
        team_exists(&**client, team_id).await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE team_id = $1 ORDER BY created_at, id"
                ),
                &[&team_id],
            )
            .await?;
        rows.iter().map(device_from).collect()
    }

    async fn set_device_public_key(&self, device_id: Uuid, public_key: &[u8; 32]) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "UPDATE devices SET public_key = $2 WHERE id = $1",
                &[&device_id, &public_key.as_slice()],
            )
            .await?;
        if n == 0 {
            return Err(StorageError::NotFound("device"));
        }
        Ok(())
    }

    async fn revoke_device(&self, device_id: Uuid) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        revoke(&tx, device_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn acknowledge_wipe(&self, device_id: Uuid) -> Result<()> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "UPDATE devices SET wipe_pending = (wipe_pending AND status <> 'revoked') \
                 WHERE id = $1 RETURNING status",
                &[&device_id],
            )
            .await?
            .ok_or(StorageError::NotFound("device"))?;
        if parse_status(get(&row, 0)?)? != DeviceStatus::Revoked {
            return Err(StorageError::Conflict(
                "only a revoked device acknowledges a wipe".into(),
            ));
        }
        Ok(())
    }

    async fn touch_device(&self, device_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        let client = self.client().await?;
        touch(&client, device_id, now).await
    }

    async fn authenticate(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<Device>> {
        let client = self.client().await?;
        match device_by_token(&client, token_hash).await? {
            Some(device) => seen(&client, device, now).await.map(Some),
            None => Ok(None),
        }
    }

    async fn push(
        &self,
        team_id: Uuid,
        device_id: Uuid,
        versions: Vec<NewVersion>,
    ) -> Result<PushOutcome> {
        let (unique, repeats) = dedupe_batch(versions)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let outcome = log::push(&mut PgLog::new(&tx), team_id, device_id, &unique, repeats).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    async fn pull(&self, team_id: Uuid, since: i64, limit: u32) -> Result<Page> {
        let client = self.client().await?;
        log::page(&mut PgLog::new(&client), team_id, since, limit).await
    }

    async fn pull_for(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
        since: i64,
        limit: u32,
    ) -> Result<Authed<SyncPage>> {
        let client = self.client().await?;
        let Some(device) = device_by_token(&client, token_hash).await? else {
            return Ok(Authed::Unknown);
        };
        if device.status != DeviceStatus::Active {
            return Ok(Authed::Revoked(device));
        }
        let device = seen(&client, device, now).await?;
        let team_id = device.team_id;
        let page = log::page(&mut PgLog::new(&client), team_id, since, limit).await?;
        // The epoch and the roster head in one round trip (the team exists:
        // the page checked it).
        let row = client
            .query_one(
                &client
                    .prepare_cached(
                        "SELECT t.current_epoch, \
                         (SELECT coalesce(max(seq), 0) FROM roster_links WHERE team_id = t.id) \
                         FROM teams t WHERE t.id = $1",
                    )
                    .await?,
                &[&team_id],
            )
            .await?;
        Ok(Authed::Active(
            device,
            SyncPage {
                page,
                key_epoch: epoch_from(get(&row, 0)?)?,
                roster_head: get::<i64>(&row, 1)? as u64,
            },
        ))
    }

    async fn log_stats(&self, team_id: Uuid) -> Result<LogStats> {
        let client = self.client().await?;
        team_exists(&**client, team_id).await?;
        let row = client
            .query_one(
                "SELECT count(*), coalesce(sum(octet_length(body)), 0)::bigint, \
                 coalesce(max(seq), 0) FROM versions WHERE team_id = $1",
                &[&team_id],
            )
            .await?;
        Ok(LogStats {
            versions: get::<i64>(&row, 0)? as u64,
            bytes: get::<i64>(&row, 1)? as u64,
            max_seq: get(&row, 2)?,
        })
    }

    async fn compact(
        &self,
        team_id: Uuid,
        record_id: Uuid,
        keep_version_id: Uuid,
        drop_version_ids: Vec<Uuid>,
    ) -> Result<u32> {
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let keep_seq: i64 = get(
            &tx.query_opt(
                "SELECT seq FROM versions WHERE team_id = $1 AND record_id = $2 AND version_id = $3",
                &[&team_id, &record_id, &keep_version_id],
            )
            .await?
            .ok_or(StorageError::NotFound("version"))?,
            0,
        )?;
        let dropped = tx
            .execute(
                "WITH gone AS (DELETE FROM versions WHERE team_id = $1 AND record_id = $2 \
                 AND version_id = ANY($3) AND version_id <> $4 AND seq < $5 RETURNING version_id) \
                 INSERT INTO compacted_versions (team_id, version_id) \
                 SELECT $1, version_id FROM gone ON CONFLICT DO NOTHING",
                &[
                    &team_id,
                    &record_id,
                    &drop_version_ids,
                    &keep_version_id,
                    &keep_seq,
                ],
            )
            .await?;
        tx.commit().await?;
        Ok(dropped as u32)
    }

    async fn put_key_envelopes(
        &self,
        team_id: Uuid,
        epoch: u32,
        envelopes: Vec<Envelope>,
    ) -> Result<()> {
        check_envelopes(epoch, &envelopes)?;
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_team(&tx, team_id).await?;
        store_envelopes(&tx, team_id, epoch, &envelopes).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn key_envelopes_for(&self, device_id: Uuid) -> Result<Vec<StoredEnvelope>> {
        let client = self.client().await?;
        client
            .query_opt("SELECT 1 FROM devices WHERE id = $1", &[&device_id])
            .await?
            .ok_or(StorageError::NotFound("device"))?;
        let rows = client
            .query(
                "SELECT team_id, epoch, key_class, wrapped, signer, signature FROM key_envelopes \
                 WHERE device_id = $1 ORDER BY epoch, key_class",
                &[&device_id],
            )
            .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredEnvelope {
                    team_id: get(r, 0)?,
                    epoch: epoch_from(get(r, 1)?)?,
                    device_id,
                    key_class: get(r, 2)?,
                    wrapped: get(r, 3)?,
                    signer: get(r, 4)?,
                    signature: get(r, 5)?,
                })
            })
            .collect()
    }

    async fn current_epoch(&self, team_id: Uuid) -> Result<u32> {
        let client = self.client().await?;
        let row = client
            .query_opt("SELECT current_epoch FROM teams WHERE id = $1", &[&team_id])
            .await?
            .ok_or(StorageError::NotFound("team"))?;
        epoch_from(get(&row, 0)?)
    }

    async fn roster(&self, team_id: Uuid, since: u64) -> Result<Vec<StoredLink>> {
        let client = self.client().await?;
        team_exists(&**client, team_id).await?;
        roster::links_since(&**client, team_id, since).await
    }

    async fn roster_head(&self, team_id: Uuid) -> Result<u64> {
        let client = self.client().await?;
        team_exists(&**client, team_id).await?;
        roster::head(&**client, team_id).await
    }

    async fn write_roster(&self, team_id: Uuid, write: RosterWrite) -> Result<()> {
        if let Some((epoch, envelopes)) = &write.keys {
            check_envelopes(*epoch, envelopes)?;
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        lock_team(&tx, team_id).await?;
        roster::apply(&tx, team_id, &write).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn put_claim(&self, team_id: Uuid, device_id: Uuid, claim: Vec<u8>) -> Result<()> {
        let client = self.client().await?;
        let n = client
            .execute(
                "INSERT INTO signing_key_claims (team_id, device_id, claim) \
                 SELECT $1, $2, $3 WHERE EXISTS \
                 (SELECT 1 FROM devices WHERE id = $2 AND team_id = $1) \
                 ON CONFLICT (team_id, device_id) DO UPDATE SET claim = EXCLUDED.claim",
                &[&team_id, &device_id, &claim],
            )
            .await?;
        if n == 0 {
            return Err(StorageError::NotFound("device"));
        }
        Ok(())
    }

    async fn claims(&self, team_id: Uuid) -> Result<Vec<(Uuid, Vec<u8>)>> {
        let client = self.client().await?;
        team_exists(&**client, team_id).await?;
        let rows = client
            .query(
                "SELECT device_id, claim FROM signing_key_claims WHERE team_id = $1 \
                 ORDER BY device_id",
                &[&team_id],
            )
            .await?;
        rows.iter().map(|r| Ok((get(r, 0)?, get(r, 1)?))).collect()
    }

    async fn forget_pushers(&self, before: DateTime<Utc>) -> Result<u64> {
        let client = self.client().await?;
        Ok(client
            .execute(
                "UPDATE versions SET pushed_by = NULL \
                 WHERE pushed_by IS NOT NULL AND received_at < $1",
                &[&before],
            )
            .await?)
    }
}
