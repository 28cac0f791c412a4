//! Every failure as a status and a JSON [`ErrorBody`]; never record contents or tokens.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use fieldbook_proto::error::ErrorBody;
use serde::de::DeserializeOwned;

use crate::storage::StorageError;

/// A refused request: the status and the [`ErrorBody`] the device receives.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status of the answer.
    pub status: StatusCode,
    /// The body's stable machine-readable code (`error`), which clients match on.
    pub code: &'static str,
    /// A short English explanation for logs; never record contents or tokens.
    pub message: String,
    /// Orders the device to crypto-erase itself; set only for a revoked device.
    pub wipe: bool,
}

impl ApiError {
    /// An error with this status, code and message, and no wipe order.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            wipe: false,
        }
    }
    /// A request the hub cannot accept as sent (400 `invalid_request`).
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }
    /// A body over its route's limit in bytes (8 KiB or 16 MiB). A field
    /// over its own limit (a list, a sealed body) is `invalid`, as
    /// `hub/openapi.yaml` says of every schema limit.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", message)
    }
    /// No device holds the bearer token sent, or none was sent (401).
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or unknown device token",
        )
    }
    /// A device whose role may not make this call (403).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// Something the request names is not there (404).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// A roster link (or a signed envelope) that breaks the roster's rules:
    /// stored, it would stop every device at it.
    /// New roster links not taken: 409 when signed after an older head (the
    /// sender fetches the roster and signs again), 400 when they break a rule.
    pub fn untrusted(refused: impl Into<crate::roster::Refused>) -> Self {
        match refused.into() {
            crate::roster::Refused::Moved => Self::roster_moved(),
            crate::roster::Refused::Untrusted(e) => {
                Self::new(StatusCode::BAD_REQUEST, "roster_refused", e.to_string())
            }
        }
    }
    /// Another roster write landed first: the device fetches the roster and signs again.
    pub fn roster_moved() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "roster_moved",
            "the roster moved: fetch it and sign again",
        )
    }
    /// The caller was revoked (410): the answer carries the wipe order.
    pub fn revoked() -> Self {
        ApiError {
            wipe: true,
            ..Self::new(
                StatusCode::GONE,
                "device_revoked",
                "this device was revoked",
            )
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            StorageError::Conflict(_) => ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "conflicts with stored state",
            ),
            StorageError::InvalidInput(m) => ApiError::invalid(m),
            StorageError::Unavailable(m) => {
                tracing::warn!(error = %m, "storage unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "storage unavailable",
                )
            }
            StorageError::Internal(m) => {
                tracing::error!(error = %m, "storage error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "internal error",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: self.code.into(),
            message: self.message,
            wipe: self.wipe,
        };
        (self.status, Json(body)).into_response()
    }
}

/// `Json<T>` whose rejections are JSON error bodies.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;
    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::BytesRejection(r))
                if r.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(ApiError::too_large("request body too large"))
            }
            Err(r) => Err(ApiError::invalid(format!(
                "malformed request: {}",
                r.status()
            ))),
        }
    }
}

/// A kind or key class as the hub stored it. The hub stores only what it took
/// typed, so anything else means something else wrote the database.
pub fn stored<T: std::str::FromStr>(name: &str) -> Result<T, ApiError> {
    name.parse().map_err(|_| {
        ApiError::from(StorageError::Internal(format!(
            "unknown stored kind or key class {name:?}"
        )))
    })
}
