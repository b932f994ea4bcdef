//! The handler tree and running it: long polling, or a webhook mounted in our
//! HTTP server.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use secrecy::ExposeSecret;
use teloxide::dispatching::{Dispatcher, UpdateFilterExt};
use teloxide::error_handlers::LoggingErrorHandler;
use teloxide::types::Update;
use teloxide::update_listeners::webhooks;
use teloxide::{dptree, Bot};
use tokio::task::JoinHandle;

use super::core::Core;
use super::handlers;
use super::webhook;
use crate::config::TelegramConfig;
use crate::shutdown::Shutdown;

/// The dispatcher's handler type.
pub type UpdateHandler = teloxide::dispatching::UpdateHandler<anyhow::Error>;

/// The handler tree: messages and button presses go to their endpoints, which
/// check access first; other update kinds are ignored.
pub fn schema() -> UpdateHandler {
    dptree::entry()
        .branch(Update::filter_message().endpoint(handlers::on_message))
        .branch(Update::filter_callback_query().endpoint(handlers::on_callback))
}

/// A running dispatcher.
pub struct TelegramTask {
    task: JoinHandle<()>,
}

impl TelegramTask {
    /// Waits until the dispatcher has stopped.
    pub async fn join(self) -> anyhow::Result<()> {
        self.task.await.context("the Telegram dispatcher panicked")
    }
}

/// Starts the dispatcher. In webhook mode the returned router must be served by
/// the app's HTTP server; in polling mode it is `None`.
pub async fn start(
    cfg: &TelegramConfig,
    bot: Bot,
    core: Arc<Core>,
    shutdown: &Shutdown,
) -> anyhow::Result<(TelegramTask, Option<Router>)> {
    let mut dispatcher = Dispatcher::builder(bot.clone(), schema())
        .dependencies(dptree::deps![core])
        .default_handler(|_| async {})
        .error_handler(LoggingErrorHandler::with_custom_text(
            "a Telegram handler failed",
        ))
        .build();
    let token = dispatcher.shutdown_token();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        stop.wait().await;
        // Err means the dispatcher is not running yet or already idle.
        if let Ok(done) = token.shutdown() {
            done.await;
        }
    });
    if cfg.webhook.url.trim().is_empty() {
        let task = tokio::spawn(async move { dispatcher.dispatch().await });
        tracing::info!("Telegram: long polling");
        return Ok((TelegramTask { task }, None));
    }
    let secret = cfg
        .webhook
        .secret
        .as_ref()
        .map(|s| s.expose_secret().to_string())
        .context("telegram.webhook.secret is required with telegram.webhook.url")?;
    let url = reqwest::Url::parse(&cfg.webhook.url).context("telegram.webhook.url")?;
    let mut options = webhooks::Options::new(([127, 0, 0, 1], 0).into(), url);
    options.path = cfg.webhook.listen_path.clone();
    options.secret_token = Some(secret.clone());
    let (listener, _stop_flag, router) = webhooks::axum_no_setup(options);
    let router = webhook::guard(router, secret);
    let task = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(
                listener,
                LoggingErrorHandler::with_custom_text("webhook listener"),
            )
            .await
    });
    tracing::info!(path = %cfg.webhook.listen_path, "Telegram: webhook");
    Ok((TelegramTask { task }, Some(router)))
}
