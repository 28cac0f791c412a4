//! `GET /v1/roster` (any device of the team, revoked ones too), `POST
//! /v1/roster` (supervisors), and signing-key claims.
//!
//! `POST` takes the links that need nothing beside them: a genesis (a new
//! team's, or the first a team from before signed rosters signs), devices
//! added at that migration, revocations, signing-key certificates, root
//! rotations and team policies. Invites, joins and key rotations come with what they carry
//! (a verifier and a key bundle, a device, envelopes) through their own routes.

use fieldbook_proto::endpoint::{AppendRoster, GetClaims, GetRoster, PutClaim, RosterQuery};
use std::sync::Arc;

use axum::extract::{Query, State};
use fieldbook_proto::roster::{RosterPage, MAX_ROSTER_LINKS};
use fieldbook_trust::{Entry, Statement};

use super::auth::{AnyDevice, AuthDevice};
use super::error::ApiError;
use super::typed::{Answer, Body};
use super::AppState;
use crate::roster;
use crate::storage::{Device, DeviceStatus, StorageError};

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: AnyDevice,
    params: Result<Query<RosterQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Answer<GetRoster>, ApiError> {
    let Query(p) = params.map_err(|_| ApiError::invalid("bad since"))?;
    let since = p.since.unwrap_or(0);
    if i64::try_from(since).is_err() {
        return Err(ApiError::invalid("since too large"));
    }
    let team = caller.0.team_id;
    let links = state.storage.roster(team, since).await?;
    let head = state.storage.roster_head(team).await?;
    Ok(Answer(RosterPage {
        links: links.iter().map(roster::to_wire).collect(),
        head,
    }))
}

pub async fn append(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(req): Body<AppendRoster>,
) -> Result<Answer<AppendRoster>, ApiError> {
    caller.require_supervisor()?;
    if req.links.is_empty() || req.links.len() > MAX_ROSTER_LINKS {
        return Err(ApiError::invalid("1 to 1000 links"));
    }
    let team = caller.0.team_id;
    let current = roster::current(state.storage.as_ref(), team).await?;
    let genesis = current.is_none();
    let mut checked = roster::check(team, current, &req.links).map_err(ApiError::untrusted)?;
    let devices = state.storage.list_devices(team).await?;
    for statement in &checked.statements {
        allowed_here(statement, &caller.0, &devices)?;
    }
    // Codes made before the team signed its roster carry no invite key:
    // nothing could check who joins with them, so they stop working.
    checked.write.drop_unused_invites = genesis;
    match state.storage.write_roster(team, checked.write).await {
        Ok(()) => Ok(Answer(())),
        Err(StorageError::Conflict(_)) => Err(ApiError::roster_moved()),
        Err(e) => Err(e.into()),
    }
}

/// Which statements this route takes, and the hub's own consistency checks:
/// the genesis names the calling device as it enrolled; a device added at
/// migration is one the hub knows, with the key and role it knows.
fn allowed_here(
    statement: &Statement,
    caller: &Device,
    devices: &[Device],
) -> Result<(), ApiError> {
    match &statement.entry {
        Entry::Genesis { founder, .. } => {
            if founder.device != caller.id || caller.public_key != Some(founder.box_key) {
                return Err(ApiError::forbidden(
                    "a genesis names the device that sends it",
                ));
            }
            Ok(())
        }
        Entry::Add { member } => {
            let known = devices.iter().any(|d| {
                d.id == member.device
                    && d.status == DeviceStatus::Active
                    && d.role == member.role
                    && d.public_key == Some(member.box_key)
            });
            if known {
                Ok(())
            } else {
                Err(ApiError::invalid(
                    "an added device must be an active device of the team, as it enrolled",
                ))
            }
        }
        Entry::Revoke { .. }
        | Entry::CertifySigningKey { .. }
        | Entry::RotateRoot { .. }
        | Entry::Policy { .. }
        | Entry::Form { .. } => Ok(()),
        Entry::Invite { .. } | Entry::Join { .. } | Entry::Rotate { .. } => Err(ApiError::invalid(
            "invites, joins and key rotations have their own routes",
        )),
    }
}

/// The most MACs in one claim: one per supervisor that can sign.
const MAX_CLAIM_MACS: usize = 64;

pub async fn put_claim(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(claim): Body<PutClaim>,
) -> Result<Answer<PutClaim>, ApiError> {
    if claim.device_id != caller.0.id {
        return Err(ApiError::forbidden("a device claims only its own key"));
    }
    // HMAC-SHA256 MACs: with these limits a stored claim is at most about
    // 6.5 KB of JSON.
    if claim.signing_key.len() != 32
        || claim.macs.len() > MAX_CLAIM_MACS
        || claim.macs.iter().any(|m| m.mac.len() != 32)
    {
        return Err(ApiError::invalid(
            "signing_key and each mac must be 32 bytes, at most 64 MACs",
        ));
    }
    let bytes = serde_json::to_vec(&claim).map_err(|_| ApiError::invalid("malformed claim"))?;
    state
        .storage
        .put_claim(caller.0.team_id, caller.0.id, bytes)
        .await?;
    Ok(Answer(()))
}

pub async fn claims(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
) -> Result<Answer<GetClaims>, ApiError> {
    caller.require_supervisor()?;
    let stored = state.storage.claims(caller.0.team_id).await?;
    let claims = stored
        .into_iter()
        .filter_map(|(_, bytes)| serde_json::from_slice(&bytes).ok())
        .collect();
    Ok(Answer(claims))
}
