//! `/healthz` (the process is up) and `/readyz` (database and queue usable).

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use super::HttpState;

/// Liveness: answers as long as the process serves HTTP.
pub(super) async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Readiness: 200 when the database answers and the queue schema exists,
/// otherwise 503 with the reason.
pub(super) async fn readyz(State(state): State<HttpState>) -> (StatusCode, Json<Value>) {
    match tokio::time::timeout(Duration::from_secs(2), probe(&state)).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({"status": "ready"}))),
        Ok(Err(reason)) => unavailable(reason),
        Err(_) => unavailable("the database did not answer within 2 s".into()),
    }
}

fn unavailable(reason: String) -> (StatusCode, Json<Value>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({"status": "unavailable", "reason": reason})),
    )
}

async fn probe(state: &HttpState) -> Result<(), String> {
    let client = state
        .pool
        .get()
        .await
        .map_err(|error| format!("database unreachable: {error}"))?;
    let row = client
        .query_one(
            "SELECT to_regclass('graphile_worker._private_jobs') IS NOT NULL",
            &[],
        )
        .await
        .map_err(|error| format!("database query failed: {error}"))?;
    let has_queue: bool = row
        .try_get(0)
        .map_err(|error| format!("database query failed: {error}"))?;
    if has_queue {
        Ok(())
    } else {
        Err("the job queue schema is missing: run `ppc-helper migrate`".into())
    }
}
