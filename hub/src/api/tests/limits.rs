//! What the router lets a caller send: every route that takes a token
//! answers 401 without reading the body; bodies on routes without a token
//! are limited to a few KiB; enrollment attempts are limited per address.

use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use http_body::{Frame, SizeHint};
use serde_json::json;
use tower::ServiceExt;
use uuid::Uuid;

use super::{call, device, enroll_body, hub_on, Backend, Hub};
use crate::api::{router_with, EnrollRateLimit, UNAUTHENTICATED_BODY_LIMIT};
use crate::storage::Role;
use fieldbook_proto::endpoint::Call;
use fieldbook_proto::paths;

api_suite!(sqlite, postgres; [
    every_route_with_a_token_answers_401_before_reading_the_body,
    bodies_without_a_token_are_limited_to_a_few_kib,
    enrollment_attempts_are_limited_per_address,
]);

/// A body announced at `len` bytes that never sends any, counting how often
/// it was asked for some.
struct NeverBody {
    len: u64,
    polls: Arc<AtomicUsize>,
}

impl http_body::Body for NeverBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        Poll::Pending
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

async fn every_route_with_a_token_answers_401_before_reading_the_body(h: Hub) {
    let mut checked = 0;
    for call in Call::ALL.iter().filter(|c| c.statuses().contains(&401)) {
        let path = call.path().replace("{id}", &Uuid::now_v7().to_string());
        for token in [None, Some("bWFkZS11cA==")] {
            let polls = Arc::new(AtomicUsize::new(0));
            let body = NeverBody {
                len: 15 * 1024 * 1024,
                polls: Arc::clone(&polls),
            };
            let mut req = Request::builder()
                .method(call.method().as_str().to_uppercase().as_str())
                .uri(&path)
                .header("content-type", "application/json")
                .header("content-length", 15 * 1024 * 1024);
            if let Some(t) = token {
                req = req.header("authorization", format!("Bearer {t}"));
            }
            let req = req.body(Body::new(body)).unwrap();
            let answer = tokio::time::timeout(Duration::from_secs(5), h.app.clone().oneshot(req))
                .await
                .unwrap_or_else(|_| panic!("{} {path} waited for the body", call.method().as_str()))
                .unwrap();
            assert_eq!(
                answer.status(),
                StatusCode::UNAUTHORIZED,
                "{} {path}",
                call.method().as_str()
            );
            assert_eq!(
                polls.load(Ordering::Relaxed),
                0,
                "{} {path} read the body",
                call.method().as_str()
            );
            checked += 1;
        }
    }
    assert!(checked >= 16, "{checked}");
}

async fn bodies_without_a_token_are_limited_to_a_few_kib(h: Hub) {
    // Announced over the limit: refused before a byte of it is read.
    let polls = Arc::new(AtomicUsize::new(0));
    let body = NeverBody {
        len: 16 * 1024 * 1024,
        polls: Arc::clone(&polls),
    };
    let req = Request::builder()
        .method("POST")
        .uri(paths::ENROLL)
        .header("content-type", "application/json")
        .header("content-length", 16 * 1024 * 1024)
        .body(Body::new(body))
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(5), h.app.clone().oneshot(req))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    assert_eq!(answer.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(polls.load(Ordering::Relaxed), 0);
    // Sent whole, just over the limit.
    let mut big = enroll_body(Uuid::now_v7(), b"verifier");
    big["label"] = json!("x".repeat(UNAUTHENTICATED_BODY_LIMIT));
    let (s, v, _) = call(&h.app, "POST", paths::ENROLL, None, Some(big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
    assert_eq!(v["error"], "payload_too_large");
    // Within the limit it is read (and this code is unknown).
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::ENROLL,
        None,
        Some(enroll_body(Uuid::now_v7(), b"verifier")),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");
    // A device with its token may send far more.
    let team = h.storage.create_team("A").await.unwrap();
    let (_, token) = device(&h, team.id, Role::Outreach).await;
    let padding = "x".repeat(64 * UNAUTHENTICATED_BODY_LIMIT);
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::PUSH,
        Some(&token),
        Some(json!({"versions": [], "padding": padding})),
    )
    .await;
    assert_ne!(s, StatusCode::PAYLOAD_TOO_LARGE, "{v}");
}

async fn enrollment_attempts_are_limited_per_address(h: Hub) {
    let app = router_with(
        h.storage.clone(),
        EnrollRateLimit {
            burst: 2,
            per_minute: 6,
        },
    );
    let post = |path: &'static str, from: &str, body: serde_json::Value| {
        let peer: SocketAddr = format!("{from}:40000").parse().unwrap();
        let mut req = Request::builder()
            .method("POST")
            .uri(path)
            .header("content-type", "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        app.clone().oneshot(req)
    };
    let attempt = |from: &str| post(paths::ENROLL, from, enroll_body(Uuid::now_v7(), b"v"));
    let look_up = |from: &str| {
        let body = json!({"invite_id": Uuid::now_v7(), "verifier": "dg==", "since": 0});
        post(paths::ENROLL_INVITE, from, body)
    };
    assert_eq!(
        look_up("192.0.2.1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        attempt("192.0.2.1").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let limited = attempt("192.0.2.1").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.headers()["retry-after"], "10");
    assert_eq!(
        limited.headers()[fieldbook_proto::PROTOCOL_HEADER],
        fieldbook_proto::PROTOCOL_VERSION.to_string().as_str()
    );
    // Looking an invite up checks a verifier too: it draws on the same bucket.
    assert_eq!(
        look_up("192.0.2.1").await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another address is not held back; health never is.
    assert_eq!(
        look_up("192.0.2.2").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        attempt("192.0.2.2").await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let (s, _, _) = call(&app, "GET", paths::HEALTH, None, None).await;
    assert_eq!(s, StatusCode::OK);
}
