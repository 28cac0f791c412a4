//! `POST /v1/enroll`: a one-time code becomes a device and its token.
//!
//! With a team that has a signed roster, the new device sends its join,
//! signed with the invite's one-time key (derived from the code's secret,
//! which the hub never sees). The hub places the join at the roster's head
//! and creates the device from it, in one transaction with consuming the
//! code: the device's keys are the ones the code's holder signed, whatever
//! the hub would have liked them to be.

use fieldbook_proto::endpoint::{Enroll, LookUpInvite};
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use fieldbook_proto::enroll::{EnrollRequest, EnrollResponse, InviteLookup};
use fieldbook_proto::roster::RosterLink;
use fieldbook_proto::roster::RosterPage;
use fieldbook_trust::{Entry, Member};
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use super::auth::token_hash;
use super::error::ApiError;
use super::typed::{Answer, Body};
use super::AppState;
use crate::roster;
use crate::storage::{now, Device, DeviceStatus, Invite, RosterWrite, StorageError};

/// How often a join is placed again when another roster write landed first.
const PLACE_ATTEMPTS: usize = 5;

fn invalid_code() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "invalid_code",
        "invalid enrollment code",
    )
}

pub async fn enroll(
    State(state): State<Arc<AppState>>,
    Body(req): Body<Enroll>,
) -> Result<Answer<Enroll>, ApiError> {
    let public_key: [u8; 32] = req
        .public_key
        .as_slice()
        .try_into()
        .map_err(|_| ApiError::invalid("public_key must be 32 bytes"))?;
    if req.label.as_ref().is_some_and(|l| l.chars().count() > 64) {
        return Err(ApiError::invalid("label longer than 64 characters"));
    }
    let verifier_hash: [u8; 32] = Sha256::digest(&req.verifier).into();
    let invite = match state.storage.get_invite(req.invite_id).await {
        Ok(i) if bool::from(i.verifier_hash.ct_eq(&verifier_hash)) => i,
        Ok(_) | Err(StorageError::NotFound(_)) => return Err(invalid_code()),
        Err(e) => return Err(e.into()),
    };
    let mut raw = [0u8; 32];
    OsRng.fill_bytes(&mut raw);
    let token = STANDARD.encode(raw);
    let mut device = Device {
        id: req.device_id.unwrap_or_else(Uuid::new_v4),
        team_id: invite.team_id,
        role: invite.role,
        public_key: Some(public_key),
        token_hash: token_hash(&token),
        status: DeviceStatus::Active,
        wipe_pending: false,
        created_at: now(),
        last_seen_at: None,
        label: req.label.clone(),
    };
    let consumed = match &req.join {
        None => {
            let current = state.storage.roster_head(invite.team_id).await?;
            // A founder's code carries no keys and no invite key; a code from
            // before the team signed its roster has no invite key either.
            let founder = invite.key_bundle.is_none() && invite.created_by.is_none();
            if current != 0 && !founder {
                return Err(ApiError::invalid(
                    "this team signs its roster: the join must be signed with the code",
                ));
            }
            consume(&state, &req, &verifier_hash, &device, None).await?
        }
        Some(join) => {
            let link = RosterLink {
                seq: 0,
                prev: vec![0; 32],
                statement: join.statement.clone(),
                signature: join.signature.clone(),
            };
            let mut attempt = 0;
            loop {
                attempt += 1;
                let current = roster::current(state.storage.as_ref(), invite.team_id)
                    .await?
                    .ok_or_else(|| ApiError::invalid("the team has no roster yet"))?;
                let placed = RosterLink {
                    seq: current.head_seq() + 1,
                    prev: current.head_hash().to_vec(),
                    ..link.clone()
                };
                let checked = roster::check(invite.team_id, Some(current), &[placed])
                    .map_err(ApiError::untrusted)?;
                let member = joined(&checked.statements[0].entry, &invite)?;
                if member.box_key != public_key {
                    return Err(ApiError::invalid("the join must carry the device's key"));
                }
                device.id = member.device;
                device.label = member.label.clone();
                match consume(&state, &req, &verifier_hash, &device, Some(checked.write)).await {
                    Err(e) if e.code == "roster_moved" && attempt < PLACE_ATTEMPTS => continue,
                    other => break other?,
                }
            }
        }
    };
    let team = state.storage.get_team(invite.team_id).await?;
    let key_epoch = state.storage.current_epoch(team.id).await?;
    tracing::info!(device = %device.id, team = %team.id, role = device.role.as_str(), "device enrolled");
    Ok(Answer(EnrollResponse {
        team_id: team.id,
        team_name: team.name,
        device_id: device.id,
        role: device.role,
        token,
        key_bundle: consumed.key_bundle,
        key_epoch,
    }))
}

/// `POST /v1/enroll/invite`: the invite behind a code, for its holder only
/// (the verifier proves it), unused and unexpired; nothing is consumed.
pub async fn lookup(
    State(state): State<Arc<AppState>>,
    Body(req): Body<LookUpInvite>,
) -> Result<Answer<LookUpInvite>, ApiError> {
    if i64::try_from(req.since).is_err() {
        return Err(ApiError::invalid("since too large"));
    }
    let verifier_hash: [u8; 32] = Sha256::digest(&req.verifier).into();
    let invite = match state.storage.get_invite(req.invite_id).await {
        Ok(i) if bool::from(i.verifier_hash.ct_eq(&verifier_hash)) => i,
        Ok(_) | Err(StorageError::NotFound(_)) => return Err(invalid_code()),
        Err(e) => return Err(e.into()),
    };
    if invite.used_at.is_some() || invite.expires_at <= now() {
        return Err(invalid_code());
    }
    let team = state.storage.get_team(invite.team_id).await?;
    let links = state.storage.roster(team.id, req.since).await?;
    let head = state.storage.roster_head(team.id).await?;
    Ok(Answer(InviteLookup {
        team_id: team.id,
        team_name: team.name,
        role: invite.role,
        key_bundle: invite.key_bundle,
        roster: RosterPage {
            links: links.iter().map(roster::to_wire).collect(),
            head,
        },
    }))
}

/// The member a join adds, if the join is for this invite.
fn joined<'a>(entry: &'a Entry, invite: &Invite) -> Result<&'a Member, ApiError> {
    match entry {
        Entry::Join { invite: id, member } if *id == invite.id => Ok(member),
        _ => Err(ApiError::invalid("the join must be for this code's invite")),
    }
}

async fn consume(
    state: &AppState,
    req: &EnrollRequest,
    verifier_hash: &[u8; 32],
    device: &Device,
    roster: Option<RosterWrite>,
) -> Result<Invite, ApiError> {
    match state
        .storage
        .enroll(req.invite_id, verifier_hash, now(), device, roster)
        .await
    {
        Ok(invite) => Ok(invite),
        Err(StorageError::Conflict(m)) if m.contains("roster") => Err(ApiError::roster_moved()),
        Err(StorageError::NotFound(_) | StorageError::Conflict(_)) => Err(invalid_code()),
        Err(e) => Err(e.into()),
    }
}
