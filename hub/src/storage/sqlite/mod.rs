//! The embedded backend: one SQLite file in WAL mode.
//!
//! Writes go through one writer connection behind a mutex, each in a
//! `BEGIN IMMEDIATE` transaction, so they are serialised and a team's seqs are
//! allocated in commit order. Pushes and last-seen marks, the writes every
//! sync makes, queue for that connection and commit in batches
//! ([`group_commit`]). Reads use a small pool of read-only connections that
//! see the last committed state without waiting for the writer; a request
//! that authenticates and reads (a pull) does both on one of them. Every
//! rusqlite call runs on tokio's blocking pool.

mod group_commit;
mod log_primitives;
mod roster;
mod schema;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use self::group_commit::GroupCommit;
use self::log_primitives::SqliteLog;
use super::log::{self, run_now};
use super::model::{check_envelopes, should_touch};
use super::model::{check_team_name, dedupe_batch, from_micros, to_array32, to_micros};
use super::{
    now, parse_role, parse_status, Authed, Device, DeviceStatus, Envelope, HubStorage, Invite,
    LogStats, NewVersion, Page, PushOutcome, Result, RosterWrite, StorageError, StoredEnvelope,
    StoredLink, StoredVersion, SyncPage, Team,
};

/// How long a connection waits for a lock held by another connection (or
/// process) before giving up with [`StorageError::Unavailable`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Idle read connections kept open.
const MAX_IDLE_READERS: usize = 4;

/// The embedded SQLite backend.
#[derive(Clone)]
pub struct SqliteStorage {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    writer: Arc<Mutex<Connection>>,
    /// Pushes and last-seen marks, batched onto `writer`.
    commits: Arc<GroupCommit>,
    readers: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for SqliteStorage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStorage")
            .field("path", &self.inner.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock rolled back its transaction when the
    // `Transaction` dropped; the connection itself is still usable.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl SqliteStorage {
    /// Opens (creating if missing) the hub store at `path` and brings its
    /// schema up to date. The file and its journal files are made readable
    /// by the hub's user only ([`crate::private_files`]). Blocks: call it at
    /// startup, or from a blocking task.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        crate::private_files::private_database(&path)
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        let mut writer = Connection::open(&path)?;
        writer.busy_timeout(BUSY_TIMEOUT)?;
        let mode: String = writer.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::Unavailable(
                "could not switch the hub store to WAL mode".into(),
            ));
        }
        // A push the hub acknowledged must survive a power cut: the device
        // will not send it again.
        writer.pragma_update(None, "synchronous", "FULL")?;
        writer.pragma_update(None, "foreign_keys", "ON")?;
        writer.pragma_update(None, "secure_delete", "ON")?;
        schema::migrate(&mut writer)?;
        let writer = Arc::new(Mutex::new(writer));
        let storage = SqliteStorage {
            inner: Arc::new(Inner {
                path,
                commits: Arc::new(GroupCommit::new(Arc::clone(&writer))),
                writer,
                readers: Mutex::new(Vec::new()),
            }),
        };
        // Fail now, not on the first read, if readers cannot open.
        let reader = storage.inner.open_reader()?;
        lock(&storage.inner.readers).push(reader);
        Ok(storage)
    }

    /// Runs `f` on the writer connection, on the blocking pool.
    async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&*inner.writer);
            f(&mut conn)
        })
        .await?
    }

    /// Records, when it is due ([`should_touch`]), that `device` reached the
    /// hub at `now`; returns the device as now stored. The mark joins the
    /// next batch of writes rather than costing a commit of its own.
    async fn seen(&self, mut device: Device, now: DateTime<Utc>) -> Result<Device> {
        if should_touch(&device, now) {
            let id = device.id;
            self.inner
                .commits
                .submit(move |conn| touch(conn, id, now))
                .await?;
            device.last_seen_at = Some(device.last_seen_at.map_or(now, |seen| seen.max(now)));
        }
        Ok(device)
    }

    /// Runs `f` on a read-only connection, on the blocking pool.
    async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let conn = match lock(&inner.readers).pop() {
                Some(conn) => conn,
                None => inner.open_reader()?,
            };
            let out = f(&conn);
            let mut idle = lock(&inner.readers);
            if idle.len() < MAX_IDLE_READERS {
                idle.push(conn);
            }
            out
        })
        .await?
    }
}

