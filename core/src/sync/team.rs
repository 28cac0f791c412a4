//! A supervisor's team work on the hub: inviting a device, listing the
//! team's devices, revoking one. The CLI and the bindings both call these,
//! so the order of steps (e.g. revoke, then rotate keys for the devices that
//! remain) lives in one place.

use chrono::{DateTime, Duration, Utc};
use fieldbook_proto::devices::DeviceInfo;
use fieldbook_proto::paths;
use reqwest::Method;
use std::sync::atomic::AtomicBool;

use super::engine::client_for;
use super::transport::{HubClient, RetryPolicy, TransportError};
use crate::record::DeviceId;
use crate::store::{Role, Store};
use crate::{Error, Result};

/// How long an invite stays usable when the caller does not say.
pub const DEFAULT_INVITE_DAYS: i64 = 7;
/// The longest an invite may stay usable: a code is a key to the team.
pub const MAX_INVITE_DAYS: i64 = 30;

/// A one-time code registered on the hub, and what the new device needs to
/// reach that hub.
pub struct IssuedInvite {
    /// The typable code; a secret until used, so never logged.
    pub code: String,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    pub hub_url: String,
    pub hub_certificate_sha256: Option<String>,
}

impl std::fmt::Debug for IssuedInvite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedInvite({}, code …)", self.role)
    }
}

/// Makes a one-time code for a new device in `role`, valid for `days`
/// (clamped to 1..=30), and registers it on the hub. Supervisors only.
pub fn invite(store: &mut Store, role: Role, days: i64) -> Result<IssuedInvite> {
    let expires_at = Utc::now() + Duration::days(days.clamp(1, MAX_INVITE_DAYS));
    let invite = store.make_invite(role, expires_at)?;
    let client = client_for(store, RetryPolicy::default())?;
    on_hub(
        store,
        client.call_empty(
            Method::POST,
            paths::INVITES,
            Some(&invite.request),
            &AtomicBool::new(false),
        ),
    )?;
    let link = store
        .hub_link()?
        .ok_or_else(|| Error::InvalidInput("this device is not enrolled with a hub".into()))?;
    Ok(IssuedInvite {
        code: invite.code.to_text().as_str().to_string(),
        role,
        expires_at,
        hub_url: link.url,
        hub_certificate_sha256: link.certificate_sha256,
    })
}

/// The team's devices as the hub knows them (supervisors only).
pub fn list_devices(store: &mut Store) -> Result<Vec<DeviceInfo>> {
    let client = client_for(store, RetryPolicy::default())?;
    fetch_devices(store, &client)
}

fn fetch_devices(store: &mut Store, client: &HubClient) -> Result<Vec<DeviceInfo>> {
    let devices = client.call::<(), _>(
        Method::GET,
        paths::DEVICES,
        &[],
        None,
        &AtomicBool::new(false),
    );
    on_hub(store, devices)
}

/// Revokes a device, then moves the team to a new key epoch that only the
/// remaining active devices receive. Returns the new epoch.
pub fn revoke_device(store: &mut Store, device: DeviceId) -> Result<u32> {
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    let path = paths::REVOKE.replace("{id}", &device.to_string());
    let revoked = client.call_empty::<()>(Method::POST, &path, None, &cancel);
    on_hub(store, revoked)?;
    let remaining: Vec<DeviceInfo> = fetch_devices(store, &client)?
        .into_iter()
        .filter(|d| d.status == "active")
        .collect();
    let keys = store.rotate_keys(&remaining)?;
    let sent = client.call_empty(Method::POST, paths::KEYS, Some(&keys), &cancel);
    on_hub(store, sent)?;
    Ok(keys.epoch)
}

/// A hub answer, with the wipe order obeyed: a revoked supervisor's device
/// erases itself here as it would during a sync.
fn on_hub<T>(store: &mut Store, answer: Result<T, TransportError>) -> Result<T> {
    match answer {
        Ok(value) => Ok(value),
        Err(TransportError::Wipe) => {
            store.erase()?;
            Err(Error::Erased)
        }
        Err(e) => Err(Error::Hub(e)),
    }
}
