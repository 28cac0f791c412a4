//! A clock far in the future cannot win forever. A worker's phone stamps
//! its writes with the latest date a clock can show (a forged stamp looks the
//! same): the team sees its value until someone edits the field, the edit
//! then wins on every device although its stamp is smaller, the far-future
//! value stays visible as a conflict marked "clock ahead", and nobody's
//! clock is dragged into the future.

mod common;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use common::devices::Device;
use common::hub::HubProcess;
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::{CreateOptions, ManualClock, OpenOptions, Role};
use serde_json::json;

#[test]
fn a_far_future_stamp_wins_only_until_the_next_edit() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let code = supervisor.make_invite(Role::Outreach);
    let future = ManualClock::new(DateTime::<Utc>::MAX_UTC - Duration::days(1));
    let mut outreach = Device::try_enroll(
        "phone set to the end of time",
        &hub.url(),
        &code,
        CreateOptions {
            open: OpenOptions {
                clock: Arc::new(future),
                ..OpenOptions::for_tests()
            },
            ..CreateOptions::for_tests()
        },
    )
    .unwrap();

    let client = outreach.add(
        RecordKind::Client,
        json!({"alias": "Hoa", "area": "Lê Chân"}),
    );
    outreach.sync();
    supervisor.sync();
    assert_eq!(
        supervisor.store.get(client).unwrap().text("area"),
        Some("Lê Chân")
    );

    // The supervisor edits the field; its clock was not dragged along.
    supervisor.update(client, json!({"area": "Ngô Quyền"}));
    let history = supervisor.store.history(client).unwrap();
    let edit = history.iter().max_by_key(|h| h.written_at).unwrap();
    let mine = history
        .iter()
        .find(|h| h.changes.get("area").and_then(|v| v.as_str()) == Some("Ngô Quyền"))
        .unwrap();
    assert!(
        mine.written_at < Utc::now() + Duration::days(2),
        "the supervisor's clock was dragged: {}",
        mine.written_at
    );
    assert!(
        edit.written_at > Utc::now() + Duration::days(365),
        "the far-future write is kept"
    );
    assert_eq!(
        supervisor.store.get(client).unwrap().text("area"),
        Some("Ngô Quyền")
    );
    supervisor.sync();
    outreach.sync();
    for device in [&mut supervisor, &mut outreach] {
        let details = device.store.details(client).unwrap();
        assert_eq!(
            details.view.text("area"),
            Some("Ngô Quyền"),
            "{}",
            device.name
        );
        let conflict = details
            .conflict_details
            .iter()
            .find(|c| c.field == "area")
            .unwrap_or_else(|| panic!("{}: the far-future value is not shown", device.name));
        assert_eq!(conflict.losing_values.len(), 1);
        assert_eq!(conflict.losing_values[0].value, json!("Lê Chân"));
        assert!(conflict.losing_values[0].clock_ahead, "{}", device.name);
    }
    assert_eq!(supervisor.snapshot(), outreach.snapshot());
}
