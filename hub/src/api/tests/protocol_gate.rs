//! Apps older than the hub's oldest served protocol are told to update,
//! before the hub reads or writes anything for them.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use super::{device, hub_on, Backend, Hub};
use crate::storage::Role;
use fieldbook_proto::{paths, OLDEST_SERVED_PROTOCOL, PROTOCOL_HEADER};

api_suite!(sqlite, postgres; [
    an_outdated_app_is_told_to_update_and_changes_nothing,
]);

async fn send(h: &Hub, path: &str, token: &str, protocol: Option<&str>) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method("GET")
        .uri(format!("{path}?since=0&limit=10"))
        .header("authorization", format!("Bearer {token}"));
    if let Some(protocol) = protocol {
        req = req.header(PROTOCOL_HEADER, protocol);
    }
    let res = h
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn an_outdated_app_is_told_to_update_and_changes_nothing(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (id, token) = device(&h, team.id, Role::Outreach).await;
    let old = (OLDEST_SERVED_PROTOCOL - 1).to_string();

    let (status, body) = send(&h, paths::PULL, &token, Some(&old)).await;
    assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{body}");
    assert_eq!(body["error"], "update_required");
    assert!(body["message"].as_str().unwrap().contains("update the app"));
    // Refused before authentication did anything: the device was not seen.
    assert_eq!(h.storage.get_device(id).await.unwrap().last_seen_at, None);

    // The health check still answers it, so it can learn the hub's protocol.
    let (status, _) = send(&h, paths::HEALTH, &token, Some(&old)).await;
    assert_eq!(status, StatusCode::OK);
    // The current protocol, a newer one and none at all are served.
    for protocol in [
        Some(OLDEST_SERVED_PROTOCOL.to_string()),
        Some("99".into()),
        None,
    ] {
        let (status, body) = send(&h, paths::PULL, &token, protocol.as_deref()).await;
        assert_eq!(status, StatusCode::OK, "{protocol:?}: {body}");
    }
    let (status, body) = send(&h, paths::PULL, &token, Some("three")).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
}
