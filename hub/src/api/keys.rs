//! `POST /v1/keys` (supervisors) and `GET /v1/keys`.
//!
//! Once a team has a roster, every envelope must be signed by a supervisor
//! the roster certifies, and a new epoch must come with its signed rotation
//! link: the hub checks both (devices check them again) so that no member can
//! leave envelopes that every device would refuse.

use fieldbook_proto::endpoint::{GetKeys, PutKeys};
use std::sync::Arc;

use axum::extract::State;
use fieldbook_proto::devices::{KeyEnvelope, KeysResponse, PutKeysRequest};
use fieldbook_trust::{Entry, EnvelopeFacts, Roster};
use uuid::Uuid;

use super::auth::AuthDevice;
use super::error::{stored, ApiError};
use super::typed::{Answer, Body};
use super::AppState;
use crate::roster;
use crate::storage::{Envelope, RosterWrite, StorageError};

pub async fn put(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(req): Body<PutKeys>,
) -> Result<Answer<PutKeys>, ApiError> {
    caller.require_supervisor()?;
    let team = caller.0.team_id;
    let current = roster::current(state.storage.as_ref(), team).await?;
    let write = keys_write(team, current, req)?;
    match state.storage.write_roster(team, write).await {
        Ok(()) => Ok(Answer(())),
        Err(StorageError::Conflict(m)) if m.contains("roster") => Err(ApiError::roster_moved()),
        Err(e) => Err(e.into()),
    }
}

/// The write a key request makes: its rotation link (when the epoch is new)
/// and its envelopes, each checked against the roster that results.
pub fn keys_write(
    team: Uuid,
    current: Option<Roster>,
    req: PutKeysRequest,
) -> Result<RosterWrite, ApiError> {
    if req.epoch == 0 {
        return Err(ApiError::invalid("epoch must be at least 1"));
    }
    for e in &req.envelopes {
        if e.epoch != req.epoch {
            return Err(ApiError::invalid("envelope epoch invalid"));
        }
    }
    let (roster, mut write) = match (current, req.link) {
        // A team from before signed rosters, until a supervisor signs one.
        (None, None) => (None, RosterWrite::default()),
        (None, Some(_)) => return Err(ApiError::invalid("the team has no roster yet")),
        // Keys of an epoch the roster made, for a member that lacks them: an
        // epoch no signed rotation made would only move the team's epoch hint.
        (Some(current), None) => {
            if current.epoch_made_at(req.epoch).is_none() {
                return Err(ApiError::invalid(
                    "no signed rotation made this epoch: send its link",
                ));
            }
            (Some(current), RosterWrite::default())
        }
        (Some(current), Some(link)) => {
            let checked =
                roster::check(team, Some(current), &[link]).map_err(ApiError::untrusted)?;
            if !matches!(checked.statements[0].entry, Entry::Rotate { epoch } if epoch == req.epoch)
            {
                return Err(ApiError::invalid("the link must make this request's epoch"));
            }
            (Some(checked.roster), checked.write)
        }
    };
    let mut envelopes = Vec::with_capacity(req.envelopes.len());
    for e in req.envelopes {
        if let Some(roster) = &roster {
            let (Some(signer), Some(signature)) = (e.signer, e.signature.as_deref()) else {
                return Err(ApiError::invalid("every envelope must be signed"));
            };
            let facts = EnvelopeFacts {
                team,
                device: e.device_id,
                key_class: e.key_class,
                epoch: e.epoch,
                wrapped: &e.wrapped,
            };
            roster
                .check_envelope(&facts, signer, signature)
                .map_err(ApiError::untrusted)?;
            let may_hold = roster.member(e.device_id).is_some_and(|m| {
                m.is_active() && m.member.role.key_classes().contains(&e.key_class)
            });
            if !may_hold {
                return Err(ApiError::invalid(
                    "an envelope goes only to an active member whose role holds its class",
                ));
            }
        }
        envelopes.push(Envelope {
            device_id: e.device_id,
            key_class: e.key_class.as_str().to_string(),
            wrapped: e.wrapped,
            signer: e.signer,
            signature: e.signature,
        });
    }
    write.keys = Some((req.epoch, envelopes));
    Ok(write)
}

pub async fn get(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
) -> Result<Answer<GetKeys>, ApiError> {
    let envelopes = state.storage.key_envelopes_for(caller.0.id).await?;
    let key_epoch = state.storage.current_epoch(caller.0.team_id).await?;
    Ok(Answer(KeysResponse {
        key_epoch,
        envelopes: envelopes
            .into_iter()
            .map(|e| {
                Ok(KeyEnvelope {
                    device_id: e.device_id,
                    key_class: stored(&e.key_class)?,
                    epoch: e.epoch,
                    wrapped: e.wrapped,
                    signer: e.signer,
                    signature: e.signature,
                })
            })
            .collect::<Result<_, ApiError>>()?,
    }))
}
