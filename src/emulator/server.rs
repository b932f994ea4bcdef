//! HTTP front: `POST|GET /bot<token>/<method>` and `GET /file/bot<token>/<path>`.
//!
//! One fallback handler parses the path itself so that doubled slashes, any method-name
//! case and percent-encoded file paths (teloxide encodes `/` as `%2F`) all work.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

use super::error::ApiError;
use super::methods;
use super::multipart::percent_decode;
use super::params::Params;
use super::spec::Spec;
use super::state::Shared;

/// Bodies up to this size are read; the 50 MB upload rule is checked with a
/// Telegram-style error rather than axum's plain-text rejection.
const MAX_BODY: usize = 64 * 1024 * 1024;

#[derive(Clone)]
struct AppState {
    shared: Arc<Shared>,
    spec: &'static Spec,
}

/// The emulator's router.
pub(crate) fn router(shared: Arc<Shared>, spec: &'static Spec) -> Router {
    Router::new()
        .fallback(handle)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(AppState { shared, spec })
}

async fn handle(
    State(app): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["file", bot, rest @ ..] if bot.starts_with("bot") => download(
            &app.shared,
            &percent_decode(&bot[3..]),
            &percent_decode(&rest.join("/")),
        ),
        [bot, method] if bot.starts_with("bot") => {
            if percent_decode(&bot[3..]) != app.shared.token {
                return answer(Err(ApiError::unauthorized()));
            }
            let content_type = headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            let params = Params::from_request(uri.query(), content_type, &body);
            answer(methods::call(&app.shared, app.spec, method, params).await)
        }
        [bot] if bot.starts_with("bot") => answer(Err(ApiError::method_not_found())),
        _ => not_found(),
    }
}

fn answer(result: Result<Value, ApiError>) -> Response {
    match result {
        Ok(value) => json_response(StatusCode::OK, json!({"ok": true, "result": value})),
        Err(e) => {
            let status = StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST);
            json_response(status, e.body())
        }
    }
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn not_found() -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        json!({"ok": false, "error_code": 404, "description": "Not Found"}),
    )
}

fn download(shared: &Shared, token: &str, path: &str) -> Response {
    if token != shared.token {
        return answer(Err(ApiError::unauthorized()));
    }
    let file = shared.read(|st| st.files.values().find(|f| f.path == path).cloned());
    match file {
        Some(f) => {
            let mime = f
                .mime
                .clone()
                .unwrap_or_else(|| "application/octet-stream".to_string());
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, mime)],
                Body::from(f.data),
            )
                .into_response()
        }
        None => not_found(),
    }
}