impl Inner {
    fn open_reader(&self) -> Result<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_NO_MUTEX
                | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok(conn)
    }
}

fn id(bytes: Vec<u8>, what: &str) -> Result<Uuid> {
    Uuid::from_slice(&bytes)
        .map_err(|_| StorageError::Internal(format!("stored {what} id is not 16 bytes")))
}

fn opt_id(bytes: Option<Vec<u8>>, what: &str) -> Result<Option<Uuid>> {
    bytes.map(|b| id(b, what)).transpose()
}

fn epoch_from(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| StorageError::Internal("stored epoch out of range".into()))
}

const TEAM_COLUMNS: &str = "id, name, created_at";

fn team_from_row(r: &Row<'_>) -> rusqlite::Result<(Vec<u8>, String, i64)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn team_from((tid, name, created): (Vec<u8>, String, i64)) -> Result<Team> {
    Ok(Team {
        id: id(tid, "team")?,
        name,
        created_at: from_micros(created)?,
    })
}

const DEVICE_COLUMNS: &str = "id, team_id, role, public_key, token_hash, status, wipe_pending, \
                              created_at, last_seen_at, label";

type DeviceRow = (
    Vec<u8>,
    Vec<u8>,
    String,
    Option<Vec<u8>>,
    Vec<u8>,
    String,
    bool,
    i64,
    Option<i64>,
    Option<String>,
);

fn device_row(r: &Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
    ))
}

fn device_from(row: DeviceRow) -> Result<Device> {
    let (did, tid, role, pk, th, status, wipe, created, seen, label) = row;
    Ok(Device {
        id: id(did, "device")?,
        team_id: id(tid, "team")?,
        role: parse_role(&role)?,
        public_key: pk.map(|k| to_array32(k, "public key")).transpose()?,
        token_hash: to_array32(th, "token hash")?,
        status: parse_status(&status)?,
        wipe_pending: wipe,
        created_at: from_micros(created)?,
        last_seen_at: seen.map(from_micros).transpose()?,
        label,
    })
}

const INVITE_COLUMNS: &str = "id, team_id, role, verifier_hash, key_bundle, created_by, \
                              created_at, expires_at, used_at";

type InviteRow = (
    Vec<u8>,
    Vec<u8>,
    String,
    Vec<u8>,
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    i64,
    i64,
    Option<i64>,
);

fn invite_row(r: &Row<'_>) -> rusqlite::Result<InviteRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn invite_from(row: InviteRow) -> Result<Invite> {
    let (iid, tid, role, vh, bundle, by, created, expires, used) = row;
    Ok(Invite {
        id: id(iid, "invite")?,
        team_id: id(tid, "team")?,
        role: parse_role(&role)?,
        verifier_hash: to_array32(vh, "verifier hash")?,
        key_bundle: bundle,
        created_by: opt_id(by, "device")?,
        created_at: from_micros(created)?,
        expires_at: from_micros(expires)?,
        used_at: used.map(from_micros).transpose()?,
    })
}

type VersionRow = (
    i64,
    Vec<u8>,
    Vec<u8>,
    String,
    String,
    i64,
    Vec<u8>,
    Option<Vec<u8>>,
    i64,
);

fn version_row(r: &Row<'_>) -> rusqlite::Result<VersionRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn version_from(row: VersionRow) -> Result<StoredVersion> {
    let (seq, vid, rid, kind, key_class, key_epoch, body, by, received) = row;
    Ok(StoredVersion {
        seq,
        version_id: id(vid, "version")?,
        record_id: id(rid, "record")?,
        kind,
        key_class,
        key_epoch: epoch_from(key_epoch)?,
        body,
        pushed_by: opt_id(by, "device")?,
        received_at: from_micros(received)?,
    })
}

