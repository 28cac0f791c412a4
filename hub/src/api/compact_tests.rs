//! `POST /v1/sync/compact` against SQLite in a temp dir, through `oneshot`.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use uuid::Uuid;

use super::*;
use crate::storage::{now, Invite, Role, SqliteStorage};

struct Hub {
    _dir: tempfile::TempDir,
    storage: Arc<dyn HubStorage>,
    app: Router,
}

fn hub() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let storage: Arc<dyn HubStorage> =
        Arc::new(SqliteStorage::open(dir.path().join("hub.db")).unwrap());
    Hub {
        _dir: dir,
        app: router(storage.clone()),
        storage,
    }
}

async fn call(app: &Router, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = Request::builder().method("POST").uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = req
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, v)
}

/// Enrolls a device of `role` in `team`; returns its token.
async fn device(h: &Hub, team: Uuid, role: Role) -> String {
    let id = Uuid::now_v7();
    h.storage
        .create_invite(&Invite {
            id,
            team_id: team,
            role,
            verifier_hash: Sha256::digest(b"verifier").into(),
            key_bundle: Some(vec![7; 10]),
            created_by: None,
            created_at: now(),
            expires_at: now() + chrono::Duration::days(1),
            used_at: None,
        })
        .await
        .unwrap();
    let body = json!({"invite_id": id, "verifier": STANDARD.encode(b"verifier"), "public_key": STANDARD.encode([1u8; 32]), "label": "phone"});
    let (s, v) = call(&h.app, paths::ENROLL, None, body).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v["token"].as_str().unwrap().to_owned()
}

/// Pushes one client version of `record`; returns its id.
async fn push(h: &Hub, token: &str, record: Uuid) -> Uuid {
    let id = Uuid::now_v7();
    let version = json!({"version_id": id, "record_id": record, "kind": "client", "key_class": "outreach", "key_epoch": 1, "body": STANDARD.encode([9u8; 40])});
    let (s, v) = call(
        &h.app,
        paths::PUSH,
        Some(token),
        json!({"versions": [version]}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    id
}

fn request(record: Uuid, keep: Uuid, drop: &[Uuid]) -> Value {
    json!({"compactions": [{"record_id": record, "keep_version_id": keep, "drop_version_ids": drop}]})
}

#[tokio::test]
async fn a_supervisor_drops_the_versions_a_merged_version_supersedes() {
    let h = hub();
    let team = h.storage.create_team("A").await.unwrap();
    let outreach = device(&h, team.id, Role::Outreach).await;
    let supervisor = device(&h, team.id, Role::Supervisor).await;
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
    let (s, v) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &named),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 4})));
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 3);

    // Again: nothing left to drop. A dropped version pushed again is a duplicate.
    let (s, v) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &old),
    )
    .await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 0})));
    let version = json!({"version_id": old[0], "record_id": record, "kind": "client", "key_class": "outreach", "key_epoch": 1, "body": STANDARD.encode([9u8; 40])});
    let (s, v) = call(
        &h.app,
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

#[tokio::test]
async fn only_supervisors_compact_within_limits_and_known_versions() {
    let h = hub();
    let team = h.storage.create_team("A").await.unwrap();
    let other_team = h.storage.create_team("B").await.unwrap();
    let outreach = device(&h, team.id, Role::Outreach).await;
    let supervisor = device(&h, team.id, Role::Supervisor).await;
    let stranger = device(&h, other_team.id, Role::Supervisor).await;
    let record = Uuid::now_v7();
    let old = push(&h, &outreach, record).await;
    let merged = push(&h, &supervisor, record).await;
    let body = request(record, merged, &[old]);

    let (s, v) = call(&h.app, paths::COMPACT, None, body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
    let (s, v) = call(&h.app, paths::COMPACT, Some(&outreach), body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    // Another team's supervisor cannot reach this team's log.
    let (s, v) = call(&h.app, paths::COMPACT, Some(&stranger), body.clone()).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, _) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        request(record, Uuid::now_v7(), &[old]),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": [], "extra": 1}),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (s, _) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": [{"record_id": "nope", "keep_version_id": merged, "drop_version_ids": []}]}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let entries: Vec<Value> = (0..=fieldbook_proto::sync::MAX_COMPACT_ENTRIES)
        .map(|_| json!({"record_id": record, "keep_version_id": merged, "drop_version_ids": []}))
        .collect();
    let (s, _) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        json!({"compactions": entries}),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let drops = vec![old; fieldbook_proto::sync::MAX_COMPACT_DROPS + 1];
    let (s, _) = call(
        &h.app,
        paths::COMPACT,
        Some(&supervisor),
        request(record, merged, &drops),
    )
    .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 2);

    let (s, v) = call(&h.app, paths::COMPACT, Some(&supervisor), body).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"dropped": 1})));
}
