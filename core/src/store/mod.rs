//! The encrypted on-device store.
//!
//! [`Store`] is the one entry point: create or open a data directory, unlock
//! it with the PIN, then add, update, read and query records. Each write is
//! validated against the kind's form, sealed, merged into the record's head,
//! kept as a version and written to the audit trail in one transaction.

mod audit;
mod background;
mod check;
mod check_report;
mod clock;
mod compaction;
mod db;
mod erase;
mod exchange;
mod header;
mod locking;
mod lookup;
mod membership;
mod meta;
mod offline_expiry;
mod pin_rules;
mod policy;
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
mod view;

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
pub use header::check_before_open as check_header;
pub use lookup::lookup_fields;
pub use membership::{key_envelope_aad, HubLink, Invite, KeysOutcome};
pub use offline_expiry::OfflineStatus;
pub use pin_rules::{check_pin, PinProblem, MIN_PIN_DIGITS};
pub use policy::{
    LooserThanTeam, PolicyProblem, PolicyState, PolicyView, SecurityPolicy, OFFLINE_WARNING_DAYS,
};
pub(crate) use repair::{Item as RepairItem, RepairLog};
pub use role::Role;
pub use schema::{APPLICATION_ID, V1 as SCHEMA_V1, VERSION as SCHEMA_VERSION};
pub use vault::DamagedKey;
pub use view::{FieldConflict, HistoryEntry, LosingValue, RecordView};

use rusqlite::{Connection, TransactionBehavior};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::crypto::{KdfFloor, KdfParams, PlatformKeyProvider, TeamKey};
use crate::forms;
use crate::record::{
    meta_fields, DeviceId, Hlc, HlcClock, RecordId, RecordKind, RecordState, RecordVersion,
    SensitivityClass, Stamp, TeamId, VersionId,
};
use crate::sync::{HttpNetwork, Network};
use crate::uic;
use crate::{Error, Lang, Result};
use audit::AuditEntry;
use records::Origin;
use vault::UnlockedKeys;

/// How a new store is set up.
pub struct CreateOptions {
    pub role: Role,
    pub kdf: KdfParams,
    /// The policy the store starts with. A device that enrolls in a team
    /// with a signed roster starts with the team's instead, and every
    /// device follows its team's at each roster it verifies.
    pub policy: SecurityPolicy,
    pub open: OpenOptions,
    pub membership: Membership,
}

/// Which team a new store belongs to, and where its team keys come from.
#[derive(Default)]
pub enum Membership {
    /// A team of its own: new ids and new team keys (`fieldbook init`).
    #[default]
    NewTeam,
    /// The first device of a team registered on a hub: the hub chose the
    /// ids, the device makes the team keys (the hub never sees them).
    Founder { team: TeamId, device: DeviceId },
    /// A device enrolled with a code: the team keys came sealed in the code's bundle.
    Member {
        team: TeamId,
        device: DeviceId,
        keys: Vec<TeamKey>,
    },
}

impl Default for CreateOptions {
    fn default() -> Self {
        CreateOptions {
            role: Role::Supervisor,
            kdf: KdfParams::make_default(),
            policy: SecurityPolicy::default(),
            open: OpenOptions::default(),
            membership: Membership::default(),
        }
    }
}

impl CreateOptions {
    /// Cheap key derivation for tests and benchmarks that create many stores.
    pub fn for_tests() -> Self {
        CreateOptions {
            kdf: KdfParams::make_fast_for_tests(),
            open: OpenOptions::for_tests(),
            ..Default::default()
        }
    }
}

/// How a store is opened: its clock, how its syncs reach the hub, and the
/// minimum key-derivation strength it accepts (chosen by code, never by the
/// stored data).
#[derive(Clone)]
pub struct OpenOptions {
    pub clock: Arc<dyn Clock>,
    /// HTTP(S) on devices; the team simulation plugs in its own network.
    pub network: Arc<dyn Network>,
    pub kdf_floor: KdfFloor,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            clock: Arc::new(SystemClock),
            network: Arc::new(HttpNetwork),
            kdf_floor: KdfFloor::Production,
        }
    }
}

impl OpenOptions {
    pub fn for_tests() -> Self {
        OpenOptions {
            kdf_floor: KdfFloor::TestsOnly,
            ..Default::default()
        }
    }
}

/// Options of one write.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    pub lang: Lang,
    /// Store a client even when another client has the same identifier code
    /// (two people can share one: same parents' initials, birth year and sex).
    pub allow_duplicate_uic: bool,
}

impl WriteOptions {
    pub fn lang(lang: Lang) -> Self {
        WriteOptions {
            lang,
            ..Default::default()
        }
    }
}

/// Everything readable of a record kind, and what could not be read.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub records: Vec<RecordView>,
    /// Records that failed to decrypt: corrupted or tampered with.
    pub unreadable: Vec<RecordId>,
}

