//! A body whose announced length is over its route's limit is refused with
//! 413 before any of it is read. (A body that grows past the limit while it
//! is read, without announcing its length, is cut off by axum's
//! `DefaultBodyLimit`, which `ApiJson` answers with 413 too.)

use axum::extract::{Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

pub async fn refuse_announced_oversize(
    State(limit): State<usize>,
    req: Request,
    next: Next,
) -> Response {
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return ApiError::too_large("request body too large").into_response();
    }
    next.run(req).await
}
