//! The four stores behind one interface, so every phase runs the same code
//! against each: the minimal plain store (the floor), Fieldbook's schema on
//! plain SQLite and on SQLCipher, and Fieldbook.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use fieldbook_core::crypto::{KdfParams, SoftwareKeyProvider};
use fieldbook_core::queries::{list_clients, search_clients, timeline, ClientSearch};
use fieldbook_core::record::RecordId;
use fieldbook_core::store::{CreateOptions, OpenOptions, Store, WriteOptions};
use fieldbook_core::RecordKind;
use serde_json::{Map, Value};

use crate::minimal::MinimalStore;
use crate::sqlstore::{Res, SqlStore};

pub const PIN: &str = "482915";
pub const SQLCIPHER_PASSPHRASE: &str = "482915";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Each record's values once, as JSON, in one row: the floor.
    Minimal,
    Plain,
    SqlCipher,
    Fieldbook,
}

/// Every store, in the order of the report's columns.
pub const ENGINES: [Engine; 4] = [
    Engine::Minimal,
    Engine::Plain,
    Engine::SqlCipher,
    Engine::Fieldbook,
];

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Minimal => "minimal plain",
            Engine::Plain => "plain SQLite",
            Engine::SqlCipher => "SQLCipher",
            Engine::Fieldbook => "Fieldbook",
        }
    }
    fn slug(self) -> &'static str {
        match self {
            Engine::Minimal => "minimal",
            Engine::Plain => "plain",
            Engine::SqlCipher => "sqlcipher",
            Engine::Fieldbook => "fieldbook",
        }
    }
    fn passphrase(self) -> Option<&'static str> {
        (self == Engine::SqlCipher).then_some(SQLCIPHER_PASSPHRASE)
    }
}

/// Where one engine's store of one run lives.
#[derive(Clone)]
pub struct Place {
    pub engine: Engine,
    pub dir: PathBuf,
}

