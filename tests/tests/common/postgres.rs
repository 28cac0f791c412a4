//! A PostgreSQL schema of a test's own, in the real server of
//! `FIELDBOOK_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`),
//! dropped at the end; hubs reach it through `search_path`. Unreachable, a
//! test fails unless `FIELDBOOK_SKIP_POSTGRES=1`.

use std::str::FromStr;

const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

pub struct Schema {
    base_url: String,
    name: String,
}

pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

pub async fn execute(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let config = tokio_postgres::Config::from_str(url).expect("not a PostgreSQL URL");
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    client.batch_execute(sql).await
}

impl Schema {
    pub fn create() -> Option<Schema> {
        let base_url = std::env::var("FIELDBOOK_TEST_POSTGRES")
            .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_string());
        let name = format!("e2e_{}", uuid::Uuid::new_v4().simple());
        match block_on(execute(&base_url, &format!("CREATE SCHEMA {name}"))) {
            Ok(()) => Some(Schema { base_url, name }),
            Err(e) if std::env::var("FIELDBOOK_SKIP_POSTGRES").as_deref() == Ok("1") => {
                eprintln!("skipping (FIELDBOOK_SKIP_POSTGRES=1): {e}");
                None
            }
            Err(e) => {
                panic!("PostgreSQL is unreachable ({e}); set FIELDBOOK_SKIP_POSTGRES=1 to skip")
            }
        }
    }

    /// The URL the hubs get: the same database, this schema first on the path.
    pub fn hub_url(&self) -> String {
        let separator = if self.base_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options=-c%20search_path%3D{}",
            self.base_url, self.name
        )
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        let _ = block_on(execute(&self.base_url, &sql));
    }
}
