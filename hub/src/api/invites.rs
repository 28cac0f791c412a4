//! `POST /v1/invites` (supervisors): registers a one-time code a supervisor's
//! device made, with the roster link that certifies it.

use fieldbook_proto::endpoint::CreateInvite;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use fieldbook_trust::Entry;

use super::auth::AuthDevice;
use super::error::ApiError;
use super::typed::{Answer, Body};
use super::AppState;
use crate::roster;
use crate::storage::{now, Invite, RosterWrite, StorageError};

pub async fn create_invite(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(req): Body<CreateInvite>,
) -> Result<Answer<CreateInvite>, ApiError> {
    caller.require_supervisor()?;
    let role = req.role;
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
        return Err(ApiError::invalid("key_bundle is over 64 KiB"));
    }
    let team = caller.0.team_id;
    state.storage.delete_expired_invites(t).await?;
    // A replayed request: its link's place is taken, but say what happened.
    if state.storage.get_invite(req.invite_id).await.is_ok() {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "conflict",
            "this invite is registered already",
        ));
    }
    let invite = Invite {
        id: req.invite_id,
        team_id: team,
        role,
        verifier_hash,
        key_bundle: Some(req.key_bundle),
        created_by: Some(caller.0.id),
        created_at: t,
        expires_at: req.expires_at,
        used_at: None,
    };
    let current = roster::current(state.storage.as_ref(), team).await?;
    let write = match (current, req.link) {
        // A team from before signed rosters, until a supervisor signs one.
        (None, None) => RosterWrite {
            invite: Some(invite),
            ..Default::default()
        },
        (None, Some(_)) => {
            return Err(ApiError::invalid(
                "the team has no roster yet: a supervisor's next sync signs it",
            ))
        }
        (Some(_), None) => {
            return Err(ApiError::invalid(
                "an invite needs the roster link that certifies it",
            ))
        }
        (Some(current), Some(link)) => {
            let mut checked =
                roster::check(team, Some(current), &[link]).map_err(ApiError::untrusted)?;
            let certifies_this_invite = matches!(
                &checked.statements[0].entry,
                Entry::Invite { invite: id, role: r, .. } if *id == req.invite_id && *r == role
            );
            if !certifies_this_invite {
                return Err(ApiError::invalid(
                    "the link must certify this invite, in this role",
                ));
            }
            checked.write.invite = Some(invite);
            checked.write
        }
    };
    match state.storage.write_roster(team, write).await {
        Ok(()) => Ok(Answer(())),
        Err(StorageError::Conflict(m)) if m.contains("roster") => Err(ApiError::roster_moved()),
        Err(e) => Err(e.into()),
    }
}
