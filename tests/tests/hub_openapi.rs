//! `hub/openapi.yaml` against the running hub: every documented operation
//! answers (never the router's "no such route" or "method not allowed") with
//! a status the description lists, with and without a device token; methods
//! and paths it does not document are not served.

mod common;

use common::devices::Device;
use common::hub::HubProcess;
use common::raw_http::{request, Answer};
use serde_json::Value;
use std::collections::BTreeSet;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn description() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../hub/openapi.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn is_routing_refusal(answer: &Answer) -> bool {
    answer.status == 405
        || (answer.status == 404 && answer.body.contains("no such route"))
        || answer.status == 0
}

#[test]
fn the_running_hub_serves_exactly_what_its_description_says() {
    let hub = HubProcess::start();
    let (_, code) = hub.create_team("Đội 1");
    let mut supervisor = Device::enroll("supervisor", &hub.url(), &code);
    let token = supervisor.token();
    let doc = description();
    let mut checked = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        let concrete = path.replace("{id}", &uuid::Uuid::now_v7().to_string());
        for method in METHODS {
            let Some(operation) = operations.get(method) else {
                let answer = request(hub.port(), &method.to_uppercase(), &concrete, None, None);
                assert_eq!(
                    answer.status, 405,
                    "{method} {path} is not documented: {answer:?}"
                );
                continue;
            };
            let documented: BTreeSet<u16> = operation["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.parse().unwrap())
                .collect();
            let body = (method == "post").then_some(&b"{}"[..]);
            for credential in [None, Some(token.as_str())] {
                let answer = request(
                    hub.port(),
                    &method.to_uppercase(),
                    &concrete,
                    credential,
                    body,
                );
                assert!(
                    !is_routing_refusal(&answer),
                    "{method} {path} is documented but not served: {answer:?}"
                );
                assert!(
                    documented.contains(&answer.status),
                    "{method} {path} answered {} which the description does not list ({documented:?})",
                    answer.status
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "every operation was called: {checked}");
    let unknown = request(hub.port(), "GET", "/v1/not-a-route", Some(&token), None);
    assert_eq!(unknown.status, 404, "{unknown:?}");
}
