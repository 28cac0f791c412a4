//! `GET /v1/devices`, `POST /v1/devices/{id}/revoke` (supervisors).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use fieldbook_proto::devices::DeviceInfo;
use uuid::Uuid;

use super::auth::AuthDevice;
use super::error::ApiError;
use super::AppState;
use crate::storage::{Device, StorageError};

pub fn info(d: Device) -> DeviceInfo {
    DeviceInfo {
        device_id: d.id,
        role: d.role.as_str().into(),
        label: d.label,
        status: d.status.as_str().into(),
        public_key: d.public_key.map(|k| k.to_vec()),
        created_at: d.created_at,
        last_seen_at: d.last_seen_at,
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
) -> Result<Json<Vec<DeviceInfo>>, ApiError> {
    caller.require_supervisor()?;
    let devices = state.storage.list_devices(caller.0.team_id).await?;
    Ok(Json(devices.into_iter().map(info).collect()))
}

pub async fn revoke(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    caller.require_supervisor()?;
    let Path(id) = id.map_err(|_| ApiError::not_found("device not found"))?;
    match state.storage.get_device(id).await {
        Ok(d) if d.team_id == caller.0.team_id => {}
        Ok(_) | Err(StorageError::NotFound(_)) => {
            return Err(ApiError::not_found("device not found"))
        }
        Err(e) => return Err(e.into()),
    }
    state.storage.revoke_device(id).await?;
    tracing::info!(device = %id, by = %caller.0.id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}
