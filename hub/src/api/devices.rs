//! `GET /v1/devices`, `POST /v1/devices/{id}/revoke` (supervisors).

use fieldbook_proto::endpoint::{ListDevices, Revoke};
use std::sync::Arc;

use axum::extract::{Path, State};
use fieldbook_proto::devices::{DeviceInfo, RevokeRequest};
use fieldbook_trust::Entry;
use uuid::Uuid;

use super::auth::AuthDevice;
use super::error::ApiError;
use super::keys::keys_write;
use super::typed::Answer;
use super::AppState;
use crate::roster;
use crate::storage::{Device, RosterWrite, StorageError};

pub fn info(d: Device) -> DeviceInfo {
    DeviceInfo {
        device_id: d.id,
        role: d.role,
        label: d.label,
        status: d.status,
        public_key: d.public_key.map(|k| k.to_vec()),
        created_at: d.created_at,
        last_seen_at: d.last_seen_at,
    }
}

pub async fn list(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
) -> Result<Answer<ListDevices>, ApiError> {
    caller.require_supervisor()?;
    let devices = state.storage.list_devices(caller.0.team_id).await?;
    Ok(Answer(devices.into_iter().map(info).collect()))
}

/// Revokes a device. Once the team has a roster, the request carries the
/// signed revocation and the rotation that follows it, with the new epoch's
/// envelopes, and all of it lands in one transaction.
pub async fn revoke(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    id: Result<Path<Uuid>, axum::extract::rejection::PathRejection>,
    body: axum::body::Bytes,
) -> Result<Answer<Revoke>, ApiError> {
    caller.require_supervisor()?;
    let Path(id) = id.map_err(|_| ApiError::not_found("device not found"))?;
    let team = caller.0.team_id;
    match state.storage.get_device(id).await {
        Ok(d) if d.team_id == team => {}
        Ok(_) | Err(StorageError::NotFound(_)) => {
            return Err(ApiError::not_found("device not found"))
        }
        Err(e) => return Err(e.into()),
    }
    let body: Option<RevokeRequest> = if body.is_empty() {
        None
    } else {
        Some(serde_json::from_slice(&body).map_err(|_| ApiError::invalid("malformed request"))?)
    };
    let current = roster::current(state.storage.as_ref(), team).await?;
    let write = match (current, body) {
        // A team from before signed rosters, until a supervisor signs one.
        (None, _) => RosterWrite {
            revoked: vec![id],
            ..Default::default()
        },
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "a revocation needs its signed roster link",
            ))
        }
        (Some(current), Some(req)) => {
            let checked =
                roster::check(team, Some(current), &req.links).map_err(ApiError::untrusted)?;
            let revokes_this_device = checked
                .statements
                .iter()
                .any(|s| matches!(s.entry, Entry::Revoke { device } if device == id));
            if !revokes_this_device {
                return Err(ApiError::invalid("the links must revoke this device"));
            }
            let mut write = checked.write;
            if let Some(keys) = req.keys {
                if keys.link.is_some() {
                    return Err(ApiError::invalid(
                        "the rotation link goes with the revocation's links",
                    ));
                }
                let rotated = keys_write(team, Some(checked.roster), keys)?;
                write.keys = rotated.keys;
            }
            write
        }
    };
    match state.storage.write_roster(team, write).await {
        Ok(()) => {}
        Err(StorageError::Conflict(m)) if m.contains("roster") => {
            return Err(ApiError::roster_moved())
        }
        Err(e) => return Err(e.into()),
    }
    tracing::info!(device = %id, by = %caller.0.id, "device revoked");
    Ok(Answer(()))
}
