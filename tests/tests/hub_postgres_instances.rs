//! Two `fieldbook-hub` processes on one PostgreSQL, as stateless hubs behind
//! a load balancer: a device enrolled through one and a device enrolled
//! through the other share one team log, converge, and a revocation made
//! through one hub is obeyed by the other. The database is a schema of the
//! test's own (see `common::postgres`).

mod common;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use common::postgres::Schema;
use fieldbook_core::record::{DeviceId, RecordKind};
use fieldbook_core::store::Role;
use serde_json::json;

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
