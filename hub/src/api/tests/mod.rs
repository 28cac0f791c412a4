//! The API through `tower::ServiceExt::oneshot`, every test on every storage
//! backend: a fresh SQLite file and a fresh schema in a real PostgreSQL
//! (see [`crate::storage::test_backends`]).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use uuid::Uuid;

use super::*;
use crate::storage::test_backends::Backend;
use crate::storage::{now, Invite, Role};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fieldbook_proto::paths;

struct Hub {
    storage: Arc<dyn HubStorage>,
    app: Router,
    /// Keeps the temporary file or schema until the test ends.
    _backend: Backend,
}

fn hub_on(backend: Backend) -> Hub {
    let storage = backend.storage();
    Hub {
        app: router(storage.clone()),
        storage,
        _backend: backend,
    }
}

/// One `#[tokio::test]` per API test and backend, each on a fresh store.
macro_rules! api_suite {
    ($($backend:ident),* ; $tests:tt) => {
        $( api_suite!(@backend $backend $tests); )*
    };
    (@backend $backend:ident [$($test:ident),* $(,)?]) => {
        mod $backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $test() {
                    let Some(backend) = super::Backend::$backend().await else { return };
                    super::$test(super::hub_on(backend)).await;
                }
            )*
        }
    };
}

mod compact;
mod encoding;
mod limits;
mod protocol_gate;

api_suite!(sqlite, postgres; [
    health_answers_without_auth,
    enroll_valid_wrong_verifier_and_reused_code,
    push_pull_paging_resume_and_idempotent_replay,
    wrong_role_push_is_refused_whole_and_leaves_no_trace,
    peer_leader_never_pulls_case_notes_but_cursor_advances,
    teams_are_isolated,
    devices_list_revoke_and_revoked_device_is_told_to_wipe,
    malformed_json_oversize_batch_and_unknown_routes_answer_json,
    keys_put_and_get_and_invites,
    serve_answers_health_over_tcp,
]);

async fn call(
    app: &Router,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value, usize) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    let req = match body {
        Some(b) => req
            .header("content-type", "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(
        res.headers()[fieldbook_proto::PROTOCOL_HEADER],
        fieldbook_proto::PROTOCOL_VERSION.to_string().as_str()
    );
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, v, bytes.len())
}

async fn invite(h: &Hub, team: Uuid, role: Role, verifier: &[u8]) -> Uuid {
    let id = Uuid::now_v7();
    h.storage
        .create_invite(&Invite {
            id,
            team_id: team,
            role,
            verifier_hash: Sha256::digest(verifier).into(),
            key_bundle: Some(vec![7; 10]),
            created_by: None,
            created_at: now(),
            expires_at: now() + chrono::Duration::days(1),
            used_at: None,
        })
        .await
        .unwrap();
    id
}

fn enroll_body(id: Uuid, verifier: &[u8]) -> Value {
    json!({"invite_id": id, "verifier": STANDARD.encode(verifier), "public_key": STANDARD.encode([1u8; 32]), "label": "phone"})
}

/// Enrolls a device of `role` in `team`; returns (device id, token).
async fn device(h: &Hub, team: Uuid, role: Role) -> (Uuid, String) {
    let id = invite(h, team, role, b"verifier").await;
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(id, b"verifier")),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    (
        v["device_id"].as_str().unwrap().parse().unwrap(),
        v["token"].as_str().unwrap().to_owned(),
    )
}

fn version(kind: &str, class: &str) -> Value {
    json!({"version_id": Uuid::now_v7(), "record_id": Uuid::now_v7(), "kind": kind, "key_class": class, "key_epoch": 1, "body": STANDARD.encode([9u8; 40])})
}

async fn health_answers_without_auth(h: Hub) {
    let (s, v, _) = call(&h.app, "GET", paths::HEALTH, None, None).await;
    assert_eq!(s, StatusCode::OK);
    let backend = h.storage.backend();
    assert!(["sqlite", "postgres"].contains(&backend));
    assert_eq!(
        v,
        json!({"status": "ok", "protocol": fieldbook_proto::PROTOCOL_VERSION, "backend": backend})
    );
}