/// A record with the details of its conflicts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RecordDetails {
    #[serde(flatten)]
    pub view: RecordView,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflict_details: Vec<FieldConflict>,
}

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
        };
        store.check_offline_expiry()?;
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
    pub fn device_id(&self) -> DeviceId {
        self.device
    }
    pub fn team_id(&self) -> TeamId {
        self.team
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn policy(&self) -> SecurityPolicy {
        self.policy
    }
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

    fn writer(&self, options: WriteOptions) -> Writer {
        Writer {
            device: self.device,
            role: self.role,
            now_ms: self.now_ms(),
            today: self.clock.today(),
            options,
        }
    }

    /// Forgets every key (they zeroize on drop).
    pub fn lock(&mut self) {
        self.keys = None;
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

    /// Validates and stores a new record; returns its id.
    pub fn add(
        &mut self,
        kind: RecordKind,
        input: &Map<String, Value>,
        options: WriteOptions,
    ) -> Result<RecordId> {
        let mut ids = self.add_many(std::slice::from_ref(&(kind, input.clone())), options)?;
        Ok(ids.remove(0))
    }

    /// Adds many records in one transaction: all are stored, or none.
    pub fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        options: WriteOptions,
    ) -> Result<Vec<RecordId>> {
        self.keys()?;
        self.ensure_room_to_write()?;
        let writer = self.writer(options);
        let now_ms = writer.now_ms;
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut ids = Vec::with_capacity(items.len());
        for (kind, input) in items {
            let id = RecordId::make();
            let version = writer
                .prepare(&tx, keys, &mut self.hlc, *kind, id, None, input)?
                .ok_or_else(|| Error::InvalidInput("nothing to store".into()))?;
            records::apply_version(&tx, keys, &version, Origin::Local)?;
            audit::append(
                &tx,
                keys,
                &audit_entry(self.device, now_ms, AuditAction::Create, &version),
            )?;
            ids.push(id);
        }
        meta::put_json(&tx, meta::HLC_LAST, &self.hlc.last())?;
        tx.commit()?;
        Ok(ids)
    }

    /// Changes some fields of a record (`null` clears one). Returns the new
    /// view; a change that changes nothing writes nothing.
    pub fn update(
        &mut self,
        id: RecordId,
        input: &Map<String, Value>,
        options: WriteOptions,
    ) -> Result<RecordView> {
        self.keys()?;
        let writer = self.writer(options);
        self.ensure_room_to_write()?;
        let now_ms = writer.now_ms;
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (kind, state) =
            records::load_state(&tx, keys, id)?.ok_or(Error::RecordNotFound { id })?;
        if !keys.holds(kind.sensitivity()) {
            return Err(Error::RecordNotFound { id });
        }
        let version = writer.prepare(&tx, keys, &mut self.hlc, kind, id, Some(&state), input)?;
        let view = match version {
            None => RecordView::from_state(id, kind, &state),
            Some(version) => {
                let view = records::apply_version(&tx, keys, &version, Origin::Local)?
                    .ok_or_else(|| Error::InvalidInput("version already stored".into()))?;
                audit::append(
                    &tx,
                    keys,
                    &audit_entry(self.device, now_ms, AuditAction::Update, &version),
                )?;
                meta::put_json(&tx, meta::HLC_LAST, &self.hlc.last())?;
                view
            }
        };
        tx.commit()?;
        Ok(view)
    }

    /// Deletes a record: a tombstone that syncs and merges like any field. Its
    /// history stays.
    pub fn delete(&mut self, id: RecordId) -> Result<()> {
        self.keys()?;
        self.ensure_room_to_write()?;
        let now_ms = self.now_ms();
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (kind, state) =
            records::load_state(&tx, keys, id)?.ok_or(Error::RecordNotFound { id })?;
        if !self.role.may_write(kind) {
            return Err(Error::NotPermitted(kind));
        }
        let stamp = Stamp {
            hlc: self.hlc.tick(now_ms),
            device: self.device,
        };
        let mut fields = BTreeMap::new();
        fields.insert(
            meta_fields::DELETED.to_string(),
            state.make_write(meta_fields::DELETED, Value::Bool(true), stamp),
        );
        let version = RecordVersion {
            version_id: VersionId::make(),
            record_id: id,
            kind,
            stamp,
            form_version: forms::definition(kind).version,
            fields,
        };
        records::apply_version(&tx, keys, &version, Origin::Local)?;
        audit::append(
            &tx,
            keys,
            &audit_entry(self.device, now_ms, AuditAction::Delete, &version),
        )?;
        meta::put_json(&tx, meta::HLC_LAST, &self.hlc.last())?;
        tx.commit()?;
        Ok(())
    }

    /// Merges a version received from another device (sync).
    pub fn apply_received(&mut self, version: &RecordVersion) -> Result<Option<RecordView>> {
        self.keys()?;
        self.ensure_room_to_write()?;
        let now_ms = self.now_ms();
        let keys = self.keys.as_ref().ok_or(Error::Locked)?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        self.hlc.observe(
            version.stamp.hlc,
            now_ms,
            crate::record::merge::CLOCK_ALLOWANCE_MS,
        );
        let view = records::apply_version(&tx, keys, version, Origin::Received)?;
        meta::put_json(&tx, meta::HLC_LAST, &self.hlc.last())?;
        tx.commit()?;
        Ok(view)
    }

    /// A record's current values.
    pub fn get(&mut self, id: RecordId) -> Result<RecordView> {
        let (conn, keys) = self.unlocked()?;
        records::load_view(conn, keys, id)
    }

    /// A record's current values and, for each conflicted field, the values it beat.
    pub fn details(&mut self, id: RecordId) -> Result<RecordDetails> {
        let (conn, keys) = self.unlocked()?;
        let view = records::load_view(conn, keys, id)?;
        let conflict_details = if view.conflicts.is_empty() {
            Vec::new()
        } else {
            let (_, state) =
                records::load_state(conn, keys, id)?.ok_or(Error::RecordNotFound { id })?;
            view::conflicts_of(&state)
        };
        Ok(RecordDetails {
            view,
            conflict_details,
        })
    }

    /// Every version of a record, oldest first.
    pub fn history(&mut self, id: RecordId) -> Result<Vec<HistoryEntry>> {
        let (conn, keys) = self.unlocked()?;
        let kind = records::kind_of(conn, id)?.ok_or(Error::RecordNotFound { id })?;
        if !keys.holds(kind.sensitivity()) {
            return Err(Error::RecordNotFound { id });
        }
        Ok(compaction::history_of(&records::versions(conn, keys, id)?))
    }

    /// Every record of a kind, deleted ones left out.
    pub fn list(&mut self, kind: RecordKind) -> Result<Listing> {
        let (conn, keys) = self.unlocked()?;
        let (mut records, unreadable) = scan::scan(conn, keys, kind)?;
        records.retain(|r| !r.deleted);
        Ok(Listing {
            records,
            unreadable,
        })
    }

    /// Record ids whose `field` equals `value`, through the keyed lookup index.
    pub fn lookup(&mut self, field: &str, value: &str) -> Result<Vec<RecordId>> {
        let (conn, keys) = self.unlocked()?;
        lookup::find(conn, keys, field, value)
    }

    /// The clients with this identifier code (two people can share one).
    /// Typing mistakes in the code are caught by its check character.
    pub fn clients_by_uic(&mut self, code: &str) -> Result<Vec<RecordView>> {
        let code = uic::parse_uic(code)?;
        let mut clients = Vec::new();
        for id in self.lookup("uic", &code)? {
            let view = self.get(id)?;
            if view.kind == RecordKind::Client && !view.deleted {
                clients.push(view);
            }
        }
        Ok(clients)
    }

    /// The identifier code these inputs give, without storing anything: a
    /// form can warn about a duplicate client before it is saved.
    pub fn client_code(&mut self, inputs: &uic::UicInputs<'_>) -> Result<String> {
        let key = self.keys()?.uic_key()?;
        Ok(uic::compute_uic(key, inputs)?)
    }

    pub fn verify_audit(&mut self) -> Result<AuditReport> {
        let (conn, keys) = self.unlocked()?;
        audit::verify(conn, keys)
    }

    /// Whether this device holds the key of a class (a peer leader's never holds case notes').
    pub fn holds(&mut self, class: SensitivityClass) -> Result<bool> {
        Ok(self.keys()?.holds(class))
    }
}

