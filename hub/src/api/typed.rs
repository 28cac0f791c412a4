//! A handler's request body and answer, typed by the call it serves
//! ([`fieldbook_proto::endpoint`]): a handler cannot take or answer another
//! call's types, and a success carries the status its call declares.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fieldbook_proto::endpoint::Endpoint;

use super::error::{ApiError, ApiJson};

/// The JSON body of call `E`; a body that is not one answers 400 (413 when too large).
pub struct Body<E: Endpoint>(pub E::Request);

impl<S: Send + Sync, E: Endpoint> FromRequest<S> for Body<E> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let ApiJson(request) = ApiJson::<E::Request>::from_request(req, state).await?;
        Ok(Body(request))
    }
}

/// The answer to call `E`: its JSON with its success status, or the status
/// alone for a call whose success has no body (201, 204).
pub struct Answer<E: Endpoint>(pub E::Response);

impl<E: Endpoint> IntoResponse for Answer<E> {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(E::CALL.success()).unwrap_or(StatusCode::OK);
        if matches!(status, StatusCode::CREATED | StatusCode::NO_CONTENT) {
            status.into_response()
        } else {
            (status, Json(self.0)).into_response()
        }
    }
}
