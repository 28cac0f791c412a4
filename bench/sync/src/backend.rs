//! The hub's two storage backends, each fresh for one run: SQLite in a new
//! file under the work directory, PostgreSQL in a new schema of the test
//! database that is dropped afterwards (as the hub's conformance suite does).

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use fieldbook_hub::storage::{HubStorage, PostgresStorage, SqliteStorage};
use tokio::runtime::Runtime;

use crate::Res;

/// The PostgreSQL database used when none is given: the one the tests use.
pub const DEFAULT_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Which storage the hub runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    /// A new SQLite file in the run's work directory.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl BackendKind {
    /// The name printed in the report's columns.
    pub fn name(self) -> &'static str {
        match self {
            BackendKind::Sqlite => "SQLite",
            BackendKind::Postgres => "PostgreSQL",
        }
    }
}

impl FromStr for BackendKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sqlite" => Ok(BackendKind::Sqlite),
            "postgres" | "postgresql" | "pg" => Ok(BackendKind::Postgres),
            other => Err(format!("unknown backend {other:?} (sqlite or postgres)")),
        }
    }
}

/// A fresh store for the hub; what must outlive it is kept here and cleaned
/// up when this is dropped (after the hub that used it).
pub struct HubStore {
    /// The store the hub serves.
    pub storage: Arc<dyn HubStorage>,
    /// PostgreSQL's schema, dropped with this. (The SQLite file lives in the
    /// run's work directory and goes with it.)
    _schema: Option<PgSchema>,
}

/// Opens a fresh store. PostgreSQL's pool must live on the hub's runtime,
/// so it is connected there.
pub fn open(
    kind: BackendKind,
    work_dir: &Path,
    postgres_url: &str,
    runtime: &Runtime,
) -> Res<HubStore> {
    match kind {
        BackendKind::Sqlite => {
            let storage = SqliteStorage::open(work_dir.join("hub.db"))?;
            Ok(HubStore {
                storage: Arc::new(storage),
                _schema: None,
            })
        }
        BackendKind::Postgres => {
            let schema = runtime.block_on(PgSchema::create(postgres_url))?;
            let storage = runtime.block_on(PostgresStorage::connect_with(
                schema.config()?,
                PostgresStorage::DEFAULT_MAX_CONNECTIONS,
            ))?;
            Ok(HubStore {
                storage: Arc::new(storage),
                _schema: Some(schema),
            })
        }
    }
}

/// A schema of its own for one run, dropped with everything in it when this
/// is dropped, even after a panic.
struct PgSchema {
    url: String,
    name: String,
}

impl PgSchema {
    async fn create(url: &str) -> Res<PgSchema> {
        let config = tokio_postgres::Config::from_str(url)
            .map_err(|_| "the PostgreSQL URL is not valid (FIELDBOOK_TEST_POSTGRES)")?;
        let (client, connection) = config.connect(tokio_postgres::NoTls).await.map_err(|e| {
            format!(
                "PostgreSQL is unreachable ({e}); start it, point FIELDBOOK_TEST_POSTGRES \
                 at one, or pass --backends sqlite"
            )
        })?;
        tokio::spawn(connection);
        let name = format!("sync_bench_{}", uuid::Uuid::new_v4().simple());
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await?;
        Ok(PgSchema {
            url: url.to_owned(),
            name,
        })
    }

    fn config(&self) -> Res<tokio_postgres::Config> {
        let mut config = tokio_postgres::Config::from_str(&self.url)?;
        config.options(format!("-c search_path={}", self.name));
        Ok(config)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop may run inside a runtime: do the async work on a thread with its own.
        let dropped = std::thread::spawn(move || -> Res<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async move {
                let config = tokio_postgres::Config::from_str(&url)?;
                let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!(
                        "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE"
                    ))
                    .await?;
                Ok(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop the benchmark's schema {}", self.name);
        }
    }
}
