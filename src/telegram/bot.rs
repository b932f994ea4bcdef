//! Building the teloxide `Bot` from the config.

use std::time::Duration;

use anyhow::Context;
use secrecy::ExposeSecret;
use teloxide::adaptors::throttle::Settings;
use teloxide::adaptors::Throttle;
use teloxide::Bot;

use crate::config::TelegramConfig;

/// Total timeout of one Bot API request: long enough for a 50 MB upload on a
/// slow link (teloxide's default of 17 s kills PDF uploads).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// The bot used by handlers: answers, edits and replies go out directly.
pub type HandlerBot = Bot;

/// The bot used by jobs: sends are throttled to Telegram's limits; a 429 is
/// returned to the caller (who reschedules) instead of being slept on.
pub type SenderBot = Throttle<Bot>;

/// A `Bot` with the configured token and API URL and a long request timeout.
pub fn build(cfg: &TelegramConfig) -> anyhow::Result<Bot> {
    let token = cfg
        .token
        .as_ref()
        .map(|token| token.expose_secret().to_string())
        .filter(|token| !token.is_empty())
        .context("telegram.token is not set (or TELOXIDE_TOKEN)")?;
    let client = teloxide::net::default_reqwest_settings()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("building the Telegram HTTP client")?;
    let url = reqwest::Url::parse(&cfg.api_url)
        .with_context(|| format!("telegram.api_url {:?} is not a URL", cfg.api_url))?;
    Ok(Bot::with_client(token, client).set_api_url(url))
}

/// The throttled sender over `bot` (spawns the throttle's worker task).
pub fn sender(bot: Bot) -> SenderBot {
    let settings = Settings::default().no_retry();
    let (throttled, worker) = Throttle::with_settings(bot, settings);
    tokio::spawn(worker);
    throttled
}