async fn enroll_valid_wrong_verifier_and_reused_code(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let id = invite(&h, team.id, Role::Outreach, b"good").await;
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(id, b"bad")),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_code"))
    );
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(id, b"good")),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["role"], "outreach");
    assert_eq!(v["team_name"], "A");
    assert_eq!(v["key_epoch"], 1);
    assert_eq!(v["key_bundle"], STANDARD.encode([7u8; 10]));
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(id, b"good")),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_code"))
    );
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(Uuid::now_v7(), b"good")),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("invalid_code"))
    );
}

async fn push_pull_paging_resume_and_idempotent_replay(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let (_, reader) = device(&h, team.id, Role::Supervisor).await;
    let batch: Vec<Value> = (0..5).map(|_| version("contact", "outreach")).collect();
    let push = json!({"versions": batch});
    let (s, v, _) = call(&h.app, "POST", paths::PUSH, Some(&tok), Some(push.clone())).await;
    assert_eq!(
        (s, v),
        (StatusCode::OK, json!({"stored": 5, "duplicates": 0}))
    );
    let (s, v, _) = call(&h.app, "POST", paths::PUSH, Some(&tok), Some(push)).await;
    assert_eq!(
        (s, v),
        (StatusCode::OK, json!({"stored": 0, "duplicates": 5}))
    );
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 5);

    // The pusher is not sent its own versions back, but its cursor moves past them.
    let (_, own, _) = call(&h.app, "GET", paths::PULL, Some(&tok), None).await;
    assert!(own["versions"].as_array().unwrap().is_empty(), "{own}");
    assert_eq!(
        own["next"].as_i64().unwrap(),
        h.storage.log_stats(team.id).await.unwrap().max_seq
    );

    let tok = reader;
    let (_, p1, _) = call(
        &h.app,
        "GET",
        "/v1/sync/pull?since=0&limit=3",
        Some(&tok),
        None,
    )
    .await;
    assert_eq!(p1["versions"].as_array().unwrap().len(), 3);
    assert_eq!(p1["more"], true);
    let next = p1["next"].as_u64().unwrap();
    let (_, p2, _) = call(
        &h.app,
        "GET",
        &format!("/v1/sync/pull?since={next}&limit=3"),
        Some(&tok),
        None,
    )
    .await;
    assert_eq!(p2["versions"].as_array().unwrap().len(), 2);
    assert_eq!(p2["more"], false);
    assert_eq!(p2["versions"][0]["body"], batch[3]["body"]);
    let next = p2["next"].as_u64().unwrap();
    let (s, p3, len) = call(
        &h.app,
        "GET",
        &format!("/v1/sync/pull?since={next}"),
        Some(&tok),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(p3["versions"].as_array().unwrap().is_empty());
    assert!(len < 1024);
}

