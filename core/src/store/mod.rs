//! The encrypted on-device store.
//!
//! [`Store`] owns the database connection, the device's identity and, while
//! unlocked, its keys; this file holds only that and the store's lifecycle
//! (create, open). The work is done by one module per job, each adding its
//! methods to `Store`:
//!
//! - `locking`, `vault`, `unlock_attempts`: the PIN, the keys, lock and erase;
//! - `write` (with `write_tx`, `client_codes`, `links`): validated local
//!   writes and merges, each one transaction with its audit entry;
//! - `read`, `scan`, `list_row`, `lookup`: records, list rows, listings,
//!   history and the index;
//! - `exchange`, `background`, `membership`: what sync sends and receives,
//!   the locked inbox, team keys and the hub link;
//! - `compaction`, `check`, `repair`: log compaction, damage checks and repairs.

mod audit;
mod background;
mod blob;
mod check;
mod check_report;
mod client_codes;
mod clock;
mod compaction;
mod db;
mod erase;
mod exchange;
mod format_upgrade;
mod forms;
mod header;
mod links;
mod list_row;
mod locking;
mod lookup;
mod membership;
mod meta;
mod offline_expiry;
mod options;
mod pin_rules;
mod policy;
mod read;
mod records;
mod repair;
mod role;
mod scan;
mod schema;
mod sealed_meta;
mod sealing;
mod storage_reserve;
mod trust;
mod unlock_attempts;
mod vault;
mod version_stubs;
mod view;
mod write;
mod write_tx;

pub use audit::{AuditAction, AuditReport};
pub(crate) use check::Findings;
pub use check::RecordRef;
pub(crate) use check_report::{report as check_report, CheckRun};
pub use check_report::{CheckReport, Damage, DamagedPart, HubContact, Remedy};
pub use clock::{Clock, ManualClock, SinceBoot, SystemClock};
pub use compaction::Compaction;
pub use db::{configure as configure_connection, db_path, DB_FILE};
pub use erase::EraseReport;
pub use exchange::{ReceiveOutcome, RejectedVersion};
pub use forms::RefusedForm;
pub use header::check_before_open as check_header;
pub use list_row::ListRow;
pub use lookup::lookup_fields;
pub use membership::{key_envelope_aad, HubLink, Invite, KeysOutcome};
pub use offline_expiry::OfflineStatus;
pub use options::{CreateOptions, Membership, OpenOptions, WriteOptions};
pub use pin_rules::{check_pin, PinProblem, MIN_PASSPHRASE_CHARS, MIN_PIN_DIGITS};
pub use policy::{
    LooserThanTeam, PolicyProblem, PolicyState, PolicyView, SecurityPolicy, OFFLINE_WARNING_DAYS,
};
pub use read::{Listing, RecordDetails, RowListing};
pub(crate) use repair::{Item as RepairItem, RepairLog};
pub use role::Role;
pub use schema::{APPLICATION_ID, V1 as SCHEMA_V1, VERSION as SCHEMA_VERSION};
pub use vault::DamagedKey;
pub use view::{FieldConflict, HistoryEntry, LosingValue, RecordView};

