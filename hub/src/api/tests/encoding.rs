//! zstd on the wire: answers compressed for clients that ask, request bodies
//! decoded under the body limit, and encoded bodies that are bombs, garbled
//! or in another coding refused with a clear answer.

use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{Request, Response, StatusCode};
use http_body::{Frame, SizeHint};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

use super::{call, device, enroll_body, hub_on, version, Backend, Hub};
use crate::api::{BODY_LIMIT, UNAUTHENTICATED_BODY_LIMIT};
use crate::storage::Role;
use fieldbook_proto::paths;

api_suite!(sqlite, postgres; [
    zstd_bodies_and_answers_carry_the_same_json,
    a_zstd_bomb_is_refused_at_the_decoded_limit_without_being_decoded_whole,
    a_garbled_zstd_body_is_refused_clearly_and_the_hub_keeps_serving,
    other_codings_and_endless_skippable_frames_are_refused,
]);

/// A body made of `frames`, handed out one per poll, counting the polls.
struct Frames {
    frames: Vec<Bytes>,
    polls: Arc<AtomicUsize>,
}

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.polls.fetch_add(1, Ordering::Relaxed);
        if self.frames.is_empty() {
            return Poll::Ready(None);
        }
        let next = self.frames.remove(0);
        Poll::Ready(Some(Ok(Frame::data(next))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.frames.iter().map(|f| f.len() as u64).sum())
    }
}

/// Sends `body` to `path` with the given headers; returns the raw answer.
async fn send(
    h: &Hub,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Body,
) -> Response<axum::body::Body> {
    let mut req = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let answer = h.app.clone().oneshot(req.body(body).unwrap());
    tokio::time::timeout(Duration::from_secs(30), answer)
        .await
        .expect("answered in time")
        .unwrap()
}

/// POSTs a zstd-encoded JSON `body` to `path`, with the bearer `auth` when given.
async fn post_zstd(
    h: &Hub,
    path: &str,
    auth: Option<&str>,
    body: Body,
) -> Response<axum::body::Body> {
    let mut headers = vec![
        ("content-type", "application/json"),
        ("content-encoding", "zstd"),
    ];
    if let Some(auth) = auth {
        headers.push(("authorization", auth));
    }
    send(h, "POST", path, &headers, body).await
}

impl Frames {
    /// A body of `frames` and the count of its polls.
    fn counted(frames: Vec<Bytes>) -> (Body, Arc<AtomicUsize>) {
        let polls = Arc::new(AtomicUsize::new(0));
        let body = Frames {
            frames,
            polls: Arc::clone(&polls),
        };
        (Body::new(body), polls)
    }
}

async fn json_of(res: Response<axum::body::Body>) -> Value {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn zstd_bodies_and_answers_carry_the_same_json(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let (_, reader) = device(&h, team.id, Role::Supervisor).await;
    let auth = bearer(&tok);
    let batch: Vec<Value> = (0..40).map(|_| version("contact", "outreach")).collect();
    let push = serde_json::to_vec(&json!({"versions": batch})).unwrap();
    let packed = zstd::bulk::compress(&push, 3).unwrap();
    assert!(packed.len() < push.len());
    let res = send(
        &h,
        "POST",
        paths::PUSH,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
            ("content-encoding", "zstd"),
            ("content-length", &packed.len().to_string()),
        ],
        Body::from(packed),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(json_of(res).await, json!({"stored": 40, "duplicates": 0}));

    // The same page, asked for compressed and not: the same JSON.
    let reader_auth = bearer(&reader);
    let plain = send(
        &h,
        "GET",
        paths::PULL,
        &[("authorization", &reader_auth)],
        Body::empty(),
    )
    .await;
    assert_eq!(plain.status(), StatusCode::OK);
    assert!(plain.headers().get("content-encoding").is_none());
    let plain = plain.into_body().collect().await.unwrap().to_bytes();
    assert!(plain.len() > 1024);
    let packed = send(
        &h,
        "GET",
        paths::PULL,
        &[
            ("authorization", &reader_auth),
            ("accept-encoding", "gzip, zstd"),
        ],
        Body::empty(),
    )
    .await;
    assert_eq!(packed.status(), StatusCode::OK);
    assert_eq!(packed.headers()["content-encoding"], "zstd");
    let packed = packed.into_body().collect().await.unwrap().to_bytes();
    assert!(
        packed.len() < plain.len(),
        "{} {}",
        packed.len(),
        plain.len()
    );
    let unpacked = zstd::decode_all(&packed[..]).unwrap();
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&unpacked).unwrap(),
        serde_json::from_slice(&plain).unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a["versions"].as_array().unwrap().len(), 40);

    // A small answer goes as it is, whatever the client accepts.
    let small = send(
        &h,
        "GET",
        paths::HEALTH,
        &[("accept-encoding", "zstd")],
        Body::empty(),
    )
    .await;
    assert_eq!(small.status(), StatusCode::OK);
    assert!(small.headers().get("content-encoding").is_none());
    assert_eq!(json_of(small).await["status"], "ok");
}