async fn wrong_role_push_is_refused_whole_and_leaves_no_trace(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let before = h.storage.log_stats(team.id).await.unwrap();
    let push =
        json!({"versions": [version("client", "outreach"), version("case_note", "case_notes")]});
    let (s, v, _) = call(&h.app, "POST", paths::PUSH, Some(&tok), Some(push)).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden_kind"))
    );
    assert_eq!(h.storage.log_stats(team.id).await.unwrap(), before);
    let mismatch = json!({"versions": [version("client", "case_notes")]});
    let (s, _, _) = call(&h.app, "POST", paths::PUSH, Some(&tok), Some(mismatch)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let unknown = json!({"versions": [version("diary", "outreach")]});
    let (s, _, _) = call(&h.app, "POST", paths::PUSH, Some(&tok), Some(unknown)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

async fn peer_leader_never_pulls_case_notes_but_cursor_advances(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, cm) = device(&h, team.id, Role::CaseManager).await;
    let (_, pl) = device(&h, team.id, Role::PeerLeader).await;
    let push =
        json!({"versions": [version("client", "outreach"), version("case_note", "case_notes")]});
    let (s, _, _) = call(&h.app, "POST", paths::PUSH, Some(&cm), Some(push)).await;
    assert_eq!(s, StatusCode::OK);
    let (_, v, _) = call(&h.app, "GET", paths::PULL, Some(&pl), None).await;
    let vs = v["versions"].as_array().unwrap();
    assert_eq!(vs.len(), 1);
    assert!(vs.iter().all(|x| x["key_class"] != "case_notes"));
    assert_eq!(
        v["next"].as_i64().unwrap(),
        h.storage.log_stats(team.id).await.unwrap().max_seq
    );
    let (_, sup) = device(&h, team.id, Role::Supervisor).await;
    let (_, v, _) = call(&h.app, "GET", paths::PULL, Some(&sup), None).await;
    assert_eq!(v["versions"].as_array().unwrap().len(), 2);
}

async fn teams_are_isolated(h: Hub) {
    let a = h.storage.create_team("A").await.unwrap();
    let b = h.storage.create_team("B").await.unwrap();
    let (a_dev, a_tok) = device(&h, a.id, Role::Outreach).await;
    let (_, b_sup) = device(&h, b.id, Role::Supervisor).await;
    call(
        &h.app,
        "POST",
        paths::PUSH,
        Some(&a_tok),
        Some(json!({"versions": [version("client", "outreach")]})),
    )
    .await;
    let (_, v, _) = call(&h.app, "GET", paths::PULL, Some(&b_sup), None).await;
    assert!(v["versions"].as_array().unwrap().is_empty());
    let (s, _, _) = call(
        &h.app,
        "POST",
        &format!("/v1/devices/{a_dev}/revoke"),
        Some(&b_sup),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, v, _) = call(&h.app, "GET", paths::DEVICES, Some(&b_sup), None).await;
    assert_eq!(v.as_array().unwrap().len(), 1);
}

async fn devices_list_revoke_and_revoked_device_is_told_to_wipe(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, sup) = device(&h, team.id, Role::Supervisor).await;
    let (out_id, out) = device(&h, team.id, Role::Outreach).await;
    let (s, v, _) = call(&h.app, "GET", paths::DEVICES, Some(&out), None).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (s, v, _) = call(&h.app, "GET", paths::DEVICES, Some(&sup), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v.as_array().unwrap().len(), 2);
    let (s, _, _) = call(
        &h.app,
        "POST",
        &format!("/v1/devices/{out_id}/revoke"),
        Some(&out),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = call(
        &h.app,
        "POST",
        &format!("/v1/devices/{out_id}/revoke"),
        Some(&sup),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v, _) = call(&h.app, "GET", paths::PULL, Some(&out), None).await;
    assert_eq!(s, StatusCode::GONE);
    assert_eq!(v["error"], "device_revoked");
    assert_eq!(v["wipe"], true);
    let (s, v, _) = call(&h.app, "GET", paths::PULL, Some("nope"), None).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthorized"))
    );
}

async fn malformed_json_oversize_batch_and_unknown_routes_answer_json(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let req = Request::post(paths::PUSH)
        .header("authorization", format!("Bearer {tok}"))
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let res = h.app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let v: Value =
        serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(v["error"], "invalid_request");
    let big: Vec<Value> = (0..1001).map(|_| version("client", "outreach")).collect();
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::PUSH,
        Some(&tok),
        Some(json!({"versions": big})),
    )
    .await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let mut fat = version("client", "outreach");
    fat["body"] = json!(STANDARD.encode(vec![0u8; 64 * 1024 + 1]));
    let (s, _, _) = call(
        &h.app,
        "POST",
        paths::PUSH,
        Some(&tok),
        Some(json!({"versions": [fat]})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(h.storage.log_stats(team.id).await.unwrap().versions, 0);
    let (s, v, _) = call(&h.app, "GET", "/v1/nothing", None, None).await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, v, _) = call(&h.app, "DELETE", paths::HEALTH, None, None).await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(v["error"], "method_not_allowed");
}