fn audit_entry(
    device: DeviceId,
    now_ms: u64,
    action: AuditAction,
    version: &RecordVersion,
) -> AuditEntry<'static> {
    AuditEntry {
        at_ms: now_ms as i64,
        actor: device,
        action,
        kind: Some(version.kind),
        record_id: Some(version.record_id),
        version_id: Some(version.version_id),
        extra: None,
    }
}

/// What every version written in one call shares.
#[derive(Clone, Copy)]
struct Writer {
    device: DeviceId,
    role: Role,
    now_ms: u64,
    today: chrono::NaiveDate,
    options: WriteOptions,
}

impl Writer {
    /// Validates a change against the kind's form and turns it into a
    /// version: `None` when it changes nothing.
    #[allow(clippy::too_many_arguments)]
    fn prepare(
        &self,
        conn: &Connection,
        keys: &UnlockedKeys,
        hlc: &mut HlcClock,
        kind: RecordKind,
        id: RecordId,
        base: Option<&RecordState>,
        input: &Map<String, Value>,
    ) -> Result<Option<RecordVersion>> {
        let Writer {
            device,
            role,
            now_ms,
            today,
            options,
        } = *self;
        if !role.may_write(kind) {
            return Err(Error::NotPermitted(kind));
        }
        keys.check_writable(kind)?;
        let form = forms::definition(kind);
        let base_values: Option<Map<String, Value>> = base.map(|state| {
            state
                .values()
                .into_iter()
                .filter(|(k, _)| !meta_fields::is_meta(k))
                .collect()
        });
        let validated = form.validate(input, base_values.as_ref(), today, options.lang)?;
        let mut values = validated.values;

        if kind == RecordKind::Client {
            assign_uic(
                conn,
                keys,
                id,
                base_values.as_ref(),
                &mut values,
                &validated.input_only,
                options,
            )?;
        }
        check_links(conn, form, &values)?;

        let stored_form_version = base
            .and_then(|s| s.value(meta_fields::FORM_VERSION))
            .and_then(Value::as_u64);
        if values.is_empty() && stored_form_version == Some(form.version as u64) {
            return Ok(None);
        }
        if values.is_empty() && base.is_some() {
            return Ok(None);
        }
        let stamp = Stamp {
            hlc: hlc.tick(now_ms),
            device,
        };
        let empty = RecordState::default();
        let state = base.unwrap_or(&empty);
        let mut fields = BTreeMap::new();
        if base.is_none() {
            values.insert(meta_fields::CREATED_BY.to_string(), Value::Bool(true));
        }
        if stored_form_version != Some(form.version as u64) {
            values.insert(
                meta_fields::FORM_VERSION.to_string(),
                Value::from(form.version),
            );
        }
        for (key, value) in values {
            let write = state.make_write(&key, value, stamp);
            fields.insert(key, write);
        }
        Ok(Some(RecordVersion {
            version_id: VersionId::make(),
            record_id: id,
            kind,
            stamp,
            form_version: form.version,
            fields,
        }))
    }
}

