//! `POST /v1/keys` (supervisors) and `GET /v1/keys`.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use fieldbook_proto::devices::{KeyEnvelope, KeysResponse, PutKeysRequest};

use super::auth::AuthDevice;
use super::error::{ApiError, ApiJson};
use super::AppState;
use crate::storage::Envelope;
use fieldbook_core::record::SensitivityClass;

pub async fn put(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    ApiJson(req): ApiJson<PutKeysRequest>,
) -> Result<StatusCode, ApiError> {
    caller.require_supervisor()?;
    if req.epoch == 0 {
        return Err(ApiError::invalid("epoch must be at least 1"));
    }
    let mut envelopes = Vec::with_capacity(req.envelopes.len());
    for e in req.envelopes {
        if e.epoch != req.epoch || SensitivityClass::parse(&e.key_class).is_none() {
            return Err(ApiError::invalid("envelope epoch or key_class invalid"));
        }
        envelopes.push(Envelope {
            device_id: e.device_id,
            key_class: e.key_class,
            wrapped: e.wrapped,
        });
    }
    state
        .storage
        .put_key_envelopes(caller.0.team_id, req.epoch, envelopes)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
) -> Result<Json<KeysResponse>, ApiError> {
    let envelopes = state.storage.key_envelopes_for(caller.0.id).await?;
    let key_epoch = state.storage.current_epoch(caller.0.team_id).await?;
    Ok(Json(KeysResponse {
        key_epoch,
        envelopes: envelopes
            .into_iter()
            .map(|e| KeyEnvelope {
                device_id: e.device_id,
                key_class: e.key_class,
                epoch: e.epoch,
                wrapped: e.wrapped,
            })
            .collect(),
    }))
}