fn team_exists(conn: &Connection, team: Uuid) -> Result<()> {
    conn.prepare_cached("SELECT 1 FROM teams WHERE id = ?1")?
        .query_row([team.as_bytes().as_slice()], |_| Ok(()))
        .optional()?
        .ok_or(StorageError::NotFound("team"))
}

/// Runs an `UPDATE … WHERE id = ?` and maps "no row" to `NotFound("device")`.
fn update_device(conn: &Connection, sql: &str, params: impl rusqlite::Params) -> Result<()> {
    match conn.execute(sql, params)? {
        0 => Err(StorageError::NotFound("device")),
        _ => Ok(()),
    }
}

fn device_by_token(conn: &Connection, hash: &[u8; 32]) -> Result<Option<Device>> {
    conn.prepare_cached(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"
    ))?
    .query_row([hash.as_slice()], device_row)
    .optional()?
    .map(device_from)
    .transpose()
}

fn team_epoch(conn: &Connection, team_id: Uuid) -> Result<u32> {
    let epoch: i64 = conn
        .prepare_cached("SELECT current_epoch FROM teams WHERE id = ?1")?
        .query_row([team_id.as_bytes().as_slice()], |r| r.get(0))
        .optional()?
        .ok_or(StorageError::NotFound("team"))?;
    epoch_from(epoch)
}

/// Records that a device reached the hub at `now`, never moving back.
fn touch(conn: &Connection, device_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    match conn
        .prepare_cached(
            "UPDATE devices SET last_seen_at = max(coalesce(last_seen_at, ?2), ?2) WHERE id = ?1",
        )?
        .execute(params![device_id.as_bytes().as_slice(), to_micros(now)])?
    {
        0 => Err(StorageError::NotFound("device")),
        _ => Ok(()),
    }
}

/// Marks a device revoked with its wipe order pending and deletes the
/// unused invites it made, in the caller's transaction.
fn revoke(tx: &Connection, device_id: Uuid) -> Result<()> {
    update_device(
        tx,
        "UPDATE devices SET wipe_pending = CASE WHEN status = 'revoked' THEN wipe_pending ELSE 1 END, \
         status = 'revoked' WHERE id = ?1",
        [device_id.as_bytes().as_slice()],
    )?;
    tx.execute(
        "DELETE FROM invites WHERE created_by = ?1 AND used_at IS NULL",
        [device_id.as_bytes().as_slice()],
    )?;
    Ok(())
}

/// Stores a new invite in the caller's transaction.
fn insert_invite(tx: &Connection, inv: &Invite) -> Result<()> {
    if inv.used_at.is_some() {
        return Err(StorageError::InvalidInput(
            "a new invite cannot be used already".into(),
        ));
    }
    team_exists(tx, inv.team_id)?;
    let exists = tx
        .query_row(
            "SELECT 1 FROM invites WHERE id = ?1",
            [inv.id.as_bytes().as_slice()],
            |_| Ok(()),
        )
        .optional()?;
    if exists.is_some() {
        return Err(StorageError::Conflict("invite id already exists".into()));
    }
    tx.execute(
        &format!(
            "INSERT INTO invites ({INVITE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL)"
        ),
        params![
            inv.id.as_bytes().as_slice(),
            inv.team_id.as_bytes().as_slice(),
            inv.role.as_str(),
            inv.verifier_hash.as_slice(),
            inv.key_bundle,
            inv.created_by.as_ref().map(|d| d.as_bytes().as_slice()),
            to_micros(inv.created_at),
            to_micros(inv.expires_at),
        ],
    )?;
    Ok(())
}

/// Consumes an invite in the caller's transaction (see `HubStorage::consume_invite`).
fn consume(
    tx: &Connection,
    invite_id: Uuid,
    verifier: &[u8; 32],
    now: DateTime<Utc>,
) -> Result<Invite> {
    let row = tx
        .query_row(
            &format!("SELECT {INVITE_COLUMNS} FROM invites WHERE id = ?1"),
            [invite_id.as_bytes().as_slice()],
            invite_row,
        )
        .optional()?
        .ok_or(StorageError::NotFound("invite"))?;
    let mut invite = invite_from(row)?;
    if !bool::from(invite.verifier_hash.ct_eq(verifier)) {
        return Err(StorageError::NotFound("invite"));
    }
    if invite.used_at.is_some() {
        return Err(StorageError::Conflict("invite already used".into()));
    }
    if invite.expires_at <= now {
        return Err(StorageError::Conflict("invite expired".into()));
    }
    tx.execute(
        "UPDATE invites SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
        params![invite_id.as_bytes().as_slice(), to_micros(now)],
    )?;
    invite.used_at = Some(now);
    Ok(invite)
}

