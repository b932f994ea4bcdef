//! getUpdates (long polling with offset semantics) and the webhook methods.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::time::Instant;

use crate::emulator::error::ApiError;
use crate::emulator::params::Params;
use crate::emulator::state::{Shared, State, Webhook};

/// The Bot API caps the long-poll timeout at 50 seconds.
const MAX_TIMEOUT: u64 = 50;

pub(super) async fn get_updates(shared: &Shared, p: &Params) -> Result<Value, ApiError> {
    let limit = p.i64("limit").unwrap_or(100).clamp(1, 100) as usize;
    let timeout = p.i64("timeout").unwrap_or(0).clamp(0, MAX_TIMEOUT as i64) as u64;
    let deadline = Instant::now() + Duration::from_secs(timeout);
    let mut rx = shared.subscribe();
    let generation = shared.with(|st| {
        if st.webhook.is_some() {
            return Err(ApiError::conflict(
                "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
            ));
        }
        confirm(st, p.i64("offset"));
        st.poll_generation += 1;
        Ok(st.poll_generation)
    })?;
    loop {
        rx.borrow_and_update();
        let batch = shared.read(|st| {
            if st.poll_generation != generation {
                return Err(ApiError::conflict(
                    "terminated by other getUpdates request; make sure that only one bot instance is running",
                ));
            }
            Ok(st.updates.iter().take(limit).map(|(_, u)| u.clone()).collect::<Vec<_>>())
        })?;
        if !batch.is_empty() || Instant::now() >= deadline {
            return Ok(Value::Array(batch));
        }
        tokio::select! {
            changed = rx.changed() => {
                if changed.is_err() {
                    return Ok(Value::Array(Vec::new()));
                }
            }
            _ = tokio::time::sleep_until(deadline) => {}
            _ = shared.closed() => return Ok(Value::Array(Vec::new())),
        }
    }
}

/// Drops updates the offset confirms: ids below a positive offset; for a negative
/// offset, everything but the last `-offset` updates.
fn confirm(st: &mut State, offset: Option<i64>) {
    match offset {
        Some(o) if o > 0 => st.updates.retain(|(id, _)| *id >= o),
        Some(o) if o < 0 => {
            let keep = o.unsigned_abs() as usize;
            while st.updates.len() > keep {
                st.updates.pop_front();
            }
        }
        _ => {}
    }
}

pub(super) fn set_webhook(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let url = p.str("url").unwrap_or("").trim();
    if url.is_empty() {
        st.webhook = None;
    } else {
        let parsed = url::Url::parse(url).map_err(|_| {
            ApiError::invalid("bad webhook: Failed to resolve host: Name or service not known")
        })?;
        if parsed.scheme() != "https" {
            return Err(ApiError::invalid(
                "bad webhook: An HTTPS URL must be provided for webhook",
            ));
        }
        if !matches!(parsed.port_or_known_default(), Some(443 | 80 | 88 | 8443)) {
            return Err(ApiError::invalid(
                "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
            ));
        }
        if let Some(secret) = p.str("secret_token") {
            let ok = secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            if !ok {
                return Err(ApiError::invalid(
                    "bad webhook: secret token contains unallowed characters",
                ));
            }
        }
        st.webhook = Some(Webhook {
            url: url.to_string(),
            max_connections: p.i64("max_connections"),
            allowed_updates: p.values.get("allowed_updates").cloned(),
        });
    }
    if p.flag("drop_pending_updates") {
        st.updates.clear();
    }
    Ok(Value::Bool(true))
}

pub(super) fn delete_webhook(st: &mut State, p: &Params) -> Value {
    st.webhook = None;
    if p.flag("drop_pending_updates") {
        st.updates.clear();
    }
    Value::Bool(true)
}

pub(super) fn get_webhook_info(st: &State) -> Value {
    let mut v = json!({
        "url": "",
        "has_custom_certificate": false,
        "pending_update_count": st.updates.len(),
    });
    if let Some(hook) = &st.webhook {
        v["url"] = json!(hook.url);
        v["max_connections"] = json!(hook.max_connections.unwrap_or(40));
        if let Some(allowed) = &hook.allowed_updates {
            v["allowed_updates"] = allowed.clone();
        }
    }
    v
}
