//! Two `fieldbook-hub` processes on one PostgreSQL, as stateless hubs behind
//! a load balancer: a device enrolled through one and a device enrolled
//! through the other share one team log, converge, and a revocation made
//! through one hub is obeyed by the other. The database is the real server of
//! `FIELDBOOK_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`),
//! in a schema of the test's own; unreachable, the test fails unless
//! `FIELDBOOK_SKIP_POSTGRES=1`.

mod common;

use std::str::FromStr;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use fieldbook_core::record::{DeviceId, RecordKind};
use fieldbook_core::store::Role;
use serde_json::json;

const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A schema for this test, dropped at the end; hubs reach it through `search_path`.
struct Schema {
    base_url: String,
    name: String,
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

async fn execute(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let config = tokio_postgres::Config::from_str(url).expect("not a PostgreSQL URL");
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    client.batch_execute(sql).await
}

impl Schema {
    fn create() -> Option<Schema> {
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
    fn hub_url(&self) -> String {
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

#[test]
fn two_hubs_on_one_postgres_serve_one_team() {
    let Some(schema) = Schema::create() else {
        return;
    };
    let hub_a = HubProcess::start_on_postgres(&schema.hub_url());
    let hub_b = HubProcess::start_on_postgres(&schema.hub_url());

    // The team is made through one hub's admin command, the invite is
    // registered through hub A and used through hub B.
    let (team_id, code) = hub_a.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub_a.url(), &code);
    let invite = supervisor.make_invite(Role::Outreach);
    let mut outreach = Device::enroll("outreach", &hub_b.url(), &invite);

    let clients: Vec<_> = (0..30)
        .map(|i| outreach.add(RecordKind::Client, json!({ "alias": format!("Khách {i}") })))
        .collect();
    for client in &clients[..10] {
        outreach.add(
            RecordKind::Contact,
            json!({ "client_id": client.to_string(), "at": "2026-11-30T08:00:00Z" }),
        );
    }
    assert_eq!(outreach.sync().pushed, 40);
    let pulled = supervisor.sync();
    assert_eq!(pulled.merged, 40, "{pulled:?}");

    // Concurrent edits through both hubs converge on both devices.
    supervisor.update(clients[0], json!({ "area": "Lê Chân" }));
    outreach.update(clients[0], json!({ "area": "Ngô Quyền" }));
    outreach.update(clients[1], json!({ "status": "inactive" }));
    supervisor.sync();
    outreach.sync();
    supervisor.sync();
    assert_eq!(supervisor.snapshot(), outreach.snapshot());

    // Both hubs read the same log: nothing lost, nothing twice.
    assert_eq!(hub_a.log_versions(&team_id), 43);
    assert_eq!(hub_b.log_versions(&team_id), 43);

    // Revoked through hub A, the device is wiped at its next contact with hub B.
    let revoked: DeviceId = outreach.device_id().parse().unwrap();
    fieldbook_core::sync::revoke_device(&mut supervisor.store, revoked).unwrap();
    let wiped = outreach.sync_with(&quick_options());
    assert!(wiped.wiped && !wiped.ok, "{wiped:?}");
}