/// Adds a device in the caller's transaction.
fn insert_device(tx: &Connection, d: &Device) -> Result<()> {
    team_exists(tx, d.team_id)?;
    let clash = tx
        .query_row(
            "SELECT 1 FROM devices WHERE id = ?1 OR token_hash = ?2",
            params![d.id.as_bytes().as_slice(), d.token_hash.as_slice()],
            |_| Ok(()),
        )
        .optional()?;
    if clash.is_some() {
        return Err(StorageError::Conflict(
            "device id or token already registered".into(),
        ));
    }
    tx.execute(
        &format!(
            "INSERT INTO devices ({DEVICE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params![
            d.id.as_bytes().as_slice(),
            d.team_id.as_bytes().as_slice(),
            d.role.as_str(),
            d.public_key.as_ref().map(|k| k.as_slice()),
            d.token_hash.as_slice(),
            d.status.as_str(),
            d.wipe_pending,
            to_micros(d.created_at),
            d.last_seen_at.map(to_micros),
            d.label,
        ],
    )?;
    Ok(())
}

/// Stores envelopes of one epoch and advances the team's epoch, in the caller's transaction.
fn store_envelopes(
    tx: &Connection,
    team_id: Uuid,
    epoch: u32,
    envelopes: &[Envelope],
) -> Result<()> {
    check_envelopes(epoch, envelopes)?;
    let team = team_id.as_bytes().as_slice();
    team_exists(tx, team_id)?;
    let mut member = tx.prepare_cached("SELECT 1 FROM devices WHERE id = ?1 AND team_id = ?2")?;
    let mut upsert = tx.prepare_cached(
        "INSERT INTO key_envelopes (team_id, epoch, device_id, key_class, wrapped, signer, signature) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (team_id, epoch, device_id, key_class) DO UPDATE SET \
         wrapped = excluded.wrapped, signer = excluded.signer, signature = excluded.signature",
    )?;
    for e in envelopes {
        let device = e.device_id.as_bytes().as_slice();
        if member
            .query_row(params![device, team], |_| Ok(()))
            .optional()?
            .is_none()
        {
            return Err(StorageError::InvalidInput(
                "an envelope names a device outside the team".into(),
            ));
        }
        upsert.execute(params![
            team,
            i64::from(epoch),
            device,
            e.key_class,
            e.wrapped,
            e.signer.as_ref().map(|d| d.as_bytes().as_slice()),
            e.signature,
        ])?;
    }
    tx.execute(
        "UPDATE teams SET current_epoch = max(current_epoch, ?2) WHERE id = ?1",
        params![team, i64::from(epoch)],
    )?;
    Ok(())
}

#[async_trait]
impl HubStorage for SqliteStorage {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    async fn create_team(&self, name: &str) -> Result<Team> {
        check_team_name(name)?;
        let team = Team {
            id: Uuid::now_v7(),
            name: name.to_owned(),
            created_at: now(),
        };
        let t = team.clone();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO teams (id, name, created_at, current_epoch) VALUES (?1, ?2, ?3, 1)",
                params![t.id.as_bytes().as_slice(), t.name, to_micros(t.created_at)],
            )?;
            tx.execute(
                "INSERT INTO log_heads (team_id, next_seq) VALUES (?1, 1)",
                [t.id.as_bytes().as_slice()],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await?;
        Ok(team)
    }

