//! The hub's HTTP API: an axum router over `Arc<dyn HubStorage>`.

mod auth;
mod body_limit;
mod compact;
mod devices;
mod enroll;
mod error;
mod health;
mod invites;
mod keys;
mod protocol_gate;
mod rate_limit;
mod roster;
mod sync;
#[cfg(test)]
mod tests;
mod typed;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{self, MethodRouter};
use axum::Router;
use fieldbook_proto::endpoint::Call;
use fieldbook_proto::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use tower_http::compression::predicate::SizeAbove;
use tower_http::compression::CompressionLayer;

pub use auth::token_hash;
pub use error::ApiError;
pub use rate_limit::EnrollRateLimit;

use crate::storage::HubStorage;

/// What every request handler shares.
pub struct AppState {
    /// The hub's database (SQLite or PostgreSQL).
    pub storage: Arc<dyn HubStorage>,
}

const AUTHED: [u16; 4] = [401, 410, 500, 503];

/// The handler of each call: a call added to the API's list does not
/// compile until it has one here.
fn handler(call: Call) -> MethodRouter<Arc<AppState>> {
    match call {
        Call::Health => routing::get(health::health),
        Call::Enroll => routing::post(enroll::enroll),
        Call::LookUpInvite => routing::post(enroll::lookup),
        Call::CreateInvite => routing::post(invites::create_invite),
        Call::Push => routing::post(sync::push),
        Call::Pull => routing::get(sync::pull),
        Call::Compact => routing::post(compact::compact),
        Call::ListDevices => routing::get(devices::list),
        Call::Revoke => routing::post(devices::revoke),
        Call::PutKeys => routing::post(keys::put),
        Call::GetKeys => routing::get(keys::get),
        Call::GetRoster => routing::get(roster::get),
        Call::AppendRoster => routing::post(roster::append),
        Call::PutClaim => routing::post(roster::put_claim),
        Call::GetClaims => routing::get(roster::claims),
    }
}

/// The request body limit on routes that take a device token. The body is
/// read only after the token was checked: axum runs the body extractor
/// (`ApiJson`) after every other one, the token's (`AuthDevice`) among them,
/// so a caller without a valid token gets 401 with its body unread
/// (`api::tests::limits` checks every such route).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The request body limit everywhere else (enrollment, health, unknown
/// routes): an enrollment request is a few hundred bytes.
pub const UNAUTHENTICATED_BODY_LIMIT: usize = 8 * 1024;

/// Whether a call takes a device token: it answers 401 without one.
fn authenticated(call: Call) -> bool {
    call.statuses().contains(&401)
}

/// The API with the default enrollment rate limit.
pub fn router(storage: Arc<dyn HubStorage>) -> Router {
    router_with(storage, EnrollRateLimit::default())
}

/// The API, with `enroll_limit` on the enrollment routes (`POST /v1/enroll`
/// and `/v1/enroll/invite`) per client address (see
/// [`crate::server::serve_with`], which supplies the address).
pub fn router_with(storage: Arc<dyn HubStorage>, enroll_limit: EnrollRateLimit) -> Router {
    let limiter = Arc::new(rate_limit::RateLimiter::new(enroll_limit));
    let mut r = Router::new();
    for &call in Call::ALL {
        // Every authenticated call answers these; the roster also to revoked devices.
        debug_assert!(AUTHED.iter().all(|s| !authenticated(call)
            || (call == Call::GetRoster && *s == 410)
            || call.statuses().contains(s)));
        let limit = if authenticated(call) {
            BODY_LIMIT
        } else {
            UNAUTHENTICATED_BODY_LIMIT
        };
        let mut endpoint = handler(call).layer(DefaultBodyLimit::max(limit));
        if call.statuses().contains(&413) {
            // Inside the check of the announced length, which is the
            // encoded one: the decoded length is checked as it is read.
            endpoint = endpoint
                .route_layer(middleware::from_fn_with_state(
                    limit,
                    body_limit::decode_request_body,
                ))
                .route_layer(middleware::from_fn_with_state(
                    limit,
                    body_limit::refuse_announced_oversize,
                ));
        }
        // Both check a code's verifier: one bucket per address for the two.
        if matches!(call, Call::Enroll | Call::LookUpInvite) {
            endpoint = endpoint.route_layer(middleware::from_fn_with_state(
                Arc::clone(&limiter),
                rate_limit::limit_enrollment,
            ));
        }
        // A path's second call (GET beside POST) joins the first's route.
        r = r.route(call.path(), endpoint);
    }
    r.fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "method not allowed",
            )
        })
        .layer(DefaultBodyLimit::max(UNAUTHENTICATED_BODY_LIMIT))
        .layer(compress_answers())
        .layer(middleware::from_fn(protocol_gate::refuse_outdated_apps))
        .layer(middleware::from_fn(log_and_tag))
        .with_state(Arc::new(AppState { storage }))
}

/// Answers of at least this many bytes go compressed to a client that
/// accepts zstd: below it, the frame and the `Vary` header cost about what
/// compression saves, and a sync with nothing new stays as it was.
pub const COMPRESS_ABOVE: u16 = 1024;

/// zstd (level 3) on answers of [`COMPRESS_ABOVE`] bytes or more, for clients
/// that send `Accept-Encoding: zstd`; others get the answer as it is. Pull
/// pages carry base64, which zstd brings back to about its sealed size.
fn compress_answers() -> CompressionLayer<SizeAbove> {
    CompressionLayer::new()
        .no_br()
        .no_deflate()
        .no_gzip()
        .zstd(true)
        .compress_when(SizeAbove::new(COMPRESS_ABOVE))
}

/// Adds the protocol header and logs method, path, status, latency and device
/// id: never headers, queries or bodies.
async fn log_and_tag(mut req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let slot = auth::DeviceSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(PROTOCOL_HEADER, HeaderValue::from(PROTOCOL_VERSION));
    let device = slot.0.get().map(|d| d.to_string()).unwrap_or_default();
    tracing::info!(
        %method, %path, status = res.status().as_u16(),
        latency_ms = start.elapsed().as_secs_f64() * 1000.0, device, "request"
    );
    res
}
