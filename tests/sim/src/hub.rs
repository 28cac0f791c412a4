//! The hub of a simulated team: the real axum router over real storage,
//! SQLite in a temporary directory or (the long mode) a fresh schema in the
//! PostgreSQL named by `FIELDBOOK_TEST_POSTGRES`. Requests are handed to the
//! router directly, on the simulation's thread; a crash drops the router
//! and the storage and opens them again from what was committed.
//!
//! The hub reads the wall clock (invite expiry, when a device was last
//! seen); no invariant depends on it, and simulated time stays within days
//! of it (see [`crate::clock`]).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use axum::body::Body;
use axum::http::Request;
use axum::Router;
use fieldbook_hub::admin;
use fieldbook_hub::api::router;
use fieldbook_hub::storage::{HubStorage, PostgresStorage, SqliteStorage, StoredVersion};
use fieldbook_proto::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use http_body_util::BodyExt;
use tokio::runtime::Runtime;
use tower::ServiceExt;
use uuid::Uuid;

use fieldbook_core::sync::HubResponse;

use crate::task::WireRequest;

/// Where the hub keeps its state.
#[derive(Debug, Clone)]
pub enum Backend {
    /// A file in the run's temporary directory.
    Sqlite,
    /// A PostgreSQL URL; each schedule gets a schema of its own.
    Postgres(String),
}

impl Backend {
    /// PostgreSQL when `FIELDBOOK_TEST_POSTGRES` is set, else SQLite.
    pub fn from_env() -> Backend {
        match std::env::var("FIELDBOOK_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Backend::Postgres(url),
            _ => Backend::Sqlite,
        }
    }
}

enum Place {
    Sqlite(PathBuf),
    Postgres { url: String, schema: String },
}

/// The simulated team's hub: the real router over real storage, called without sockets.
pub struct SimHub {
    place: Place,
    storage: Arc<dyn HubStorage>,
    app: Router,
    /// The simulated team's id.
    pub team: Uuid,
}

impl SimHub {
    /// A hub with one new team; returns it and its first supervisor's code.
    pub fn start(rt: &Runtime, backend: &Backend, dir: &Path) -> (SimHub, String) {
        let place = match backend {
            Backend::Sqlite => Place::Sqlite(dir.join("hub.sqlite")),
            Backend::Postgres(url) => {
                let schema = format!("sim_{}", Uuid::new_v4().simple());
                rt.block_on(async {
                    let client = pg_client(url).await;
                    client
                        .batch_execute(&format!("CREATE SCHEMA {schema}"))
                        .await
                        .expect("creating the simulation's schema");
                });
                Place::Postgres {
                    url: url.clone(),
                    schema,
                }
            }
        };
        let storage = open(rt, &place);
        let team = rt
            .block_on(admin::create_team(storage.as_ref(), "Nhóm mô phỏng"))
            .expect("creating the team");
        let hub = SimHub {
            app: router(storage.clone()),
            storage,
            place,
            team: team.team.id,
        };
        (hub, team.code.to_text().as_str().to_string())
    }

    /// Answers one request through the router.
    pub fn handle(&self, rt: &Runtime, request: &WireRequest) -> HubResponse {
        let mut uri = request.path.clone();
        if !request.query.is_empty() {
            let pairs: Vec<String> = request
                .query
                .iter()
                .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
                .collect();
            uri = format!("{uri}?{}", pairs.join("&"));
        }
        let mut builder = Request::builder()
            .method(request.method.as_str())
            .uri(uri)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(token) = &request.token {
            builder = builder.header("authorization", format!("Bearer {token}"));
        }
        let body = match &request.body {
            Some(bytes) => {
                builder = builder.header("content-type", "application/json");
                Body::from(bytes.clone())
            }
            None => Body::empty(),
        };
        let http = builder.body(body).expect("a well-formed request");
        rt.block_on(async {
            let response = self
                .app
                .clone()
                .oneshot(http)
                .await
                .expect("the router is infallible");
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .expect("an in-memory body")
                .to_bytes()
                .to_vec();
            HubResponse { status, body }
        })
    }

    /// A crash: the router and storage go (nothing uncommitted survives) and
    /// the hub comes back from what its storage committed.
    pub fn restart(self, rt: &Runtime) -> SimHub {
        let SimHub {
            place,
            storage,
            app,
            team,
        } = self;
        drop(app);
        drop(storage);
        let storage = open(rt, &place);
        SimHub {
            app: router(storage.clone()),
            storage,
            place,
            team,
        }
    }

    /// The team's whole log, in seq order.
    pub fn log(&self, rt: &Runtime) -> Vec<StoredVersion> {
        let mut out = Vec::new();
        let mut since = 0;
        loop {
            let page = rt
                .block_on(self.storage.pull(self.team, since, 1000))
                .expect("reading the hub's log");
            since = page.next_cursor;
            let more = page.more;
            out.extend(page.versions);
            if !more {
                return out;
            }
        }
    }

    /// The storage, for checks that read what the hub holds.
    pub fn storage(&self) -> &dyn HubStorage {
        self.storage.as_ref()
    }

    /// Drops a PostgreSQL schema (SQLite's file goes with its directory).
    pub fn remove(self, rt: &Runtime) {
        if let Place::Postgres { url, schema } = &self.place {
            drop(self.app);
            drop(self.storage);
            rt.block_on(async {
                let client = pg_client(url).await;
                let _ = client
                    .batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .await;
            });
        }
    }
}

fn open(rt: &Runtime, place: &Place) -> Arc<dyn HubStorage> {
    match place {
        Place::Sqlite(path) => {
            Arc::new(SqliteStorage::open(path).expect("opening the hub's SQLite"))
        }
        Place::Postgres { url, schema } => {
            let mut config = tokio_postgres::Config::from_str(url)
                .expect("FIELDBOOK_TEST_POSTGRES is a PostgreSQL URL");
            config.options(format!("-c search_path={schema}"));
            Arc::new(
                rt.block_on(PostgresStorage::connect_with(config, 2))
                    .expect("connecting the hub to PostgreSQL"),
            )
        }
    }
}

async fn pg_client(url: &str) -> tokio_postgres::Client {
    let config =
        tokio_postgres::Config::from_str(url).expect("FIELDBOOK_TEST_POSTGRES is a PostgreSQL URL");
    let (client, connection) = config
        .connect(tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL is reachable");
    tokio::spawn(connection);
    client
}

/// Percent-encodes a query component (the client sends only numbers, but
/// the simulation must not rely on it).
fn percent(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
