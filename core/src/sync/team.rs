//! A supervisor's team work on the hub: inviting a device, listing the
//! team's devices with what the signed roster says of each, revoking one.
//! The CLI and the bindings both call these, so the order of steps lives in
//! one place. Every roster write is signed at the head this device verified
//! last; when another write landed first, it fetches the roster and signs
//! again.

use chrono::{DateTime, Duration, Utc};
use fieldbook_proto::devices::DeviceInfo;
use fieldbook_proto::endpoint::{CreateInvite, ListDevices, Revoke};
use fieldbook_trust::Roster;
use std::sync::atomic::AtomicBool;

use super::access::Exclusive;
use super::engine::{check_wipe_order, client_for, settle, Failure};
use super::summary::SyncSummary;
use super::transport::{HubClient, RetryPolicy, TransportError};
use crate::record::DeviceId;
use crate::store::{Role, Store};
use crate::{Error, Result};

/// How long an invite stays usable when the caller does not say.
pub const DEFAULT_INVITE_DAYS: i64 = 7;
/// The longest an invite may stay usable: a code is a key to the team.
pub const MAX_INVITE_DAYS: i64 = 30;
/// How often a roster write is signed again after another landed first.
pub(super) const SIGN_ATTEMPTS: usize = 5;

/// A one-time code registered on the hub, and what the new device needs to
/// reach that hub.
pub struct IssuedInvite {
    /// The typable code; a secret until used, so never logged.
    pub code: String,
    /// The role the new device will be enrolled in.
    pub role: Role,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
    /// The hub's base URL, for the new device to reach it.
    pub hub_url: String,
    /// SHA-256 of the hub's certificate (DER), hex, for the new device to pin; `None` for a hub on
    /// this machine over plain `http://`.
    pub hub_certificate_sha256: Option<String>,
}

impl std::fmt::Debug for IssuedInvite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedInvite({}, code …)", self.role)
    }
}

/// One device of the team: what the hub lists, and what the team's signed
/// roster says of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TeamDevice {
    /// What the hub lists of the device (id, role, status, public key, when last seen);
    /// flattened when serialized.
    #[serde(flatten)]
    pub info: DeviceInfo,
    /// Whether the verified roster certifies this device, with this role
    /// and key. A device the hub lists but the roster lacks gets nothing.
    pub verified: bool,
}

