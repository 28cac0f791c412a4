//! `POST /v1/sync/compact` (supervisors): drop log versions that a merged
//! version supersedes.
//!
//! The hub cannot read versions, so it trusts the supervisor's device to name
//! only versions its merged version covers; it checks what it can: the kept
//! version is in the team's log under that record, and only versions of that
//! record older than the kept one go. A kept version the log does not hold is
//! 404 `not_found`; entries before it in the request stay compacted
//! (compaction is idempotent, so the client may simply retry).

use fieldbook_proto::endpoint::Compact;
use std::sync::Arc;

use axum::extract::State;
use fieldbook_proto::sync::{CompactResponse, MAX_COMPACT_DROPS, MAX_COMPACT_ENTRIES};

use super::auth::AuthDevice;
use super::error::ApiError;
use super::typed::{Answer, Body};
use super::AppState;
use crate::storage::StorageError;

pub async fn compact(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(req): Body<Compact>,
) -> Result<Answer<Compact>, ApiError> {
    caller.require_supervisor()?;
    if req.compactions.len() > MAX_COMPACT_ENTRIES {
        return Err(ApiError::invalid(format!(
            "more than {MAX_COMPACT_ENTRIES} records in one compact request"
        )));
    }
    let drops: usize = req
        .compactions
        .iter()
        .map(|c| c.drop_version_ids.len())
        .sum();
    if drops > MAX_COMPACT_DROPS {
        return Err(ApiError::invalid(format!(
            "more than {MAX_COMPACT_DROPS} versions to drop in one compact request"
        )));
    }
    let team = caller.0.team_id;
    let mut dropped = 0u32;
    for entry in req.compactions {
        dropped += match state
            .storage
            .compact(
                team,
                entry.record_id,
                entry.keep_version_id,
                entry.drop_version_ids,
            )
            .await
        {
            Ok(n) => n,
            Err(StorageError::NotFound(_)) => {
                return Err(ApiError::not_found(
                    "a kept version is not in this record's log",
                ))
            }
            Err(e) => return Err(e.into()),
        };
    }
    tracing::info!(device = %caller.0.id, dropped, "log compacted");
    Ok(Answer(CompactResponse { dropped }))
}
