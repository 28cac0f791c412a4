//! `GET /v1/health`

use fieldbook_proto::endpoint::{Health, HealthAnswer};
use std::sync::Arc;

use axum::extract::State;
use fieldbook_proto::PROTOCOL_VERSION;

use super::typed::Answer;
use super::AppState;

pub async fn health(State(state): State<Arc<AppState>>) -> Answer<Health> {
    Answer(HealthAnswer {
        status: "ok".into(),
        protocol: PROTOCOL_VERSION,
        backend: state.storage.backend().into(),
    })
}