/// Computes a client's identifier code when the worker gave the parents'
/// names, and refuses a duplicate unless told otherwise.
fn assign_uic(
    conn: &Connection,
    keys: &UnlockedKeys,
    id: RecordId,
    base: Option<&Map<String, Value>>,
    values: &mut Map<String, Value>,
    input_only: &Map<String, Value>,
    options: WriteOptions,
) -> Result<()> {
    let mother = input_only.get("uic_mother_name").and_then(Value::as_str);
    let father = input_only.get("uic_father_name").and_then(Value::as_str);
    if mother.is_none() && father.is_none() {
        return Ok(());
    }
    let current = |key: &str| {
        values
            .get(key)
            .or_else(|| base.and_then(|b| b.get(key)))
            .cloned()
    };
    let sex = current("sex");
    let birth_year = current("birth_year");
    let inputs = uic::UicInputs {
        mother_name: mother.unwrap_or(""),
        father_name: father.unwrap_or(""),
        birth_year: birth_year.as_ref().and_then(Value::as_i64).unwrap_or(0) as i32,
        sex: sex.as_ref().and_then(Value::as_str).unwrap_or(""),
    };
    let key = keys.uic_key()?;
    let code = uic::compute_uic(key, &inputs)?;
    if !options.allow_duplicate_uic {
        for existing in lookup::find(conn, keys, "uic", &code)? {
            if existing != id && records::kind_of(conn, existing)? == Some(RecordKind::Client) {
                return Err(Error::DuplicateClient { existing });
            }
        }
    }
    if base.and_then(|b| b.get("uic")).and_then(Value::as_str) != Some(code.as_str()) {
        values.insert("uic".to_string(), Value::String(code));
    }
    Ok(())
}

/// A link must point at a stored record of the kind the form names.
fn check_links(
    conn: &Connection,
    form: &forms::FormDefinition,
    values: &Map<String, Value>,
) -> Result<()> {
    for field in &form.fields {
        let Some(expected) = field.link_kind else {
            continue;
        };
        let ids: Vec<&str> = match values.get(&field.key) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        for raw in ids {
            let id: RecordId = raw.parse().map_err(|_| {
                Error::InvalidInput(format!("{}: '{raw}' is not a record id", field.key))
            })?;
            match records::kind_of(conn, id)? {
                None => {
                    return Err(Error::LinkNotFound {
                        field: field.key.clone(),
                        id,
                    })
                }
                Some(found) if found != expected => {
                    return Err(Error::WrongLinkKind {
                        field: field.key.clone(),
                        id,
                        expected,
                        found,
                    })
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}
#[cfg(test)]
mod check_tests;
#[cfg(test)]
pub(crate) mod tests;
