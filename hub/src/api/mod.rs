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
mod rate_limit;
mod roster;
mod sync;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{self, MethodRouter};
use axum::Router;
use fieldbook_proto::{paths, PROTOCOL_HEADER, PROTOCOL_VERSION};

pub use auth::token_hash;
pub use error::ApiError;
pub use rate_limit::EnrollRateLimit;

use crate::storage::HubStorage;

pub struct AppState {
    pub storage: Arc<dyn HubStorage>,
}

/// One route: method, path and every status it can answer (documented in
/// `hub/openapi.yaml`; 431 comes from the server, for a request head over 16 KiB).
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub statuses: &'static [u16],
}

const AUTHED: [u16; 4] = [401, 410, 500, 503];

pub const ROUTES: &[Route] = &[
    Route {
        method: "get",
        path: paths::HEALTH,
        statuses: &[200, 431],
    },
    Route {
        method: "post",
        path: paths::ENROLL,
        statuses: &[200, 400, 403, 409, 413, 429, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::ENROLL_INVITE,
        statuses: &[200, 400, 403, 413, 429, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::INVITES,
        statuses: &[201, 400, 401, 403, 409, 410, 413, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::PUSH,
        statuses: &[200, 400, 401, 403, 409, 410, 413, 431, 500, 503],
    },
    Route {
        method: "get",
        path: paths::PULL,
        statuses: &[200, 400, 401, 410, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::COMPACT,
        statuses: &[200, 400, 401, 403, 404, 410, 413, 431, 500, 503],
    },
    Route {
        method: "get",
        path: paths::DEVICES,
        statuses: &[200, 401, 403, 410, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::REVOKE,
        statuses: &[204, 400, 401, 403, 404, 409, 410, 413, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::KEYS,
        statuses: &[204, 400, 401, 403, 409, 410, 413, 431, 500, 503],
    },
    Route {
        method: "get",
        path: paths::KEYS,
        statuses: &[200, 401, 410, 431, 500, 503],
    },
    Route {
        method: "get",
        path: paths::ROSTER,
        statuses: &[200, 400, 401, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::ROSTER,
        statuses: &[204, 400, 401, 403, 409, 410, 413, 431, 500, 503],
    },
    Route {
        method: "post",
        path: paths::CLAIMS,
        statuses: &[204, 400, 401, 403, 404, 410, 413, 431, 500, 503],
    },
    Route {
        method: "get",
        path: paths::CLAIMS,
        statuses: &[200, 401, 403, 410, 431, 500, 503],
    },
];

fn handler(method: &str, path: &str) -> MethodRouter<Arc<AppState>> {
    match (method, path) {
        ("get", paths::HEALTH) => routing::get(health::health),
        ("post", paths::ENROLL) => routing::post(enroll::enroll),
        ("post", paths::ENROLL_INVITE) => routing::post(enroll::lookup),
        ("post", paths::INVITES) => routing::post(invites::create_invite),
        ("post", paths::PUSH) => routing::post(sync::push),
        ("get", paths::PULL) => routing::get(sync::pull),
        ("post", paths::COMPACT) => routing::post(compact::compact),
        ("get", paths::DEVICES) => routing::get(devices::list),
        ("post", paths::REVOKE) => routing::post(devices::revoke),
        ("post", paths::KEYS) => routing::post(keys::put),
        ("get", paths::KEYS) => routing::get(keys::get),
        ("get", paths::ROSTER) => routing::get(roster::get),
        ("post", paths::ROSTER) => routing::post(roster::append),
        ("post", paths::CLAIMS) => routing::post(roster::put_claim),
        ("get", paths::CLAIMS) => routing::get(roster::claims),
        _ => unreachable!("route {method} {path} has no handler"),
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

/// Whether a route takes a device token: it answers 401 without one.
fn authenticated(route: &Route) -> bool {
    route.statuses.contains(&401)
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
    for route in ROUTES {
        // Every authenticated route answers these; the roster also to revoked devices.
        debug_assert!(AUTHED.iter().all(|s| route.path == paths::HEALTH
            || route.path == paths::ENROLL
            || route.path == paths::ENROLL_INVITE
            || (route.path == paths::ROSTER && route.method == "get" && *s == 410)
            || route.statuses.contains(s)));
        let limit = if authenticated(route) {
            BODY_LIMIT
        } else {
            UNAUTHENTICATED_BODY_LIMIT
        };
        let mut endpoint = handler(route.method, route.path).layer(DefaultBodyLimit::max(limit));
        if route.statuses.contains(&413) {
            endpoint = endpoint.route_layer(middleware::from_fn_with_state(
                limit,
                body_limit::refuse_announced_oversize,
            ));
        }
        // Both check a code's verifier: one bucket per address for the two.
        if route.path == paths::ENROLL || route.path == paths::ENROLL_INVITE {
            endpoint = endpoint.route_layer(middleware::from_fn_with_state(
                Arc::clone(&limiter),
                rate_limit::limit_enrollment,
            ));
        }
        r = r.route(route.path, endpoint);
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
        .layer(middleware::from_fn(log_and_tag))
        .with_state(Arc::new(AppState { storage }))
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
