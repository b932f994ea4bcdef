//! Bot API error answers (`{"ok":false,"error_code":…,"description":…}`).

use serde_json::{json, Value};

/// An error answer; `violation` marks requests that broke the API contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: u16,
    pub description: String,
    pub retry_after: Option<u32>,
    /// The bot did something the real API rejects as malformed: a test failure.
    pub violation: bool,
}

impl ApiError {
    fn new(code: u16, description: String, violation: bool) -> ApiError {
        ApiError {
            code,
            description,
            retry_after: None,
            violation,
        }
    }

    /// 400 for a legitimate situation the bot must handle (message not found, …).
    pub fn bad(what: &str) -> ApiError {
        ApiError::new(400, format!("Bad Request: {what}"), false)
    }

    /// 400 for a malformed request (a contract violation).
    pub fn invalid(what: &str) -> ApiError {
        ApiError::new(400, format!("Bad Request: {what}"), true)
    }

    /// 403, e.g. `bot was blocked by the user`.
    pub fn forbidden(what: &str) -> ApiError {
        ApiError::new(403, format!("Forbidden: {what}"), false)
    }

    /// 409, e.g. a second getUpdates consumer.
    pub fn conflict(what: &str) -> ApiError {
        ApiError::new(409, format!("Conflict: {what}"), false)
    }

    /// 404 for a method the server does not know.
    pub fn method_not_found() -> ApiError {
        ApiError::new(404, "Not Found: method not found".into(), false)
    }

    /// 401 for a wrong token.
    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "Unauthorized".into(), false)
    }

    /// 413 for an upload over the size limit.
    pub fn too_large() -> ApiError {
        ApiError::new(413, "Request Entity Too Large".into(), true)
    }

    /// 429 with `parameters.retry_after`.
    pub fn too_many(retry_after: u32) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(
                429,
                format!("Too Many Requests: retry after {retry_after}"),
                false,
            )
        }
    }

    /// The JSON body of the answer.
    pub fn body(&self) -> Value {
        let mut v = json!({"ok": false, "error_code": self.code, "description": self.description});
        if let Some(n) = self.retry_after {
            v["parameters"] = json!({"retry_after": n});
        }
        v
    }
}
