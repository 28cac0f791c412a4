//! `POST /v1/sync/compact`, on every storage backend like the other API tests.

use axum::http::StatusCode;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use uuid::Uuid;

use super::{call, device, hub_on, Backend, Hub};
use crate::storage::Role;
use fieldbook_proto::paths;

api_suite!(sqlite, postgres; [
    a_supervisor_drops_the_versions_a_merged_version_supersedes,
    only_supervisors_compact_within_limits_and_known_versions,
]);

async fn post(h: &Hub, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let (status, value, _) = call(&h.app, "POST", path, token, Some(body)).await;
    (status, value)
}

/// Pushes one client version of `record`; returns its id.
async fn push(h: &Hub, token: &str, record: Uuid) -> Uuid {
    let id = Uuid::now_v7();
    let version = json!({"version_id": id, "record_id": record, "kind": "client", "key_class": "outreach", "key_epoch": 1, "body": STANDARD.encode([9u8; 40])});
    let (s, v) = post(h, paths::PUSH, Some(token), json!({"versions": [version]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

fn request(record: Uuid, keep: Uuid, drop: &[Uuid]) -> Value {
    json!({"compactions": [{"record_id": record, "keep_version_id": keep, "drop_version_ids": drop}]})
}

async fn a_supervisor_drops_the_versions_a_merged_version_supersedes(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let outreach = device(&h, team.id, Role::Outreach).await.1;
    let supervisor = device(&h, team.id, Role::Supervisor).await.1;
    let record = Uuid::now_v7();
    let other = Uuid::now_v7();
    let mut old = Vec::new();
    for _ in 0..4 {
        old.push(push(&h, &outreach, record).await);
    }
    let untouched = push(&h, &outreach, other).await;
    let merged = push(&h, &supervisor, record).await;
    let later = push(&h, &outreach, record).await;
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 7);

    // Named versions of another record, newer ones and the kept one stay.
    let mut named = old.clone();
    named.extend([untouched, later, merged]);
    let (s, v) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &named),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 4})));
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 3);

    // Again: nothing left to drop. A dropped version pushed again is a duplicate.
    let (s, v) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &old),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 0})));
    let version = json!({"version_id": old[0], "record_id": record, "kind": "client", "key_class": "outreach", "key_epoch": 1, "body": STANDARD.encode([9u8; 40])});
    let (s, v) = post(
        &h,
        paths::PUSH,
        Some(&outreach),
        json!({"versions": [version]}),
    )
    .await;
    assert_eq!(
        (s, v),
        (StatusCode::OK, json!({"stored": 0, "duplicates": 1}))
    );
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 3);
}

async fn only_supervisors_compact_within_limits_and_known_versions(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let other_team = h.storage.create_team("B").await.unwrap();
    let outreach = device(&h, team.id, Role::Outreach).await.1;
    let supervisor = device(&h, team.id, Role::Supervisor).await.1;
    let stranger = device(&h, other_team.id, Role::Supervisor).await.1;
    let record = Uuid::now_v7();
    let old = push(&h, &outreach, record).await;
    let merged = push(&h, &supervisor, record).await;
    let body = request(record, merged, &[old]);

    let (s, v) = post(&h, paths::COMPACT, None, body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (s, v) = post(&h, paths::COMPACT, Some(&outreach), body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    // Another team's supervisor cannot reach this team's log.
    let (s, v) = post(&h, paths::COMPACT, Some(&stranger), body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, _) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        request(record, Uuid::now_v7(), &[old]),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": [], "extra": 1}),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (s, _) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": [{"record_id": "nope", "keep_version_id": merged, "drop_version_ids": []}]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let entries: Vec<Value> = (0..=fieldbook_proto::sync::MAX_COMPACT_ENTRIES)
        .map(|_| json!({"record_id": record, "keep_version_id": merged, "drop_version_ids": []}))
        .collect();
    let (s, _) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": entries}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let drops = vec![old; fieldbook_proto::sync::MAX_COMPACT_DROPS + 1];
    let (s, _) = post(
        &h,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &drops),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 2);

    let (s, v) = post(&h, paths::COMPACT, Some(&supervisor), body).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 1})));
}
