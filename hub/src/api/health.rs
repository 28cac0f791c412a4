//! `GET /v1/health`

use std::sync::Arc;

use axum::extract::State;
use axum::Json;
use fieldbook_proto::PROTOCOL_VERSION;
use serde_json::{json, Value};

use super::AppState;

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({"status": "ok", "protocol": PROTOCOL_VERSION, "backend": state.storage.backend()}))
}
