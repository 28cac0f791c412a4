//! `POST /v1/enroll`: a one-time code becomes a device and its token.

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fieldbook_proto::enroll::{EnrollRequest, EnrollResponse};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::auth::token_hash;
use super::error::{ApiError, ApiJson};
use super::AppState;
use crate::storage::{now, Device, DeviceStatus, StorageError};
use axum::http::StatusCode;

pub async fn enroll(
    State(state): State<Arc<AppState>>,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> Result<Json<EnrollResponse>, ApiError> {
    let public_key: [u8; 32] = req
        .public_key
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("public_key must be 32 bytes"))?;
    if req.label.as_ref().is_some_and(|l| l.chars().count() > 64) {
        return Err(ApiError::invalid("label longer than 64 characters"));
    }
    let verifier_hash: [u8; 32] = Sha256::digest(&req.verifier).into();
    let invite = match state
        .storage
        .consume_invite(req.invite_id, &verifier_hash, now())
        .await
    {
        Ok(i) => i,
        Err(StorageError::NotFound(_) | StorageError::Conflict(_)) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "invalid_code",
                "invalid enrollment code",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    let token = STANDARD.encode(raw);
    let device = Device {
        id: Uuid::now_v7(),
        team_id: invite.team_id,
        role: invite.role,
        public_key: Some(public_key),
        token_hash: token_hash(&token),
        status: DeviceStatus::Active,
        wipe_pending: false,
        created_at: now(),
        last_seen_at: None,
        label: req.label,
    };
    state.storage.add_device(&device).await?;
    let team = state.storage.get_team(invite.team_id).await?;
    let key_epoch = state.storage.current_epoch(team.id).await?;
    tracing::info!(device = %device.id, team = %team.id, role = device.role.as_str(), "device enrolled");
    Ok(Json(EnrollResponse {
        team_id: team.id,
        team_name: team.name,
        device_id: device.id,
        role: device.role.as_str().into(),
        token,
        key_bundle: invite.key_bundle,
        key_epoch,
    }))
}
