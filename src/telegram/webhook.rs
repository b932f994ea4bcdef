//! Webhook mode: the secret check in front of teloxide's route, and the
//! `ppc-helper webhook set|delete|info` deploy-time commands.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::Router;
use secrecy::ExposeSecret;
use teloxide::payloads::{DeleteWebhookSetters, SetWebhookSetters};
use teloxide::prelude::Requester;
use teloxide::Bot;

use crate::config::TelegramConfig;

const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Compares in time independent of where the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Wraps teloxide's webhook router with a constant-time secret check
/// (teloxide compares with `==`).
pub fn guard(router: Router, secret: String) -> Router {
    router.layer(axum::middleware::from_fn(
        move |request: Request, next: Next| {
            let secret = secret.clone();
            async move {
                let given = request
                    .headers()
                    .get(SECRET_HEADER)
                    .map(|v| v.as_bytes().to_vec())
                    .unwrap_or_default();
                if constant_time_eq(&given, secret.as_bytes()) {
                    next.run(request).await
                } else {
                    StatusCode::UNAUTHORIZED.into_response()
                }
            }
        },
    ))
}

/// What `ppc-helper webhook …` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WebhookAction {
    /// Register `telegram.webhook.url` with its secret (once per deploy).
    Set,
    /// Remove the webhook (back to long polling).
    Delete,
    /// Show what Telegram has registered.
    Info,
}

/// Runs a webhook action and returns a line to print.
pub async fn run(bot: &Bot, cfg: &TelegramConfig, action: WebhookAction) -> anyhow::Result<String> {
    match action {
        WebhookAction::Set => {
            let url = reqwest::Url::parse(&cfg.webhook.url)
                .map_err(|e| anyhow::anyhow!("telegram.webhook.url is not a URL: {e}"))?;
            let secret = cfg
                .webhook
                .secret
                .as_ref()
                .map(|s| s.expose_secret().to_string())
                .ok_or_else(|| anyhow::anyhow!("telegram.webhook.secret is required"))?;
            bot.set_webhook(url.clone()).secret_token(secret).await?;
            Ok(format!("webhook set to {url}"))
        }
        WebhookAction::Delete => {
            bot.delete_webhook().drop_pending_updates(false).await?;
            Ok("webhook deleted; the bot can long-poll again".into())
        }
        WebhookAction::Info => {
            let info = bot.get_webhook_info().await?;
            Ok(match info.url {
                Some(url) => format!(
                    "webhook: {url}, pending updates: {}, last error: {}",
                    info.pending_update_count,
                    info.last_error_message.unwrap_or_else(|| "none".into())
                ),
                None => "no webhook set (long polling)".into(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn compares_secrets() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"a"));
    }
}