impl Place {
    pub fn new(root: &Path, engine: Engine, label: &str) -> Place {
        Place {
            engine,
            dir: root.join(format!("{}-{label}", engine.slug())),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.join("store.db")
    }
    fn fb_store(&self) -> PathBuf {
        self.dir.join("store")
    }
    fn fb_keys(&self) -> PathBuf {
        self.dir.join("keys")
    }
    /// The database file(s) on disk, without the platform key file.
    pub fn data_dir(&self) -> PathBuf {
        match self.engine {
            Engine::Fieldbook => self.fb_store(),
            _ => self.dir.clone(),
        }
    }
    /// The SQLite file itself.
    pub fn db_file(&self) -> PathBuf {
        match self.engine {
            Engine::Fieldbook => fieldbook_core::store::db_path(&self.fb_store()),
            _ => self.db(),
        }
    }

    pub fn create(&self) -> Res<Box<dyn Bench>> {
        let _ = std::fs::remove_dir_all(&self.dir);
        std::fs::create_dir_all(&self.dir)?;
        Ok(match self.engine {
            Engine::Fieldbook => {
                let provider = Arc::new(SoftwareKeyProvider::new(self.fb_keys()));
                let store = Store::create(
                    &self.fb_store(),
                    PIN,
                    provider,
                    CreateOptions {
                        kdf: KdfParams::make_default(),
                        ..Default::default()
                    },
                )?;
                Box::new(Fb(store))
            }
            Engine::Minimal => Box::new(Min(MinimalStore::create(&self.db())?)),
            e => Box::new(Sql(SqlStore::create(&self.db(), e.passphrase())?)),
        })
    }

    /// Opens and unlocks; returns the store and the seconds spent opening
    /// and unlocking (SQLCipher's key derivation happens in its open).
    pub fn open_unlock(&self) -> Res<(Box<dyn Bench>, f64, f64)> {
        let t = std::time::Instant::now();
        match self.engine {
            Engine::Fieldbook => {
                let provider = Arc::new(SoftwareKeyProvider::new(self.fb_keys()));
                let mut store = Store::open(&self.fb_store(), provider, OpenOptions::default())?;
                let opened = t.elapsed().as_secs_f64();
                let t = std::time::Instant::now();
                store.unlock(PIN)?;
                Ok((Box::new(Fb(store)), opened, t.elapsed().as_secs_f64()))
            }
            Engine::Minimal => {
                let s = MinimalStore::open(&self.db())?;
                Ok((Box::new(Min(s)), t.elapsed().as_secs_f64(), 0.0))
            }
            e => {
                let s = SqlStore::open(&self.db(), e.passphrase())?;
                Ok((Box::new(Sql(s)), t.elapsed().as_secs_f64(), 0.0))
            }
        }
    }

    /// Fieldbook's own store, opened and unlocked, for what only it has (reports).
    pub fn open_fieldbook(&self) -> Res<Store> {
        if self.engine != Engine::Fieldbook {
            return Err(format!("{} has no Fieldbook store", self.engine.name()).into());
        }
        let provider = Arc::new(SoftwareKeyProvider::new(self.fb_keys()));
        let mut store = Store::open(&self.fb_store(), provider, OpenOptions::default())?;
        store.unlock(PIN)?;
        Ok(store)
    }

    /// A sync's push without the network (Fieldbook only): every version
    /// goes out as a scheduled sync sends it, the store locked, and is
    /// marked pushed as the hub's answer marks it. Returns how many.
    pub fn push_all(&self) -> Res<usize> {
        let provider = Arc::new(SoftwareKeyProvider::new(self.fb_keys()));
        let mut store = Store::open(&self.fb_store(), provider, OpenOptions::default())?;
        let mut pushed = 0;
        loop {
            let sent = store.unpushed(2_000)?;
            if sent.is_empty() {
                return Ok(pushed);
            }
            let ids: Vec<_> = sent.iter().map(|v| v.version_id).collect();
            store.mark_pushed(&ids)?;
            pushed += ids.len();
        }
    }

    pub fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub trait Bench {
    fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        today: NaiveDate,
    ) -> Res<Vec<RecordId>>;
    /// All clients, sorted; returns how many.
    fn list_clients(&mut self) -> Res<usize>;
    fn search(&mut self, search: &ClientSearch) -> Res<usize>;
    fn timeline(&mut self, client: RecordId) -> Res<usize>;
    fn uic_of(&mut self, client: RecordId) -> Res<String>;
}

struct Fb(Store);
struct Sql(SqlStore);
struct Min(MinimalStore);

impl Bench for Fb {
    fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        _today: NaiveDate,
    ) -> Res<Vec<RecordId>> {
        Ok(self.0.add_many(
            items,
            WriteOptions {
                allow_duplicate_uic: true,
                ..Default::default()
            },
        )?)
    }
    fn list_clients(&mut self) -> Res<usize> {
        Ok(list_clients(&mut self.0)?.rows.len())
    }
    fn search(&mut self, search: &ClientSearch) -> Res<usize> {
        Ok(search_clients(&mut self.0, search)?.rows.len())
    }
    fn timeline(&mut self, client: RecordId) -> Res<usize> {
        Ok(timeline(&mut self.0, client)?.len())
    }
    fn uic_of(&mut self, client: RecordId) -> Res<String> {
        Ok(self.0.get(client)?.text("uic").ok_or("no uic")?.to_string())
    }
}

impl Bench for Sql {
    fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        today: NaiveDate,
    ) -> Res<Vec<RecordId>> {
        self.0.add_many(items, today)
    }
    fn list_clients(&mut self) -> Res<usize> {
        Ok(self.0.list_clients()?.len())
    }
    fn search(&mut self, search: &ClientSearch) -> Res<usize> {
        Ok(self.0.search_clients(search)?.len())
    }
    fn timeline(&mut self, client: RecordId) -> Res<usize> {
        Ok(self.0.timeline(client)?.len())
    }
    fn uic_of(&mut self, client: RecordId) -> Res<String> {
        Ok(self.0.get(client)?.text("uic").ok_or("no uic")?.to_string())
    }
}

impl Bench for Min {
    fn add_many(
        &mut self,
        items: &[(RecordKind, Map<String, Value>)],
        today: NaiveDate,
    ) -> Res<Vec<RecordId>> {
        self.0.add_many(items, today)
    }
    fn list_clients(&mut self) -> Res<usize> {
        Ok(self.0.list_clients()?.len())
    }
    fn search(&mut self, search: &ClientSearch) -> Res<usize> {
        Ok(self.0.search_clients(search)?.len())
    }
    fn timeline(&mut self, client: RecordId) -> Res<usize> {
        Ok(self.0.timeline(client)?.len())
    }
    fn uic_of(&mut self, client: RecordId) -> Res<String> {
        self.0.uic_of(client)
    }
}

/// Bytes of every file under `dir`.
pub fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let m = e.metadata().ok();
                    match m {
                        Some(m) if m.is_dir() => dir_size(&e.path()),
                        Some(m) => m.len(),
                        None => 0,
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