/// Makes a one-time code for a new device in `role`, valid for `days`
/// (clamped to 1..=30), certifies it in the roster and registers it on the
/// hub. Supervisors only.
pub fn invite(store: &mut Store, role: Role, days: i64) -> Result<IssuedInvite> {
    let expires_at = store.now() + Duration::days(days.clamp(1, MAX_INVITE_DAYS));
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    refresh_roster(store, &client, &cancel)?;
    let mut attempt = 0;
    let invite = loop {
        attempt += 1;
        let invite = store.make_invite(role, expires_at)?;
        match client.call::<CreateInvite>(&invite.request, &cancel) {
            Ok(()) => break invite,
            // The client's retry of a copy that landed, its answer lost:
            // this very invite (its id is fresh) is registered.
            Err(e) if registered_already(&e) => break invite,
            Err(e) if moved(&e) && attempt < SIGN_ATTEMPTS => {
                refresh_roster(store, &client, &cancel)?;
            }
            Err(e) => return on_hub(store, &client, Err(e)),
        }
    };
    refresh_roster(store, &client, &cancel)?;
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

/// The team's devices as the hub lists them, each marked verified or not by
/// the signed roster, and the roster's members the hub does not list
/// (supervisors only).
pub fn list_devices(store: &mut Store) -> Result<Vec<TeamDevice>> {
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    let listed: Vec<DeviceInfo> = match client.call::<ListDevices>(&(), &cancel) {
        Ok(devices) => devices,
        Err(e) => return on_hub(store, &client, Err(e)),
    };
    refresh_roster(store, &client, &cancel)?;
    let roster = store.roster()?;
    Ok(with_roster(listed, roster.as_ref()))
}

/// Marks each listed device by the roster: verified only with the roster's
/// id, role and key, and with the roster's status. Unverified devices come
/// first (a supervisor must see them), otherwise in the hub's order.
fn with_roster(listed: Vec<DeviceInfo>, roster: Option<&Roster>) -> Vec<TeamDevice> {
    let mut out: Vec<TeamDevice> = listed
        .into_iter()
        .map(|mut info| {
            let certified = roster.and_then(|r| r.member(info.device_id));
            let verified = certified.is_some_and(|m| {
                m.member.role == info.role
                    && info.public_key.as_deref() == Some(m.member.box_key.as_slice())
            });
            if let Some(m) = certified.filter(|_| verified) {
                info.status = m.status();
            }
            TeamDevice { info, verified }
        })
        .collect();
    if let Some(roster) = roster {
        for m in roster.members() {
            if out.iter().all(|d| d.info.device_id != m.member.device) {
                out.push(TeamDevice {
                    info: DeviceInfo {
                        device_id: m.member.device,
                        role: m.member.role,
                        label: m.member.label.clone(),
                        status: m.status(),
                        public_key: Some(m.member.box_key.to_vec()),
                        created_at: DateTime::<Utc>::default(),
                        last_seen_at: None,
                    },
                    verified: true,
                });
            }
        }
    }
    out.sort_by_key(|d| d.verified);
    out
}

/// Revokes a device and moves the team to a new key epoch that only the
/// remaining members receive, in one signed request. Returns the new epoch
/// (the team's epoch when the device was revoked already). Refused for this
/// device itself, the team's last supervisor included.
pub fn revoke_device(store: &mut Store, device: DeviceId) -> Result<u32> {
    // Its own device is refused at once, without the hub (the roster this
    // device holds only picks the message).
    store.check_revocable(device)?;
    let client = client_for(store, RetryPolicy::default())?;
    let cancel = AtomicBool::new(false);
    let path = Revoke::path_for(device.0);
    let mut attempt = 0;
    loop {
        attempt += 1;
        refresh_roster(store, &client, &cancel)?;
        // Another supervisor may have revoked the device first, or the last
        // attempt landed after all (its answer lost, the client's retry
        // refused as a copy): either way it is done.
        if let Some(epoch) = revoked_in_roster(store, device)? {
            return Ok(epoch);
        }
        let request = store.make_revocation(device)?;
        let epoch = request.keys.as_ref().map_or(0, |k| k.epoch);
        match client.call_at::<Revoke>(&path, &request, &cancel) {
            Ok(()) => {
                // Done on the hub. The new keys come back through the hub
                // like everyone's: now, or at the next sync when this
                // refresh cannot (the store locked itself meanwhile, the
                // network dropped); only an erasure outranks the news.
                return match refresh_roster(store, &client, &cancel) {
                    Err(Error::Erased) => Err(Error::Erased),
                    _ => Ok(epoch),
                };
            }
            Err(e) if (moved(&e) || refused_links(&e)) && attempt < SIGN_ATTEMPTS => continue,
            Err(e) => return on_hub(store, &client, Err(e)),
        }
    }
}

/// The team's key epoch when the verified roster shows `device` revoked.
fn revoked_in_roster(store: &mut Store, device: DeviceId) -> Result<Option<u32>> {
    let Some(roster) = store.roster()? else {
        return Ok(None);
    };
    let member = roster.members().any(|m| m.member.device == device.0);
    Ok((member && !roster.is_active(device.0)).then(|| roster.current_epoch()))
}

fn registered_already(e: &TransportError) -> bool {
    matches!(e, TransportError::Refused { status: 409, error, .. } if error == "conflict")
}

pub(super) fn refused_links(e: &TransportError) -> bool {
    matches!(e, TransportError::Refused { error, .. } if error == "roster_refused")
}

pub(super) fn moved(e: &TransportError) -> bool {
    matches!(e, TransportError::Refused { error, .. } if error == "roster_moved")
}

/// Brings the verified roster (and the keys it makes) up to the hub's; a
/// roster that does not verify is an error here, since the next step would
/// sign on top of it.
pub(super) fn refresh_roster(
    store: &mut Store,
    client: &HubClient,
    cancel: &AtomicBool,
) -> Result<()> {
    let mut summary = SyncSummary::default();
    let head = u64::MAX;
    let outcome = super::roster::update(
        &Exclusive::new(store),
        client,
        head,
        0,
        None,
        cancel,
        &mut summary,
    );
    match outcome {
        Ok(()) if summary.errors.is_empty() => Ok(()),
        Ok(()) => Err(Error::InvalidInput(summary.errors.join("; "))),
        Err(Failure::Store(e)) => Err(e),
        Err(other) => on_hub(store, client, Err(other)),
    }
}

/// A hub answer, with a wipe order checked against the signed roster and
/// obeyed only when a supervisor revoked this device.
pub(super) fn on_hub<T>(
    store: &mut Store,
    client: &HubClient,
    answer: Result<T, impl Into<Failure>>,
) -> Result<T> {
    match answer {
        Ok(value) => Ok(value),
        Err(e) => {
            let mut scratch = SyncSummary::default();
            let outcome = check_wipe_order(
                &Exclusive::new(store),
                client,
                Err(e.into()),
                &AtomicBool::new(false),
                &mut scratch,
            );
            let mut errors = Vec::new();
            let mut wiped = false;
            match outcome {
                Err(Failure::Transport(e)) => Err(Error::Hub(e)),
                Err(Failure::Store(e)) => Err(e),
                other => {
                    settle(store, other, &mut errors, &mut wiped)?;
                    if wiped {
                        Err(Error::Erased)
                    } else {
                        Err(Error::Hub(TransportError::Wipe))
                    }
                }
            }
        }
    }
}
