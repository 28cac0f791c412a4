//! [`FieldbookStore`]: one device's encrypted store. Created or opened
//! locked, unlocked with the PIN, locked again when the app leaves the
//! foreground (and by itself after the idle time of its security settings).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use fieldbook_core::queries::{self, ClientSearch};
use fieldbook_core::record::RecordId;
use fieldbook_core::store::{CreateOptions, OpenOptions, Store, WriteOptions};
use fieldbook_core::{forms, Lang};

use crate::error::{FieldIssue, FieldbookError};
use crate::key_store::{ForeignKeyProvider, PlatformKeyStore};
use crate::records::{
    ClientList, DueItem, HistoryEntry, Record, RecordList, RecordWithConflicts, ReferralGroup,
    TimelineEntry, Typing,
};
use crate::types::{DeviceIdentity, Language, RecordKind, Role, SecuritySettings};
use crate::values::{to_input, to_input_clearing, FieldValue};

type Result<T, E = FieldbookError> = std::result::Result<T, E>;

/// This device's encrypted store, shared by every screen: one per data directory, safe to call from any thread.
#[derive(uniffi::Object)]
pub struct FieldbookStore {
    store: Mutex<Store>,
    language: Mutex<Language>,
    /// Held for a whole sync, so two syncs (a scheduled one and "sync now")
    /// run one after the other. The store itself is let go between steps.
    sync_running: Mutex<()>,
}

impl FieldbookStore {
    pub(crate) fn wrap(store: Store, language: Language) -> Arc<Self> {
        Arc::new(FieldbookStore {
            store: Mutex::new(store),
            language: Mutex::new(language),
            sync_running: Mutex::new(()),
        })
    }

    pub(crate) fn lang(&self) -> Lang {
        (*self.language.lock().unwrap_or_else(|e| e.into_inner())).into()
    }

    /// The store, for one call. A panic in an earlier call cannot have left
    /// it half-written (each write is one transaction), so a poisoned lock
    /// is taken over.
    pub(crate) fn inner(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The store as a sync reaches it: one step at a time, waiting first for
    /// any sync already running.
    pub(crate) fn for_sync(&self) -> (MutexGuard<'_, ()>, &Mutex<Store>) {
        let running = self.sync_running.lock().unwrap_or_else(|e| e.into_inner());
        (running, &self.store)
    }

    /// The form a screen draws, and the store's day: `version` of `kind`
    /// (a record edited with the form it was written with), or the one new
    /// records use. A locked store has no team forms open: the built-in
    /// form stands in.
    fn drawing_form(
        &self,
        kind: RecordKind,
        version: Option<u32>,
    ) -> (Arc<forms::FormDefinition>, NaiveDate) {
        let mut store = self.inner();
        let form = version
            .and_then(|v| store.form_version(kind, v).ok())
            .or_else(|| store.current_form(kind).ok())
            .unwrap_or_else(|| Arc::new(forms::definition(kind).clone()));
        (form, store.today())
    }

    /// How this store types records' values: by the forms it holds.
    pub(crate) fn typing(&self) -> Typing {
        Typing::of(&mut self.inner())
    }

    /// Runs `f` on the store, its error in the store's language.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Store) -> fieldbook_core::Result<T>,
    ) -> Result<T> {
        let lang = self.lang();
        f(&mut self.inner()).map_err(|e| FieldbookError::from_core(e, lang))
    }
}

pub(crate) fn parse_id(id: &str) -> Result<RecordId> {
    id.parse()
        .map_err(|_| FieldbookError::invalid(format!("'{id}' is not a record id")))
}

pub(crate) fn parse_date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| FieldbookError::invalid(format!("'{text}' is not a date (YYYY-MM-DD)")))
}

pub(crate) fn provider(key_store: Arc<dyn PlatformKeyStore>) -> Arc<ForeignKeyProvider> {
    Arc::new(ForeignKeyProvider(key_store))
}

