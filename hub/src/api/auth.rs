//! The bearer-token extractors: token → SHA-256 → device.
//!
//! [`AuthDevice`] looks the device up and marks it seen on one pooled
//! connection ([`HubStorage::authenticate`](crate::storage::HubStorage::authenticate)).
//! A pull does not even take that: its handler reads the token with
//! [`Bearer`] and hands it to the storage with the page it asks for, so the
//! lookup, the last-seen mark and the page share one connection.

use std::sync::{Arc, OnceLock};

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::ApiError;
use super::AppState;
use crate::storage::{now, Authed, Device, DeviceStatus, Role};

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
        let bearer = Bearer::from_parts(parts)?;
        bearer.authenticate(state).await.map(AuthDevice)
    }
}

/// The hash of the request's bearer token, not yet checked: for a handler
/// that authenticates inside its own storage call (one connection for both).
pub struct Bearer {
    hash: [u8; 32],
    slot: Option<DeviceSlot>,
}

impl Bearer {
    fn from_parts(parts: &Parts) -> Result<Bearer, ApiError> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthorized)?;
        Ok(Bearer {
            hash: token_hash(token),
            slot: parts.extensions.get::<DeviceSlot>().cloned(),
        })
    }

    /// The token's hash, to look the device up by.
    pub fn hash(&self) -> &[u8; 32] {
        &self.hash
    }

    /// Names the device in the request log.
    fn tag(&self, device: &Device) {
        if let Some(slot) = &self.slot {
            let _ = slot.0.set(device.id);
        }
    }

    /// What a storage call made for this token found: the active device and
    /// its answer, or 401 (unknown token) or 410 (revoked: erase yourself).
    pub fn accept<T>(&self, found: Authed<T>) -> Result<(Device, T), ApiError> {
        match found {
            Authed::Unknown => Err(ApiError::unauthorized()),
            Authed::Revoked(device) => {
                self.tag(&device);
                Err(ApiError::revoked())
            }
            Authed::Active(device, answer) => {
                self.tag(&device);
                Ok((device, answer))
            }
        }
    }

    /// The active device holding the token, marked seen if that is due.
    pub async fn authenticate(&self, state: &AppState) -> Result<Device, ApiError> {
        let device = state
            .storage
            .authenticate(&self.hash, now())
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        self.tag(&device);
        if device.status == DeviceStatus::Revoked {
            return Err(ApiError::revoked());
        }
        Ok(device)
    }
}

impl FromRequestParts<Arc<AppState>> for Bearer {
    type Rejection = ApiError;
    async fn from_request_parts(
        parts: &mut Parts,
        _state: &Arc<AppState>,
    ) -> Result<Self, ApiError> {
        Bearer::from_parts(parts)
    }
}

/// The device holding the request's bearer token, active or revoked; not
/// marked seen.
async fn device_of(parts: &mut Parts, state: &Arc<AppState>) -> Result<Device, ApiError> {
    let bearer = Bearer::from_parts(parts)?;
    let device = state
        .storage
        .device_by_token_hash(&bearer.hash)
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    bearer.tag(&device);
    Ok(device)
}
