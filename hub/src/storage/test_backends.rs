//! A fresh storage backend for one test, shared by the storage conformance
//! suite and the API tests so both run on every backend the same way.
//!
//! SQLite runs on a fresh temporary file. PostgreSQL runs for real against
//! `FIELDBOOK_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`),
//! in a fresh schema per test that is dropped afterwards; an unreachable server
//! fails the tests unless `FIELDBOOK_SKIP_POSTGRES=1`. Never a mock.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;

use uuid::Uuid;

use super::{HubStorage, PostgresStorage, SqliteStorage};

const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A test's storage and what must outlive it (the temp dir, the schema).
pub(crate) struct Backend {
    storage: Arc<dyn HubStorage>,
    place: Place,
}

enum Place {
    Sqlite {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    Postgres(PgSchema),
}

impl Backend {
    /// A fresh SQLite store in a temporary directory.
    pub(crate) async fn sqlite() -> Option<Backend> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hub.sqlite");
        let storage = SqliteStorage::open(&path).unwrap();
        Some(Backend {
            storage: Arc::new(storage),
            place: Place::Sqlite { _dir: dir, path },
        })
    }

    /// A fresh schema in the test PostgreSQL; `None` only when the server is
    /// unreachable and `FIELDBOOK_SKIP_POSTGRES=1`.
    pub(crate) async fn postgres() -> Option<Backend> {
        let schema = PgSchema::create().await?;
        let storage = schema.open().await;
        assert_eq!(
            storage.schema_version().await.unwrap(),
            PostgresStorage::SCHEMA_VERSION
        );
        Some(Backend {
            storage: Arc::new(storage),
            place: Place::Postgres(schema),
        })
    }

    pub(crate) fn storage(&self) -> Arc<dyn HubStorage> {
        Arc::clone(&self.storage)
    }

    /// A second, independent instance on the same store: another hub process.
    pub(crate) async fn another_instance(&self) -> Arc<dyn HubStorage> {
        match &self.place {
            Place::Sqlite { path, .. } => Arc::new(SqliteStorage::open(path).unwrap()),
            Place::Postgres(schema) => Arc::new(schema.open().await),
        }
    }
}

/// A schema of its own for one test, dropped (with everything in it) when
/// the test ends, even by panicking.
pub(crate) struct PgSchema {
    url: String,
    name: String,
}

impl PgSchema {
    pub(crate) async fn create() -> Option<PgSchema> {
        let url = std::env::var("FIELDBOOK_TEST_POSTGRES")
            .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_owned());
        let skip = std::env::var("FIELDBOOK_SKIP_POSTGRES").as_deref() == Ok("1");
        let config = tokio_postgres::Config::from_str(&url)
            .expect("FIELDBOOK_TEST_POSTGRES is not a PostgreSQL URL");
        let client = match config.connect(tokio_postgres::NoTls).await {
            Ok((client, connection)) => {
                tokio::spawn(connection);
                client
            }
            Err(e) if skip => {
                eprintln!("skipping a PostgreSQL test (FIELDBOOK_SKIP_POSTGRES=1): {e}");
                return None;
            }
            Err(e) => panic!(
                "PostgreSQL is unreachable ({e}); start it, point FIELDBOOK_TEST_POSTGRES \
                 at one, or set FIELDBOOK_SKIP_POSTGRES=1 to skip these tests"
            ),
        };
        let name = format!("t_{}", Uuid::new_v4().simple());
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .await
            .unwrap();
        Some(PgSchema { url, name })
    }

    pub(crate) fn config(&self) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::from_str(&self.url).unwrap();
        config.options(format!("-c search_path={}", self.name));
        config
    }

    pub(crate) async fn open(&self) -> PostgresStorage {
        PostgresStorage::connect_with(self.config(), 6)
            .await
            .unwrap()
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let url = self.url.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime: do the async work on a thread
        // with its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let config = tokio_postgres::Config::from_str(&url).unwrap();
                let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!(
                        "SET lock_timeout = '10s'; DROP SCHEMA IF EXISTS {name} CASCADE"
                    ))
                    .await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}
