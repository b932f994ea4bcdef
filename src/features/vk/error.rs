//! VK Ads API errors: what went wrong in terms a caller can act on, and how
//! an answer's status and body map to them.

use std::time::Duration;

use reqwest::{Response, StatusCode};
use serde_json::Value;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum VkError {
    /// Client id / secret rejected or revoked: the owner must reconnect.
    #[error("VK Ads rejected the credentials ({0}): reconnect this account")]
    InvalidCredentials(String),
    /// The access token expired or is invalid: refresh it and retry.
    #[error("the VK Ads access token is no longer valid ({0})")]
    TokenExpired(String),
    /// 403 on the token endpoint: the app already holds 5 live tokens.
    #[error("VK Ads allows only 5 live tokens per client id and they are in use: delete old tokens (oauth2/token/delete.json) or wait for them to expire")]
    TokenLimit,
    /// Too many requests even after backing off.
    #[error("VK Ads rate limit reached; retry after {retry_after:?}")]
    RateLimited {
        /// How long to wait before the next request.
        retry_after: Duration,
    },
    /// ERR_LIMIT_EXCEEDED on a request that cannot be split further.
    #[error("VK Ads refused the request as too large: {0}")]
    LimitExceeded(String),
    /// ERR_ACCESS_DENIED: the account may not see these objects.
    #[error("VK Ads denied access: {0}")]
    AccessDenied(String),
    /// ERR_WRONG_PARAMETER / ERR_WRONG_DATE / ERR_WRONG_IDS: a bug on our side or bad input.
    #[error("VK Ads rejected the request: {0}")]
    Invalid(String),
    /// ERR_INTERNAL or a 5xx: retry later.
    #[error("VK Ads failed on its side: {0}")]
    Server(String),
    /// Network error or timeout.
    #[error("VK Ads is unreachable: {0}")]
    Http(#[from] reqwest::Error),
    /// The answer is not in the documented shape.
    #[error("unexpected VK Ads answer: {0}")]
    Decode(String),
}

impl VkError {
    /// Whether retrying later may help (a job should retry, not give up).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            VkError::RateLimited { .. } | VkError::Server(_) | VkError::Http(_)
        )
    }
}

/// The JSON body of a successful answer, or the error it describes.
pub(super) async fn json_of(response: Response) -> Result<Value, VkError> {
    let status = response.status();
    let text = response.text().await?;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status.is_success() {
        return match body {
            Value::Null => Err(VkError::Decode(format!("not JSON (HTTP {status})"))),
            body => Ok(body),
        };
    }
    Err(error_of(status, &body))
}

/// Maps an unsuccessful answer to a [`VkError`].
pub(super) fn error_of(status: StatusCode, body: &Value) -> VkError {
    // 401 bodies are `{code, message}`; OAuth ones `{error, error_description}`;
    // API errors `{error: {code, message}}`.
    let nested = &body["error"];
    let code = nested["code"]
        .as_str()
        .or_else(|| body["code"].as_str())
        .or_else(|| nested.as_str())
        .unwrap_or_default()
        .to_string();
    let message = nested["message"]
        .as_str()
        .or_else(|| body["message"].as_str())
        .or_else(|| body["error_description"].as_str())
        .unwrap_or_default();
    let what = if message.is_empty() {
        code.clone()
    } else {
        format!("{code}: {message}")
    };
    match code.as_str() {
        "invalid_client" | "revoked_token" | "invalid_grant" | "unauthorized_client" => {
            VkError::InvalidCredentials(code)
        }
        "invalid_token" | "expired_token" => VkError::TokenExpired(code),
        "ERR_LIMIT_EXCEEDED" => VkError::LimitExceeded(what),
        "ERR_ACCESS_DENIED" => VkError::AccessDenied(what),
        "ERR_WRONG_PARAMETER" | "ERR_WRONG_DATE" | "ERR_WRONG_IDS" => VkError::Invalid(what),
        _ if status == StatusCode::UNAUTHORIZED => VkError::TokenExpired(what),
        _ if status == StatusCode::FORBIDDEN => VkError::AccessDenied(what),
        _ if status.is_server_error() || code == "ERR_INTERNAL" => VkError::Server(what),
        _ => VkError::Invalid(format!("HTTP {status} {what}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_map_to_actionable_errors() {
        let cases = [
            (401, json!({"code": "invalid_client"}), "InvalidCredentials"),
            (401, json!({"code": "expired_token"}), "TokenExpired"),
            (401, json!({"error": "invalid_grant"}), "InvalidCredentials"),
            (
                400,
                json!({"error": {"code": "ERR_LIMIT_EXCEEDED", "message": "m"}}),
                "LimitExceeded",
            ),
            (
                403,
                json!({"error": {"code": "ERR_ACCESS_DENIED"}}),
                "AccessDenied",
            ),
            (400, json!({"error": {"code": "ERR_WRONG_DATE"}}), "Invalid"),
            (502, json!(null), "Server"),
            (401, json!({}), "TokenExpired"),
            (418, json!({}), "Invalid"),
        ];
        for (status, body, want) in cases {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT);
            let got = format!("{:?}", error_of(status, &body));
            assert!(got.starts_with(want), "{status} {body}: {got}");
        }
        assert!(VkError::Server("x".into()).is_transient());
        assert!(!VkError::InvalidCredentials("x".into()).is_transient());
    }
}
