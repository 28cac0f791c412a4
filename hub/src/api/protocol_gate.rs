//! Apps too old for what the team's log now holds are told to update.
//!
//! Protocol 3 devices push record bodies in format 3, which an app speaking
//! protocol 2 cannot open: it would pull them, fail to read each one, and
//! report the team's records as corrupted. So the hub answers such an app
//! 426 `update_required` on every call but the health check, before it
//! touches anything, and the app shows the hub's words: update, then sync.
//! A request with no protocol header (an operator's script) is served as
//! before: the header is a courtesy of the apps, not a credential.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use fieldbook_proto::{paths, OLDEST_SERVED_PROTOCOL, PROTOCOL_HEADER};

use super::ApiError;

/// Refuses requests from apps older than [`OLDEST_SERVED_PROTOCOL`].
pub async fn refuse_outdated_apps(req: Request, next: Next) -> Response {
    if req.uri().path() != paths::HEALTH {
        if let Some(value) = req.headers().get(PROTOCOL_HEADER) {
            let sent = value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<u32>().ok());
            match sent {
                Some(version) if version < OLDEST_SERVED_PROTOCOL => {
                    return ApiError::new(
                        StatusCode::UPGRADE_REQUIRED,
                        "update_required",
                        format!(
                            "this app speaks protocol {version}; the hub serves protocol \
                             {OLDEST_SERVED_PROTOCOL} and newer: update the app, then sync again"
                        ),
                    )
                    .into_response();
                }
                None => {
                    return ApiError::invalid("the fieldbook-protocol header is not a number")
                        .into_response();
                }
                Some(_) => {}
            }
        }
    }
    next.run(req).await
}