/// `copies` zstd frames, each of `each` zero bytes once decoded.
fn bomb(each: usize, copies: usize) -> Vec<Bytes> {
    let frame = Bytes::from(zstd::bulk::compress(&vec![0u8; each], 3).unwrap());
    vec![frame; copies]
}

async fn a_zstd_bomb_is_refused_at_the_decoded_limit_without_being_decoded_whole(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let auth = bearer(&tok);
    // 64 frames of 64 MiB: 4 GiB decoded from about a hundred KiB.
    let frames = bomb(64 * 1024 * 1024, 64);
    let wire: usize = frames.iter().map(Bytes::len).sum();
    assert!(wire < 256 * 1024, "{wire}");
    let (body, polls) = Frames::counted(frames);
    let res = post_zstd(&h, paths::PUSH, Some(&auth), body).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_of(res).await["error"], "payload_too_large");
    // Decoding stopped at the 16 MiB limit, inside the first 64 MiB frame:
    // the rest of the bomb was never read, let alone decoded.
    const { assert!(BODY_LIMIT < 64 * 1024 * 1024) };
    assert!(polls.load(Ordering::Relaxed) <= 2, "{polls:?}");

    // Without a token: 401, and not a byte of it read.
    let (body, polls) = Frames::counted(bomb(64 * 1024 * 1024, 4));
    let res = post_zstd(&h, paths::PUSH, None, body).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(polls.load(Ordering::Relaxed), 0);

    // Enrollment's few KiB hold for the decoded body too.
    let mut big = enroll_body(Uuid::now_v7(), b"verifier");
    big["label"] = json!("x".repeat(4 * UNAUTHENTICATED_BODY_LIMIT));
    let packed = zstd::bulk::compress(&serde_json::to_vec(&big).unwrap(), 3).unwrap();
    assert!(packed.len() < UNAUTHENTICATED_BODY_LIMIT);
    let res = post_zstd(&h, paths::ENROLL, None, Body::from(packed)).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

async fn a_garbled_zstd_body_is_refused_clearly_and_the_hub_keeps_serving(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let auth = bearer(&tok);
    let push = serde_json::to_vec(&json!({"versions": [version("contact", "outreach")]})).unwrap();
    let packed = zstd::bulk::compress(&push, 3).unwrap();
    let garbled: [Vec<u8>; 3] = [
        push.clone(),                        // not zstd at all
        packed[..packed.len() / 2].to_vec(), // cut off
        vec![0x28, 0xb5, 0x2f, 0xfd, 0xff],  // a frame header and then nonsense
    ];
    for body in garbled {
        let res = post_zstd(&h, paths::PUSH, Some(&auth), Body::from(body)).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let v = json_of(res).await;
        assert_eq!(v["error"], "invalid_request", "{v}");
        assert!(
            v["message"].as_str().unwrap().contains("not valid zstd"),
            "{v}"
        );
    }
    // The hub still serves, this device too.
    let (s, v, _) = call(
        &h.app,
        "POST",
        paths::PUSH,
        Some(&tok),
        Some(json!({"versions": [version("contact", "outreach")]})),
    )
    .await;
    assert_eq!((s, v["stored"].as_u64()), (StatusCode::OK, Some(1)));
    let (s, _, _) = call(&h.app, "GET", paths::HEALTH, None, None).await;
    assert_eq!(s, StatusCode::OK);
}

async fn other_codings_and_endless_skippable_frames_are_refused(h: Hub) {
    let team = h.storage.create_team("A").await.unwrap();
    let (_, tok) = device(&h, team.id, Role::Outreach).await;
    let auth = bearer(&tok);
    let push = serde_json::to_vec(&json!({"versions": [version("contact", "outreach")]})).unwrap();
    let res = send(
        &h,
        "POST",
        paths::PUSH,
        &[
            ("authorization", &auth),
            ("content-type", "application/json"),
            ("content-encoding", "gzip"),
        ],
        Body::from(push),
    )
    .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["accept-encoding"], "zstd");
    let v = json_of(res).await;
    assert!(v["message"].as_str().unwrap().contains("zstd"), "{v}");

    // Skippable frames decode to nothing: the bytes read off the wire are
    // held to the limit as well.
    let mut skippable = vec![0x50, 0x2a, 0x4d, 0x18];
    skippable.extend_from_slice(&(1024u32 * 1024 - 8).to_le_bytes());
    skippable.resize(1024 * 1024, 0);
    let frames = vec![Bytes::from(skippable); BODY_LIMIT / (1024 * 1024) + 2];
    let (body, _) = Frames::counted(frames);
    let res = post_zstd(&h, paths::PUSH, Some(&auth), body).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_of(res).await["error"], "payload_too_large");
}