use rusqlite::{Connection, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypto::{KdfFloor, PlatformKeyProvider, TeamKey};
use crate::record::{DeviceId, Hlc, HlcClock, TeamId};
use crate::sync::Network;
use crate::{Error, Result};
use audit::AuditEntry;
use vault::UnlockedKeys;

/// One device's encrypted store: its records, keys, audit trail and link to the team's hub, in one
/// directory.
pub struct Store {
    dir: PathBuf,
    conn: Connection,
    store_id: Vec<u8>,
    device: DeviceId,
    team: TeamId,
    role: Role,
    policy: SecurityPolicy,
    provider: Arc<dyn PlatformKeyProvider>,
    clock: Arc<dyn Clock>,
    network: Arc<dyn Network>,
    kdf_floor: KdfFloor,
    keys: Option<UnlockedKeys>,
    hlc: HlcClock,
    last_activity_ms: u64,
    /// The forms this store knows, built from the roster when first needed.
    forms: Option<forms::KnownForms>,
}

impl Store {
    /// Creates a store in `dir` for a new team, unlocked.
    pub fn create(
        dir: &Path,
        pin: &str,
        provider: Arc<dyn PlatformKeyProvider>,
        options: CreateOptions,
    ) -> Result<Store> {
        options.policy.validate().map_err(Error::Policy)?;
        check_pin(pin, options.policy.min_pin_digits).map_err(Error::WeakPin)?;
        let mut conn = db::create_new(dir)?;
        storage_reserve::ensure(dir);
        let store_id = uuid::Uuid::new_v4().as_bytes().to_vec();
        let classes = options.role.key_classes();
        let (team, device, team_keys) = match options.membership {
            Membership::NewTeam => (
                TeamId::make(),
                DeviceId::make(),
                TeamKey::make_for_new_team(classes),
            ),
            Membership::Founder { team, device } => {
                (team, device, TeamKey::make_for_new_team(classes))
            }
            Membership::Member { team, device, keys } => {
                // A device keeps only the keys its role may hold, whatever it was sent.
                let keys: Vec<TeamKey> =
                    keys.into_iter().filter(|k| k.belongs_to(classes)).collect();
                (team, device, keys)
            }
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        schema::create(&tx)?;
        meta::put_blob(&tx, meta::STORE_ID, &store_id)?;
        meta::put_blob(&tx, meta::DEVICE_ID, device.as_bytes())?;
        meta::put_blob(&tx, meta::TEAM_ID, team.as_bytes())?;
        meta::put_json(&tx, meta::ROLE, &options.role)?;
        meta::put_json(&tx, meta::POLICY, &options.policy)?;
        let keys = vault::create(
            &tx,
            &store_id,
            pin,
            &options.kdf,
            options.open.kdf_floor,
            provider.as_ref(),
            &team_keys,
        )?;
        let now_ms = options.open.clock.now().timestamp_millis().max(0) as u64;
        audit::start(
            &tx,
            &keys,
            &AuditEntry {
                at_ms: now_ms as i64,
                actor: device,
                action: AuditAction::CreateStore,
                kind: None,
                record_id: None,
                version_id: None,
                extra: Some(options.role.as_str()),
            },
        )?;
        tx.commit()?;
        Ok(Store {
            dir: dir.to_path_buf(),
            conn,
            store_id,
            device,
            team,
            role: options.role,
            policy: options.policy,
            provider,
            clock: options.open.clock,
            network: options.open.network,
            kdf_floor: options.open.kdf_floor,
            keys: Some(keys),
            hlc: HlcClock::resume(Hlc::ZERO),
            last_activity_ms: now_ms,
            forms: None,
        })
    }

    /// Opens an existing store, locked.
    pub fn open(
        dir: &Path,
        provider: Arc<dyn PlatformKeyProvider>,
        options: OpenOptions,
    ) -> Result<Store> {
        let mut conn = db::open_existing(dir)?;
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            schema::upgrade(&tx)?;
            tx.commit()?;
        }
        if meta::get_u64(&conn, meta::ERASED)? != 0 {
            return Err(Error::Erased);
        }
        let store_id = meta::require_blob(&conn, meta::STORE_ID)?;
        let id_of = |key: &str| -> Result<uuid::Uuid> {
            uuid::Uuid::from_slice(&meta::require_blob(&conn, key)?)
                .map_err(|_| Error::StoreDamaged(format!("malformed {key}")))
        };
        let device = DeviceId(id_of(meta::DEVICE_ID)?);
        let team = TeamId(id_of(meta::TEAM_ID)?);
        let role: Role = meta::get_json(&conn, meta::ROLE)?
            .ok_or_else(|| Error::StoreDamaged("missing role".into()))?;
        let policy: SecurityPolicy = meta::get_json(&conn, meta::POLICY)?.unwrap_or_default();
        let hlc: Hlc = meta::get_json(&conn, meta::HLC_LAST)?.unwrap_or_default();
        let mut store = Store {
            dir: dir.to_path_buf(),
            conn,
            store_id,
            device,
            team,
            role,
            policy,
            provider,
            clock: options.clock,
            network: options.network,
            kdf_floor: options.kdf_floor,
            keys: None,
            hlc: HlcClock::resume(hlc),
            last_activity_ms: 0,
            forms: None,
        };
        store.check_offline_expiry()?;
        Ok(store)
    }

    /// The directory the store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
    /// This device's id on the team's hub.
    pub fn device_id(&self) -> DeviceId {
        self.device
    }
    /// The team this store belongs to.
    pub fn team_id(&self) -> TeamId {
        self.team
    }
    /// The role the device was enrolled in: which records it may write and which keys it holds.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The security policy this device follows: its team's signed one, or its own choice where that
    /// is stricter.
    pub fn policy(&self) -> SecurityPolicy {
        self.policy
    }
    /// The calendar day where the worker is, on the store's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
    /// The time on this store's clock: what stamps its writes and dates its invites.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
    /// How this store's syncs reach the hub.
    pub(crate) fn network(&self) -> &dyn Network {
        self.network.as_ref()
    }

    fn now_ms(&self) -> u64 {
        self.clock.now().timestamp_millis().max(0) as u64
    }

    /// Forgets every key (they zeroize on drop).
    pub fn lock(&mut self) {
        self.keys = None;
        self.forms = None;
    }

    /// Whether the store is locked, locking it first if it sat idle too long.
    pub fn is_locked(&mut self) -> bool {
        self.check_auto_lock();
        self.keys.is_none()
    }

    fn check_auto_lock(&mut self) {
        let now = self.now_ms();
        if self.keys.is_some()
            && now.saturating_sub(self.last_activity_ms) > self.policy.auto_lock_secs * 1000
        {
            self.lock();
        }
    }

    /// The unlocked keys, or `Locked`; counts as activity for auto-lock.
    fn keys(&mut self) -> Result<&UnlockedKeys> {
        Ok(self.unlocked()?.1)
    }

    /// The connection and the unlocked keys, borrowed together.
    fn unlocked(&mut self) -> Result<(&Connection, &UnlockedKeys)> {
        self.check_auto_lock();
        self.last_activity_ms = self.now_ms();
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        Ok((&self.conn, keys))
    }

    /// Refuses a write while the disk is so full that the store could not
    /// keep its reserve: what room is left belongs to unlocking (see
    /// `storage_reserve`). Reading goes on.
    pub(crate) fn ensure_room_to_write(&self) -> Result<()> {
        if storage_reserve::ensure(&self.dir) {
            Ok(())
        } else {
            Err(Error::StorageFull)
        }
    }
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod format_v2_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod version_stubs_tests;
