//! `POST /v1/sync/push` and `GET /v1/sync/pull`.

use fieldbook_proto::endpoint::{Pull, PullQuery, Push};
use std::sync::Arc;

use axum::extract::{Query, State};
use fieldbook_proto::sync::{PullResponse, PulledVersion, PushResponse, DEFAULT_PULL_LIMIT};
use fieldbook_proto::SealedVersion;

use super::auth::{AuthDevice, Bearer};
use super::error::{stored, ApiError};
use super::typed::{Answer, Body};
use super::AppState;
use crate::storage::{now, NewVersion, Role, MAX_PULL_LIMIT};
use axum::http::StatusCode;
use fieldbook_proto::vocab::{RecordKind, SensitivityClass};

pub const MAX_BATCH: usize = 1000;
pub const MAX_BODY: usize = 64 * 1024;
/// Whether a role may hold (and so receive) keys of this class: the shared
/// role table, which every device enforces too.
pub fn may_hold(role: Role, class: SensitivityClass) -> bool {
    role.key_classes().contains(&class)
}

fn forbidden_kind(msg: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "forbidden_kind", msg)
}

/// A push takes two short turns on the storage: the token check (with the
/// last-seen mark), then the push itself. The token is checked before the
/// body is read, so a bad one gets 401 with its body unread, and no pooled
/// connection is held while the body arrives: a few phones uploading slowly
/// would otherwise hold the whole pool.
pub async fn push(
    State(state): State<Arc<AppState>>,
    caller: AuthDevice,
    Body(req): Body<Push>,
) -> Result<Answer<Push>, ApiError> {
    if req.versions.len() > MAX_BATCH {
        return Err(ApiError::invalid("more than 1000 versions in one push"));
    }
    // Unknown kinds and classes were refused as the body was read.
    for v in &req.versions {
        if v.body.is_empty() || v.body.len() > MAX_BODY {
            return Err(ApiError::invalid("a version body must be 1 byte to 64 KiB"));
        }
    }
    let role = caller.0.role;
    for v in &req.versions {
        if v.kind.sensitivity() != v.key_class {
            return Err(forbidden_kind("kind sealed under the wrong key class"));
        }
        if !role.may_write(v.kind) || !may_hold(role, v.key_class) {
            return Err(forbidden_kind("this role may not write this kind"));
        }
    }
    let versions = req
        .versions
        .into_iter()
        .map(|v| NewVersion {
            version_id: v.version_id,
            record_id: v.record_id,
            kind: v.kind.as_str().to_string(),
            key_class: v.key_class.as_str().to_string(),
            key_epoch: v.key_epoch,
            body: v.body,
        })
        .collect();
    let out = state
        .storage
        .push(caller.0.team_id, caller.0.id, versions)
        .await?;
    Ok(Answer(PushResponse {
        stored: out.stored,
        duplicates: out.duplicates,
    }))
}

/// The cursor and page size a pull asks for.
fn pull_query(
    params: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<(i64, u32), ApiError> {
    let Query(p) = params.map_err(|_| ApiError::invalid("bad since or limit"))?;
    let since =
        i64::try_from(p.since.unwrap_or(0)).map_err(|_| ApiError::invalid("since too large"))?;
    let limit = p.limit.unwrap_or(DEFAULT_PULL_LIMIT);
    if !(1..=MAX_PULL_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit must be 1 to 1000"));
    }
    Ok((since, limit))
}

/// A pull takes one pooled connection: the token lookup, the last-seen mark
/// and the page are one storage call.
pub async fn pull(
    State(state): State<Arc<AppState>>,
    bearer: Bearer,
    params: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Answer<Pull>, ApiError> {
    let (since, limit) = match pull_query(params) {
        Ok(query) => query,
        Err(bad) => {
            // A bad token is still told 401 (or 410) before a bad query.
            bearer.authenticate(&state).await?;
            return Err(bad);
        }
    };
    let found = state
        .storage
        .pull_for(bearer.hash(), now(), since, limit)
        .await?;
    let (caller, sync) = bearer.accept(found)?;
    let page = sync.page;
    let role = caller.role;
    // A device's own versions are left out: it has them, and sending them back
    // would double a first sync's download for nothing. The cursor still
    // moves past them.
    let mut versions = Vec::with_capacity(page.versions.len());
    for v in page.versions {
        let key_class: SensitivityClass = stored(&v.key_class)?;
        if !may_hold(role, key_class) || v.pushed_by == Some(caller.id) {
            continue;
        }
        versions.push(PulledVersion {
            seq: v.seq as u64,
            version: SealedVersion {
                version_id: v.version_id,
                record_id: v.record_id,
                kind: stored::<RecordKind>(&v.kind)?,
                key_class,
                key_epoch: v.key_epoch,
                body: v.body,
            },
        });
    }
    Ok(Answer(PullResponse {
        versions,
        next: page.next_cursor.max(0) as u64,
        more: page.more,
        key_epoch: sync.key_epoch,
        roster_head: sync.roster_head,
    }))
}
