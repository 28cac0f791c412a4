//! The hub's own database, opened by the test as an attacker who breached
//! the hub would: through the hub's storage layer (to write devices, invites,
//! envelopes and roster links as the hub itself could) and with raw SQL (to
//! relabel, reorder and delete rows), on SQLite or PostgreSQL alike.

use std::future::Future;
use std::str::FromStr;
use std::sync::Arc;

use fieldbook_hub::storage::{HubStorage, PostgresStorage, SqliteStorage};

use super::hub::HubProcess;

pub struct HubDb {
    storage: Arc<dyn HubStorage>,
    raw: Raw,
    runtime: tokio::runtime::Runtime,
}

enum Raw {
    Sqlite(std::path::PathBuf),
    Postgres(String),
}

impl HubDb {
    /// The database of a running hub, opened beside it.
    pub fn open(hub: &HubProcess) -> HubDb {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let (storage, raw): (Arc<dyn HubStorage>, Raw) = match hub.database() {
            Some(url) => (
                Arc::new(runtime.block_on(PostgresStorage::connect(url)).unwrap()),
                Raw::Postgres(url.to_string()),
            ),
            None => {
                let path = hub.data_dir().join("hub.db");
                (
                    Arc::new(SqliteStorage::open(&path).unwrap()),
                    Raw::Sqlite(path),
                )
            }
        };
        HubDb {
            storage,
            raw,
            runtime,
        }
    }

    pub fn storage(&self) -> &dyn HubStorage {
        self.storage.as_ref()
    }

    /// Runs a storage call to its end.
    pub fn run<T>(&self, future: impl Future<Output = T>) -> T {
        self.runtime.block_on(future)
    }

    /// Runs SQL statements as written (both backends read the same text for
    /// the statements tests use).
    pub fn sql(&self, statements: &str) {
        match &self.raw {
            Raw::Sqlite(path) => {
                let conn = rusqlite::Connection::open(path).unwrap();
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .unwrap();
                conn.execute_batch(statements).unwrap();
            }
            Raw::Postgres(url) => self.runtime.block_on(async {
                let config = tokio_postgres::Config::from_str(url).unwrap();
                let (client, connection) = config.connect(tokio_postgres::NoTls).await.unwrap();
                tokio::spawn(connection);
                client.batch_execute(statements).await.unwrap();
            }),
        }
    }
}