async fn keys_put_and_get_and_invites(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let other = h.storage.create_team("B").await.unwrap();
    let (sup_id, sup) = device(&h, team.id, Role::Supervisor).await;
    let (out_id, out) = device(&h, team.id, Role::Outreach).await;
    let (stranger, _) = device(&h, other.id, Role::Outreach).await;
    let env = |d: Uuid, c: &str| json!({"device_id": d, "key_class": c, "epoch": 2, "wrapped": STANDARD.encode([3u8; 48])});
    let put = json!({"epoch": 2, "envelopes": [env(sup_id, "outreach"), env(sup_id, "case_notes"), env(out_id, "outreach")]});
    let (s, _, _) = call(&h.app, "POST", paths::KEYS, Some(&out), Some(put.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = call(&h.app, "POST", paths::KEYS, Some(&sup), Some(put)).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, v, _) = call(&h.app, "GET", paths::KEYS, Some(&out), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["key_epoch"], 2);
    assert_eq!(v["envelopes"].as_array().unwrap().len(), 1);
    let bad = json!({"epoch": 3, "envelopes": [env(stranger, "outreach")]});
    let bad = json!({"epoch": 2, "envelopes": bad["envelopes"]});
    let (s, _, _) = call(&h.app, "POST", paths::KEYS, Some(&sup), Some(bad)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let verifier = b"v2";
    let inv = json!({"invite_id": Uuid::now_v7(), "role": "case-manager",
        "verifier_hash": STANDARD.encode(Sha256::digest(verifier)), "key_bundle": STANDARD.encode([5u8; 20]),
        "expires_at": now() + chrono::Duration::days(2)});
    let (s, _, _) = call(
        &h.app,
        "POST",
        paths::INVITES,
        Some(&out),
        Some(inv.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = call(
        &h.app,
        "POST",
        paths::INVITES,
        Some(&sup),
        Some(inv.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let id: Uuid = inv["invite_id"].as_str().unwrap().parse().unwrap();
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(id, verifier)),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["role"], "case-manager");
    assert_eq!(v["key_epoch"], 2);
    let mut late = inv.clone();
    late["invite_id"] = json!(Uuid::now_v7());
    late["expires_at"] = json!(now() + chrono::Duration::days(31));
    let (s, _, _) = call(&h.app, "POST", paths::INVITES, Some(&sup), Some(late)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
}

async fn serve_answers_health_over_tcp(h: Hub) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::server::serve(listener, h.app.clone(), None, async {
        let _ = stopped.await;
    }));
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(b"GET /v1/health HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    tcp.read_to_string(&mut out).await.unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains(&format!(
        "fieldbook-protocol: {}",
        fieldbook_proto::PROTOCOL_VERSION
    )));
    assert!(out.contains(&format!("\"backend\":\"{}\"", h.storage.backend())));
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(crate::server::check_listen("0.0.0.0:1".parse().unwrap(), false).is_err());
    assert!(crate::server::check_listen("127.0.0.1:1".parse().unwrap(), false).is_ok());
}

#[test]
fn openapi_documents_exactly_the_routes_and_their_statuses() {
    use std::collections::BTreeSet;
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml")).unwrap();
    let doc: Value = serde_norway::from_str(&text).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            let statuses: BTreeSet<u16> = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .map(|k| k.parse().unwrap())
                .collect();
            let call = Call::ALL
                .iter()
                .find(|c| c.method().as_str() == method && c.path() == path)
                .unwrap_or_else(|| panic!("{method} {path} documented but not routed"));
            let listed: BTreeSet<u16> = call.statuses().iter().copied().collect();
            assert_eq!(statuses, listed, "{method} {path}");
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = Call::ALL
        .iter()
        .map(|c| (c.method().as_str().to_owned(), c.path().to_owned()))
        .collect();
    assert_eq!(documented, routed);
}
