//! A local Telegram Bot API server for the `chat` console and end-to-end tests.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` and serves the methods ppc-helper uses
//! (getMe, getUpdates, sendMessage, edits, deleteMessage, answerCallbackQuery,
//! sendDocument/sendPhoto, sendChatAction, bot commands, webhook settings, getFile and
//! file downloads) with the real server's JSON shapes and error texts. Point teloxide at
//! it with `Bot::new(token).set_api_url(emulator.api_url())`.
//!
//! Every request is checked against the embedded Bot API spec (`spec/`, teloxide's
//! `custom_v2.json`, MIT) and the prose-only rules (callback_data 1–64 bytes, text and
//! caption limits after entity parsing). A malformed request is answered like Telegram
//! would (400 `Bad Request: …`) and recorded in [`Emulator::violations`]: any entry is a
//! test failure. Legitimate failures the bot must handle (message not modified, blocked
//! chat, stale callback query, injected 429) are answered but not recorded.
//!
//! Tests act as users through the methods in `user.rs` (send text, commands, documents,
//! press buttons, block the bot) and read the outcome through `inspect.rs` (messages,
//! callback answers, call log, commands, violations).

mod error;
mod inspect;
mod json;
mod markup;
mod methods;
mod multipart;
mod params;
mod rules;
mod server;
mod spec;
mod state;
mod types;
mod user;
mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

pub use types::{
    BotMessage, Button, Call, CallbackAnswer, CommandSet, EmulatorError, SentFile, TestUser,
    Violation,
};

use state::{BotInfo, Shared};

/// A running emulator. Clones share one server; it stops when the last clone is dropped.
#[derive(Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    api_url: url::Url,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl Emulator {
    /// Starts a server for `bot_token` (`<bot id>:<secret>`) on a free local port.
    /// The bot's user id is the token's numeric prefix. Needs a Tokio runtime.
    pub async fn start(bot_token: &str) -> Result<Emulator, EmulatorError> {
        let spec = spec::Spec::get().map_err(EmulatorError::Start)?;
        let bot_id = bot_token
            .split_once(':')
            .and_then(|(id, secret)| (!secret.is_empty()).then_some(id))
            .and_then(|id| id.parse::<i64>().ok())
            .filter(|id| *id > 0)
            .ok_or_else(|| {
                EmulatorError::Start("bot token must look like <numeric id>:<secret>".into())
            })?;
        let bot = BotInfo {
            id: bot_id,
            first_name: "PPC Helper (emulator)".into(),
            username: "ppc_helper_emulator_bot".into(),
        };
        let shared = Arc::new(Shared::new(bot_token, bot));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|e| EmulatorError::Start(format!("bind 127.0.0.1:0: {e}")))?;
        let addr = listener
            .local_addr()
            .map_err(|e| EmulatorError::Start(format!("local address: {e}")))?;
        let api_url = url::Url::parse(&format!("http://{addr}/"))
            .map_err(|e| EmulatorError::Start(format!("api url: {e}")))?;
        let app = server::router(shared.clone(), spec);
        let stop = shared.cancel_token();
        tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(stop.cancelled_owned());
            if let Err(e) = serve.await {
                tracing::warn!(error = %e, "telegram emulator server stopped");
            }
        });
        tracing::debug!(%addr, "telegram emulator listening");
        Ok(Emulator {
            inner: Arc::new(Inner {
                shared,
                addr,
                api_url,
            }),
        })
    }

    /// The base URL to give teloxide (`Bot::set_api_url`), e.g. `http://127.0.0.1:PORT/`.
    pub fn api_url(&self) -> url::Url {
        self.inner.api_url.clone()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The token the server accepts.
    pub fn token(&self) -> &str {
        &self.inner.shared.token
    }

    /// The bot's user id (the token's numeric prefix).
    pub fn bot_id(&self) -> i64 {
        self.inner.shared.read(|st| st.bot.id)
    }

    /// The bot's username (without `@`), as getMe reports it.
    pub fn bot_username(&self) -> String {
        self.inner.shared.read(|st| st.bot.username.clone())
    }

    fn shared(&self) -> &Shared {
        &self.inner.shared
    }
}
