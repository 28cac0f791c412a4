//! `POST /v1/invites` (supervisors).

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use fieldbook_proto::enroll::CreateInviteRequest;

use super::auth::AuthDevice;
use super::error::{ApiError, ApiJson};
use super::AppState;
use crate::storage::{now, Invite, Role};

pub async fn create_invite(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    ApiJson(req): ApiJson<CreateInviteRequest>,
) -> Result<StatusCode, ApiError> {
    caller.require_supervisor()?;
    let role = Role::parse(&req.role).map_err(|_| ApiError::invalid("unknown role"))?;
    let verifier_hash: [u8; 32] = req
        .verifier_hash
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("verifier_hash must be 32 bytes"))?;
    let t = now();
    if req.expires_at <= t || req.expires_at > t + chrono::Duration::days(30) {
        return Err(ApiError::invalid("expires_at must be in the next 30 days"));
    }
    if req.key_bundle.len() > 64 * 1024 {
        return Err(ApiError::too_large("key_bundle too large"));
    }
    let invite = Invite {
        id: req.invite_id,
        team_id: caller.0.team_id,
        role,
        verifier_hash,
        key_bundle: Some(req.key_bundle),
        created_by: Some(caller.0.id),
        created_at: t,
        expires_at: req.expires_at,
        used_at: None,
    };
    state.storage.create_invite(&invite).await?;
    Ok(StatusCode::CREATED)
}
