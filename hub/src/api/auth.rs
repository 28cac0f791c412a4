//! The bearer-token extractor: token → SHA-256 → device.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::ApiError;
use super::AppState;
use crate::storage::{now, Device, DeviceStatus, Role};

/// Set by [`AuthDevice`] so the request log can name the device.
#[derive(Clone, Default)]
pub struct DeviceSlot(pub Arc<OnceLock<Uuid>>);

/// The calling device (active).
pub struct AuthDevice(pub Device);

/// The calling device, active or revoked: a revoked device may still read
/// the roster, to verify the revocation that tells it to erase itself.
pub struct AnyDevice(pub Device);

impl AuthDevice {
    pub fn require_supervisor(&self) -> Result<(), ApiError> {
        if self.0.role == Role::Supervisor {
            Ok(())
        } else {
            Err(ApiError::forbidden("only a supervisor may do this"))
        }
    }
}

/// The SHA-256 of a bearer token: the hub stores and looks up only this, never the token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl FromRequestParts<Arc<AppState>> for AnyDevice {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        device_of(parts, state).await.map(AnyDevice)
    }
}

impl FromRequestParts<Arc<AppState>> for AuthDevice {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        let device = device_of(parts, state).await?;
        if device.status == DeviceStatus::Revoked {
            return Err(ApiError::revoked());
        }
        let t = now();
        let stale = device
            .last_seen_at
            .is_none_or(|seen| t - seen >= chrono::Duration::seconds(60));
        if stale {
            state.storage.touch_device(device.id, t).await?;
        }
        Ok(AuthDevice(device))
    }
}

/// The device holding the request's bearer token.
async fn device_of(parts: &mut Parts, state: &Arc<AppState>) -> Result<Device, ApiError> {
    let token = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::unauthorized)?;
    let device = state
        .storage
        .device_by_token_hash(&token_hash(token))
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    if let Some(slot) = parts.extensions.get::<DeviceSlot>() {
        let _ = slot.0.set(device.id);
    }
    Ok(device)
}
