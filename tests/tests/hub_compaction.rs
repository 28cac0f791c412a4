//! Log compaction through a real hub on loopback: an outreach worker edits
//! clients many times; the supervisor compacts; the hub's log shrinks; a
//! device enrolled afterwards and the worker who holds the old versions both
//! end with the supervisor's values; later edits still merge normally.

mod common;

use std::sync::atomic::AtomicBool;

use common::devices::{quick_options, Device};
use common::hub::HubProcess;
use common::Fieldbook;
use fieldbook_core::record::RecordKind;
use fieldbook_core::store::Role;
use fieldbook_core::sync::{self, CompactOptions, CompactSummary};
use serde_json::{json, Map, Value};

const EDITS: usize = 7;

fn compact(device: &mut Device, min_versions: usize) -> CompactSummary {
    let options = CompactOptions {
        sync: quick_options(),
        min_versions,
        ..Default::default()
    };
    let summary = sync::compact(&mut device.store, &options, &AtomicBool::new(false))
        .unwrap_or_else(|e| panic!("{} compact: {e}", device.name));
    assert!(summary.ok, "{} compact failed: {summary:?}", device.name);
    summary
}

/// A snapshot without version histories: values and conflicts per record.
fn values(device: &mut Device) -> Value {
    let mut snapshot = device.snapshot();
    let records = snapshot.as_object_mut().unwrap();
    for record in records.values_mut() {
        record.as_object_mut().unwrap().remove("versions");
    }
    snapshot
}

fn history_len(device: &mut Device, record: &str) -> usize {
    device.snapshot()[record]["versions"]
        .as_array()
        .unwrap()
        .len()
}

#[test]
fn compaction_shrinks_the_log_and_every_device_keeps_the_same_values() {
    let hub = HubProcess::start();
    let (team_id, code) = hub.create_team("Hải Phòng");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let mut outreach = supervisor.invite("outreach", Role::Outreach, &hub.url());

    // Three clients edited many times, one edited once (below the threshold).
    let mut clients = Vec::new();
    for (n, alias) in ["Hoa", "Tuấn", "Chị Lan"].into_iter().enumerate() {
        let id = outreach.add(
            RecordKind::Client,
            json!({"alias": alias, "sex": "female", "birth_year": 1990 + n}),
        );
        for edit in 0..EDITS {
            outreach.update(
                id,
                json!({"alias": format!("{alias} {edit}"), "notes": format!("lần {edit}")}),
            );
        }
        clients.push(id);
    }
    let quiet = outreach.add(
        RecordKind::Client,
        json!({"alias": "Minh", "sex": "male", "birth_year": 1985}),
    );
    outreach.update(quiet, json!({"notes": "một lần"}));
    outreach.sync();
    let before = 3 * (1 + EDITS) as u64 + 2;
    assert_eq!(hub.log_versions(&team_id), before);

    let summary = compact(&mut supervisor, 3);
    assert_eq!(summary.sync.merged as u64, before);
    assert_eq!(summary.merged_versions, 3);
    assert_eq!(summary.pushed, 3);
    assert_eq!(summary.dropped as u64, 3 * (1 + EDITS) as u64);
    assert!(summary.errors.is_empty(), "{summary:?}");
    // Each edited client is now one merged version; the quiet one keeps its two.
    assert_eq!(hub.log_versions(&team_id), 3 + 2);
    let expected = values(&mut supervisor);
    assert_eq!(expected.as_object().unwrap().len(), 4);

    // Nothing changed since: a second run merges and drops nothing.
    let again = compact(&mut supervisor, 3);
    assert_eq!((again.merged_versions, again.dropped), (0, 0));
    assert_eq!(hub.log_versions(&team_id), 5);

    // A device enrolled afterwards gets the same values from a shorter history.
    let mut newcomer = supervisor.invite("case-manager", Role::CaseManager, &hub.url());
    newcomer.sync();
    assert_eq!(values(&mut newcomer), expected);
    let first = clients[0].to_string();
    assert_eq!(history_len(&mut newcomer, &first), 1);
    assert_eq!(history_len(&mut supervisor, &first), 1 + EDITS);
    // The merged version does not make the supervisor look like an editor.
    let view = newcomer.store.get(clients[0]).unwrap();
    assert_eq!(view.updated_by.to_string(), outreach.device_id());
    let history = newcomer.store.history(clients[0]).unwrap();
    assert_eq!(history[0].device.to_string(), outreach.device_id());

    // The worker who holds the old versions converges too.
    outreach.sync();
    assert_eq!(values(&mut outreach), expected);

    // Later edits merge normally on top of the merged versions: a newer
    // value wins everywhere, and edits of different fields do not conflict.
    outreach.update(clients[0], json!({"alias": "Hoa sau"}));
    outreach.sync();
    newcomer.sync();
    newcomer.update(clients[0], json!({"notes": "ghi chú mới"}));
    newcomer.sync();
    for device in [&mut supervisor, &mut outreach, &mut newcomer] {
        device.sync();
    }
    let after = values(&mut supervisor);
    let first_values: &Map<String, Value> = after[&first]["values"].as_object().unwrap();
    assert_eq!(first_values["alias"], "Hoa sau");
    assert_eq!(first_values["notes"], "ghi chú mới");
    assert_eq!(after[&first]["conflicts"], json!([]));
    assert_eq!(values(&mut outreach), after);
    assert_eq!(values(&mut newcomer), after);

    // Compacting again folds the new edits in; everyone still agrees.
    let third = compact(&mut supervisor, 3);
    assert_eq!(third.merged_versions, 1);
    assert_eq!(third.dropped, 3);
    assert_eq!(hub.log_versions(&team_id), 5);
    for device in [&mut outreach, &mut newcomer] {
        device.sync();
        assert_eq!(values(device), after);
    }
}

#[test]
fn the_cli_refuses_compaction_on_a_device_that_is_not_a_supervisor() {
    let fb = Fieldbook::init_with(&["--role", "outreach"]);
    let run = fb.run(&["compact", "--json"]);
    assert!(!run.ok(), "{run:?}");
    assert!(run.stderr.contains("supervisor"), "{}", run.stderr);
    let run = fb.run(&["compact", "--min-versions", "1"]);
    assert!(!run.ok(), "{run:?}");
}