    async fn get_team(&self, team_id: Uuid) -> Result<Team> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&format!("SELECT {TEAM_COLUMNS} FROM teams WHERE id = ?1"))?
                .query_row([team_id.as_bytes().as_slice()], team_from_row)
                .optional()?
                .ok_or(StorageError::NotFound("team"))?;
            team_from(row)
        })
        .await
    }

    async fn list_teams(&self) -> Result<Vec<Team>> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {TEAM_COLUMNS} FROM teams ORDER BY created_at, id"
            ))?;
            let rows = stmt
                .query_map([], team_from_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(team_from).collect()
        })
        .await
    }

    async fn create_invite(&self, invite: &Invite) -> Result<()> {
        let inv = invite.clone();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            insert_invite(&tx, &inv)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn get_invite(&self, invite_id: Uuid) -> Result<Invite> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&format!(
                    "SELECT {INVITE_COLUMNS} FROM invites WHERE id = ?1"
                ))?
                .query_row([invite_id.as_bytes().as_slice()], invite_row)
                .optional()?
                .ok_or(StorageError::NotFound("invite"))?;
            invite_from(row)
        })
        .await
    }

    async fn consume_invite(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Invite> {
        let verifier = *verifier_hash;
        self.write(move |conn| {
            // The writer mutex plus BEGIN IMMEDIATE make check-and-set atomic,
            // also against another process on the same file.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let invite = consume(&tx, invite_id, &verifier, now)?;
            tx.commit()?;
            Ok(invite)
        })
        .await
    }

    async fn enroll(
        &self,
        invite_id: Uuid,
        verifier_hash: &[u8; 32],
        now: DateTime<Utc>,
        device: &Device,
        roster: Option<RosterWrite>,
    ) -> Result<Invite> {
        let verifier = *verifier_hash;
        let d = device.clone();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let invite = consume(&tx, invite_id, &verifier, now)?;
            if invite.team_id != d.team_id {
                return Err(StorageError::InvalidInput(
                    "the device is not in the invite's team".into(),
                ));
            }
            tx.execute(
                "UPDATE invites SET key_bundle = NULL WHERE id = ?1",
                [invite_id.as_bytes().as_slice()],
            )?;
            insert_device(&tx, &d)?;
            if let Some(write) = &roster {
                roster::apply(&tx, d.team_id, write)?;
            }
            tx.commit()?;
            Ok(invite)
        })
        .await
    }

    async fn delete_expired_invites(&self, now: DateTime<Utc>) -> Result<u64> {
        self.write(move |conn| {
            Ok(conn.execute(
                "DELETE FROM invites WHERE expires_at <= ?1",
                [to_micros(now)],
            )? as u64)
        })
        .await
    }

    async fn add_device(&self, device: &Device) -> Result<()> {
        let d = device.clone();
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            insert_device(&tx, &d)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn device_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Device>> {
        let hash = *token_hash;
        self.read(move |conn| device_by_token(conn, &hash)).await
    }

    async fn get_device(&self, device_id: Uuid) -> Result<Device> {
        self.read(move |conn| {
            let row = conn
                .prepare_cached(&format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"
                ))?
                .query_row([device_id.as_bytes().as_slice()], device_row)
                .optional()?
                .ok_or(StorageError::NotFound("device"))?;
            device_from(row)
        })
        .await
    }

    async fn list_devices(&self, team_id: Uuid) -> Result<Vec<Device>> {
        self.read(move |conn| {
            team_exists(conn, team_id)?;
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE team_id = ?1 ORDER BY created_at, id"
            ))?;
            let rows = stmt
                .query_map([team_id.as_bytes().as_slice()], device_row)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(device_from).collect()
        })
        .await
    }

    async fn set_device_public_key(&self, device_id: Uuid, public_key: &[u8; 32]) -> Result<()> {
        let key = *public_key;
        self.write(move |conn| {
            update_device(
                conn,
                "UPDATE devices SET public_key = ?2 WHERE id = ?1",
                params![device_id.as_bytes().as_slice(), key.as_slice()],
            )
        })
        .await
    }

    async fn revoke_device(&self, device_id: Uuid) -> Result<()> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            revoke(&tx, device_id)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn acknowledge_wipe(&self, device_id: Uuid) -> Result<()> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let status: String = tx
                .query_row(
                    "SELECT status FROM devices WHERE id = ?1",
                    [device_id.as_bytes().as_slice()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(StorageError::NotFound("device"))?;
            if parse_status(&status)? != DeviceStatus::Revoked {
                return Err(StorageError::Conflict(
                    "only a revoked device acknowledges a wipe".into(),
                ));
            }
            tx.execute(
                "UPDATE devices SET wipe_pending = 0 WHERE id = ?1",
                [device_id.as_bytes().as_slice()],
            )?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn touch_device(&self, device_id: Uuid, now: DateTime<Utc>) -> Result<()> {
        self.inner
            .commits
            .submit(move |conn| touch(conn, device_id, now))
            .await
    }

    async fn authenticate(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
    ) -> Result<Option<Device>> {
        let hash = *token_hash;
        let device = self.read(move |conn| device_by_token(conn, &hash)).await?;
        match device {
            Some(device) => self.seen(device, now).await.map(Some),
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
        // Inside the batch's transaction, under this push's own savepoint.
        self.inner
            .commits
            .submit(move |conn| {
                let mut log = SqliteLog::new(conn);
                run_now(log::push(&mut log, team_id, device_id, &unique, repeats))
            })
            .await
    }

    async fn pull(&self, team_id: Uuid, since: i64, limit: u32) -> Result<Page> {
        self.read(move |conn| {
            // One read transaction: the team check and the page see one snapshot.
            let tx = conn.unchecked_transaction()?;
            let page = run_now(log::page(&mut SqliteLog::new(&tx), team_id, since, limit))?;
            tx.finish()?;
            Ok(page)
        })
        .await
    }

    async fn pull_for(
        &self,
        token_hash: &[u8; 32],
        now: DateTime<Utc>,
        since: i64,
        limit: u32,
    ) -> Result<Authed<SyncPage>> {
        let hash = *token_hash;
        let found = self
            .read(move |conn| {
                // One read transaction: the device, the page, the epoch and
                // the roster head come from one snapshot.
                let tx = conn.unchecked_transaction()?;
                let Some(device) = device_by_token(&tx, &hash)? else {
                    return Ok(None);
                };
                if device.status != DeviceStatus::Active {
                    return Ok(Some((device, None)));
                }
                let team_id = device.team_id;
                let page = run_now(log::page(&mut SqliteLog::new(&tx), team_id, since, limit))?;
                let key_epoch = team_epoch(&tx, team_id)?;
                let roster_head = roster::head(&tx, team_id)?;
                tx.finish()?;
                Ok(Some((
                    device,
                    Some(SyncPage {
                        page,
                        key_epoch,
                        roster_head,
                    }),
                )))
            })
            .await?;
        Ok(match found {
            None => Authed::Unknown,
            Some((device, None)) => Authed::Revoked(device),
            Some((device, Some(page))) => Authed::Active(self.seen(device, now).await?, page),
        })
    }

    async fn log_stats(&self, team_id: Uuid) -> Result<LogStats> {
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            team_exists(&tx, team_id)?;
            let (versions, bytes, max_seq): (i64, i64, i64) = tx.query_row(
                "SELECT count(*), coalesce(sum(length(body)), 0), coalesce(max(seq), 0) \
                 FROM versions WHERE team_id = ?1",
                [team_id.as_bytes().as_slice()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            tx.finish()?;
            Ok(LogStats {
                versions: versions as u64,
                bytes: bytes as u64,
                max_seq,
            })
        })
        .await
    }

    async fn compact(
        &self,
        team_id: Uuid,
        record_id: Uuid,
        keep_version_id: Uuid,
        drop_version_ids: Vec<Uuid>,
    ) -> Result<u32> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let team = team_id.as_bytes().as_slice();
            let record = record_id.as_bytes().as_slice();
            let keep_seq: i64 = tx
                .query_row(
                    "SELECT seq FROM versions WHERE team_id = ?1 AND record_id = ?2 AND version_id = ?3",
                    params![team, record, keep_version_id.as_bytes().as_slice()],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or(StorageError::NotFound("version"))?;
            let mut dropped = 0u32;
            {
                let mut delete = tx.prepare_cached(
                    "DELETE FROM versions WHERE team_id = ?1 AND record_id = ?2 AND version_id = ?3 \
                     AND seq < ?4",
                )?;
                let mut tombstone = tx.prepare_cached(
                    "INSERT INTO compacted_versions (team_id, version_id) VALUES (?1, ?2) \
                     ON CONFLICT DO NOTHING",
                )?;
                for v in &drop_version_ids {
                    let vid = v.as_bytes().as_slice();
                    if *v != keep_version_id
                        && delete.execute(params![team, record, vid, keep_seq])? == 1
                    {
                        tombstone.execute(params![team, vid])?;
                        dropped += 1;
                    }
                }
            }
            tx.commit()?;
            Ok(dropped)
        })
        .await
    }

    async fn put_key_envelopes(
        &self,
        team_id: Uuid,
        epoch: u32,
        envelopes: Vec<Envelope>,
    ) -> Result<()> {
        check_envelopes(epoch, &envelopes)?;
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            store_envelopes(&tx, team_id, epoch, &envelopes)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn key_envelopes_for(&self, device_id: Uuid) -> Result<Vec<StoredEnvelope>> {
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            let exists = tx
                .prepare_cached("SELECT 1 FROM devices WHERE id = ?1")?
                .query_row([device_id.as_bytes().as_slice()], |_| Ok(()))
                .optional()?;
            if exists.is_none() {
                return Err(StorageError::NotFound("device"));
            }
            let mut stmt = tx.prepare_cached(
                "SELECT team_id, epoch, key_class, wrapped, signer, signature FROM key_envelopes \
                 WHERE device_id = ?1 ORDER BY epoch, key_class",
            )?;
            let rows = stmt
                .query_map([device_id.as_bytes().as_slice()], |r| {
                    Ok((
                        r.get::<_, Vec<u8>>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Vec<u8>>(3)?,
                        r.get::<_, Option<Vec<u8>>>(4)?,
                        r.get::<_, Option<Vec<u8>>>(5)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(tid, epoch, key_class, wrapped, signer, signature)| {
                    Ok(StoredEnvelope {
                        team_id: id(tid, "team")?,
                        epoch: epoch_from(epoch)?,
                        device_id,
                        key_class,
                        wrapped,
                        signer: opt_id(signer, "device")?,
                        signature,
                    })
                })
                .collect()
        })
        .await
    }

    async fn current_epoch(&self, team_id: Uuid) -> Result<u32> {
        self.read(move |conn| team_epoch(conn, team_id)).await
    }

    async fn roster(&self, team_id: Uuid, since: u64) -> Result<Vec<StoredLink>> {
        self.read(move |conn| {
            let tx = conn.unchecked_transaction()?;
            team_exists(&tx, team_id)?;
            let links = roster::links_since(&tx, team_id, since)?;
            tx.finish()?;
            Ok(links)
        })
        .await
    }

    async fn roster_head(&self, team_id: Uuid) -> Result<u64> {
        self.read(move |conn| {
            team_exists(conn, team_id)?;
            roster::head(conn, team_id)
        })
        .await
    }

    async fn write_roster(&self, team_id: Uuid, write: RosterWrite) -> Result<()> {
        if let Some((epoch, envelopes)) = &write.keys {
            check_envelopes(*epoch, envelopes)?;
        }
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            team_exists(&tx, team_id)?;
            roster::apply(&tx, team_id, &write)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn put_claim(&self, team_id: Uuid, device_id: Uuid, claim: Vec<u8>) -> Result<()> {
        self.write(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            roster::put_claim(&tx, team_id, device_id, &claim)?;
            tx.commit()?;
            Ok(())
        })
        .await
    }

    async fn claims(&self, team_id: Uuid) -> Result<Vec<(Uuid, Vec<u8>)>> {
        self.read(move |conn| {
            team_exists(conn, team_id)?;
            roster::claims(conn, team_id)
        })
        .await
    }

    async fn forget_pushers(&self, before: DateTime<Utc>) -> Result<u64> {
        self.write(move |conn| {
            Ok(conn.execute(
                "UPDATE versions SET pushed_by = NULL \
                 WHERE pushed_by IS NOT NULL AND received_at < ?1",
                [to_micros(before)],
            )? as u64)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reopening_keeps_the_data_and_refuses_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.sqlite");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let team = {
            let s = SqliteStorage::open(&path).unwrap();
            rt.block_on(s.create_team("Team")).unwrap()
        };
        let s = SqliteStorage::open(&path).unwrap();
        assert_eq!(rt.block_on(s.get_team(team.id)).unwrap(), team);
        assert_eq!(s.backend(), "sqlite");

        let other = dir.path().join("other.sqlite");
        let conn = Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE notes (x)").unwrap();
        drop(conn);
        assert!(matches!(
            SqliteStorage::open(&other),
            Err(StorageError::InvalidInput(_))
        ));
    }

    /// Pushes queued behind a busy writer commit as one batch; a refused
    /// one among them fails alone.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pushes_waiting_for_the_writer_commit_together() {
        use crate::storage::Role;
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStorage::open(dir.path().join("hub.sqlite")).unwrap();
        let team = s.create_team("T").await.unwrap();
        let mut devices = Vec::new();
        for _ in 0..8 {
            let d = Device {
                id: Uuid::now_v7(),
                team_id: team.id,
                role: Role::Outreach,
                public_key: None,
                token_hash: [Uuid::new_v4().as_bytes().as_slice(), &[0; 16]]
                    .concat()
                    .try_into()
                    .unwrap(),
                status: DeviceStatus::Active,
                wipe_pending: false,
                created_at: now(),
                last_seen_at: None,
                label: None,
            };
            s.add_device(&d).await.unwrap();
            devices.push(d);
        }
        s.revoke_device(devices[3].id).await.unwrap();
        let before = s.inner.commits.batches();

        let held = s.inner.commits.hold_writer();
        let tasks: Vec<_> = devices
            .iter()
            .map(|d| {
                let (s, team_id, device_id) = (s.clone(), team.id, d.id);
                let batch = (0..5)
                    .map(|i| NewVersion {
                        version_id: Uuid::now_v7(),
                        record_id: Uuid::now_v7(),
                        kind: "contact".into(),
                        key_class: "outreach".into(),
                        key_epoch: 1,
                        body: vec![i; 10],
                    })
                    .collect();
                tokio::spawn(async move { s.push(team_id, device_id, batch).await })
            })
            .collect();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while s.inner.commits.queued() < devices.len() {
            assert!(std::time::Instant::now() < deadline, "pushes never queued");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        drop(held);

        let mut seqs = Vec::new();
        for (i, t) in tasks.into_iter().enumerate() {
            let out = t.await.unwrap();
            if i == 3 {
                assert_eq!(out, Err(StorageError::Conflict("device is revoked".into())));
            } else {
                let out = out.unwrap();
                assert_eq!((out.stored, out.duplicates), (5, 0));
                seqs.push(out.last_seq);
            }
        }
        assert_eq!(s.inner.commits.batches(), before + 1);
        seqs.sort_unstable();
        assert_eq!(seqs, (1..=7).map(|n| n * 5).collect::<Vec<_>>());
        assert_eq!(s.log_stats(team.id).await.unwrap().versions, 35);
    }

    #[cfg(unix)]
    #[test]
    fn the_database_and_its_journal_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.db");
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let s = SqliteStorage::open(&path).unwrap();
        rt.block_on(s.create_team("Team")).unwrap();
        // While open, SQLite keeps the WAL and its index beside the database.
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
        }
        drop(s);
        // A store from before: readable by all. Opening tightens it.
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            let p = dir.path().join(name);
            if p.exists() {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            }
        }
        let s = SqliteStorage::open(&path).unwrap();
        rt.block_on(s.create_team("Team 2")).unwrap();
        for name in ["hub.db", "hub.db-wal", "hub.db-shm"] {
            assert_eq!(mode(&dir.path().join(name)), 0o600, "{name}");
        }
    }
}