#[uniffi::export]
impl FieldbookStore {
    /// A new store in `data_dir` for a team of its own (no hub yet), unlocked.
    /// Devices that join a team on a hub use [`FieldbookStore::enroll`].
    #[uniffi::constructor]
    pub fn create(
        data_dir: String,
        pin: String,
        role: Role,
        key_store: Arc<dyn PlatformKeyStore>,
        language: Language,
    ) -> Result<Arc<Self>> {
        let options = CreateOptions {
            role,
            ..CreateOptions::default()
        };
        let store = Store::create(&PathBuf::from(data_dir), &pin, provider(key_store), options)
            .map_err(|e| FieldbookError::from_core(e, language.into()))?;
        Ok(Self::wrap(store, language))
    }

    /// Opens the store in `data_dir`, locked.
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        key_store: Arc<dyn PlatformKeyStore>,
        language: Language,
    ) -> Result<Arc<Self>> {
        let store = Store::open(
            &PathBuf::from(data_dir),
            provider(key_store),
            OpenOptions::default(),
        )
        .map_err(|e| FieldbookError::from_core(e, language.into()))?;
        Ok(Self::wrap(store, language))
    }

    /// The language of labels, messages and errors from now on.
    pub fn set_language(&self, language: Language) {
        *self.language.lock().unwrap_or_else(|e| e.into_inner()) = language;
    }

    /// Wrong PINs are counted before they are checked; past the free tries
    /// each waits longer (`TryLater`), and at the limit the store erases itself.
    pub fn unlock(&self, pin: String) -> Result<()> {
        self.with(|s| s.unlock(&pin))
    }

    /// Forgets every key now (they are zeroized).
    pub fn lock(&self) {
        self.inner().lock();
    }

    /// Whether the store is locked, locking it first if it sat idle too long.
    pub fn is_locked(&self) -> bool {
        self.inner().is_locked()
    }

    /// This device's team, its id in it and its role.
    pub fn identity(&self) -> DeviceIdentity {
        let (team, device, role) = self.inner().identity();
        DeviceIdentity {
            team_id: team.to_string(),
            device_id: device.to_string(),
            role,
        }
    }

    /// Whether this device may write records of `kind` (a peer leader never
    /// writes case notes): for hiding buttons; writes are checked anyway.
    pub fn may_write(&self, kind: RecordKind) -> bool {
        self.inner().role().may_write(kind)
    }

    /// The seizure protection this store applies now.
    pub fn security_settings(&self) -> SecuritySettings {
        let policy = self.inner().policy();
        SecuritySettings {
            auto_lock_secs: policy.auto_lock_secs,
            max_failed_unlocks: policy.max_failed_unlocks,
            free_attempts: policy.free_attempts,
        }
    }

    /// This device's own settings: on a team's device only as strict as
    /// the team's signed policy or stricter (`Invalid` names the setting).
    pub fn set_security_settings(&self, settings: SecuritySettings) -> Result<()> {
        self.with(|s| {
            let policy = fieldbook_core::store::SecurityPolicy {
                auto_lock_secs: settings.auto_lock_secs,
                max_failed_unlocks: settings.max_failed_unlocks,
                free_attempts: settings.free_attempts,
                ..s.policy()
            };
            s.set_policy(policy)
        })
    }

    /// Re-wraps the vault key under a new PIN (the store must be unlocked).
    pub fn change_pin(&self, new_pin: String) -> Result<()> {
        self.with(|s| s.change_pin(&new_pin, fieldbook_core::crypto::KdfParams::make_default()))
    }

    /// Validates and stores a new record; returns its id. A client whose
    /// identifier code another client has is refused with `DuplicateClient`
    /// unless `allow_duplicate` (two people can share a code).
    pub fn add(
        &self,
        kind: RecordKind,
        values: HashMap<String, FieldValue>,
        allow_duplicate: bool,
    ) -> Result<String> {
        let lang = self.lang();
        let options = WriteOptions {
            lang,
            allow_duplicate_uic: allow_duplicate,
        };
        self.with(|s| s.add(kind, &to_input(&values), options))
            .map(|id| id.to_string())
    }

    /// Changes some fields of a record and clears the fields in `clear`.
    pub fn update(
        &self,
        id: String,
        values: HashMap<String, FieldValue>,
        clear: Vec<String>,
    ) -> Result<Record> {
        let id = parse_id(&id)?;
        let input = to_input_clearing(&values, clear);
        let options = WriteOptions::lang(self.lang());
        let view = self.with(|s| s.update(id, &input, options))?;
        Ok(self.typing().record(&view))
    }

    /// Deletes a record; its history stays.
    pub fn delete(&self, id: String) -> Result<()> {
        let id = parse_id(&id)?;
        self.with(|s| s.delete(id))
    }

    /// A record's current values and the values its conflicted fields beat.
    pub fn get(&self, id: String) -> Result<RecordWithConflicts> {
        let id = parse_id(&id)?;
        let details = self.with(|s| s.details(id))?;
        Ok(self.typing().details(&details))
    }

    /// Every version of a record, oldest first.
    pub fn history(&self, id: String) -> Result<Vec<HistoryEntry>> {
        let id = parse_id(&id)?;
        let (kind, entries) = self.with(|s| Ok((s.get(id)?.kind, s.history(id)?)))?;
        let typing = self.typing();
        Ok(entries
            .iter()
            .map(|h| typing.history_entry(kind, h))
            .collect())
    }

    /// Every record of a kind (deleted ones left out), in the order lists
    /// show them: newest first by the date each is about, then by when it
    /// was written.
    pub fn list(&self, kind: RecordKind) -> Result<RecordList> {
        let listing = self.with(|s| queries::newest_first(s, kind))?;
        Ok(self.typing().list(&listing))
    }

    /// The clients, by alias, as lists show them.
    pub fn clients(&self) -> Result<ClientList> {
        let listing = self.with(queries::list_clients)?;
        Ok(ClientList::from(&listing))
    }

    /// Clients whose alias (or a word of it) starts with `text`, or whose
    /// identifier code is `text`; and in `area` when given.
    pub fn search_clients(&self, text: Option<String>, area: Option<String>) -> Result<ClientList> {
        let search = ClientSearch { text, area };
        let listing = self.with(|s| queries::search_clients(s, &search))?;
        Ok(ClientList::from(&listing))
    }

    /// The clients with this identifier code: the duplicate warning when adding one.
    pub fn clients_with_code(&self, code: String) -> Result<Vec<Record>> {
        let views = self.with(|s| s.clients_by_uic(&code))?;
        Ok(self.typing().records(&views))
    }

    /// The identifier code a client form's values give (the parents' given
    /// names, birth year and sex), before saving: with `clients_with_code`,
    /// the duplicate warning as the person types. `None` while an input is missing.
    pub fn client_code(&self, values: HashMap<String, FieldValue>) -> Result<Option<String>> {
        let input = to_input(&values);
        let text = |key: &str| input.get(key).and_then(serde_json::Value::as_str);
        let (Some(mother_name), Some(father_name), Some(sex), Some(birth_year)) = (
            text("uic_mother_name"),
            text("uic_father_name"),
            text("sex"),
            input.get("birth_year").and_then(serde_json::Value::as_i64),
        ) else {
            return Ok(None);
        };
        let inputs = fieldbook_core::uic::UicInputs {
            mother_name,
            father_name,
            birth_year: birth_year as i32,
            sex,
        };
        match self.with(|s| s.client_code(&inputs)) {
            Ok(code) => Ok(Some(code)),
            // Inputs not usable yet (e.g. a name with no letters): no code to show.
            Err(FieldbookError::Invalid { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A client's contacts, case notes, referrals and meetings, newest first.
    pub fn timeline(&self, client_id: String) -> Result<Vec<TimelineEntry>> {
        let id = parse_id(&client_id)?;
        let items = self.with(|s| queries::timeline(s, id))?;
        let typing = self.typing();
        Ok(items
            .iter()
            .map(|item| TimelineEntry {
                date: item.date.map(|d| d.to_string()),
                record: typing.record(&item.record),
            })
            .collect())
    }

    /// Follow-ups due on `day` (`YYYY-MM-DD`; today when `None`), overdue first.
    pub fn due(&self, day: Option<String>) -> Result<Vec<DueItem>> {
        let day = day.as_deref().map(parse_date).transpose()?;
        self.with(|s| {
            let day = day.unwrap_or_else(|| s.today());
            queries::due_on(s, day)
        })
        .map(|items| items.iter().map(DueItem::from).collect())
    }

    /// Referrals grouped by status (only `status` when given).
    pub fn referrals(&self, status: Option<String>) -> Result<Vec<ReferralGroup>> {
        let typing = self.typing();
        self.with(|s| queries::referrals_by_status(s, status.as_deref()))
            .map(|groups| {
                let order = queries::referral_statuses();
                let mut groups: Vec<ReferralGroup> = groups
                    .into_iter()
                    .map(|(status, views)| ReferralGroup {
                        status,
                        referrals: typing.records(&views),
                    })
                    .collect();
                groups.sort_by_key(|g| order.iter().position(|s| *s == g.status));
                groups
            })
    }

    /// The keys of the fields a form shows for these (partial) values, in
    /// form order: what the renderer draws as the person types. `version`
    /// is the form version drawn (a record's own, when editing it); `None`
    /// for the one new records use.
    pub fn visible_fields(
        &self,
        kind: RecordKind,
        values: HashMap<String, FieldValue>,
        version: Option<u32>,
    ) -> Vec<String> {
        let (form, today) = self.drawing_form(kind, version);
        form.visible_fields(&to_input(&values), today)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// The values of `key`'s choices the form offers for these (partial)
    /// values, in form order: every choice unless the field has a
    /// `choice_filter` (e.g. the districts of the province chosen above).
    /// `version` as for [`Self::visible_fields`].
    pub fn visible_choices(
        &self,
        kind: RecordKind,
        key: String,
        values: HashMap<String, FieldValue>,
        version: Option<u32>,
    ) -> Vec<String> {
        let (form, today) = self.drawing_form(kind, version);
        form.visible_choices(&key, &to_input(&values), today)
            .into_iter()
            .map(str::to_string)
            .collect()
    }

    /// Checks values against the form without writing anything: the messages
    /// to show under each field before the person saves. `record_id` names
    /// the record being edited (`None` for a new one); `clear`, the fields
    /// the person emptied in that edit (a required one is then reported).
    pub fn check(
        &self,
        kind: RecordKind,
        values: HashMap<String, FieldValue>,
        record_id: Option<String>,
        clear: Vec<String>,
    ) -> Result<Vec<FieldIssue>> {
        let record_id = record_id.as_deref().map(parse_id).transpose()?;
        let lang = self.lang();
        let input = to_input_clearing(&values, clear);
        self.with(|s| {
            let base = record_id.map(|id| s.get(id)).transpose()?;
            let today = s.today();
            // A record is checked under the form version it was written with.
            let form = match &base {
                Some(record) => s.form_version(kind, record.form_version)?,
                None => s.current_form(kind)?,
            };
            let outcome = form.validate(&input, base.as_ref().map(|v| &v.values), today, lang);
            Ok(match outcome {
                Ok(_) => Vec::new(),
                Err(errors) => errors.0.iter().map(FieldIssue::from).collect(),
            })
        })
    }

    /// Checks the audit trail: `None` when whole, else what is wrong.
    pub fn verify_audit(&self) -> Result<Option<String>> {
        self.with(|s| s.verify_audit()).map(|report| {
            (!report.ok).then(|| {
                report
                    .problem
                    .unwrap_or_else(|| "the audit trail does not verify".into())
            })
        })
    }
}
