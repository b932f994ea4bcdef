//! Progress of long jobs: one message, edited at most once every 2 seconds.

use std::time::{Duration, Instant};

use teloxide::payloads::EditMessageTextSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, MessageId, ParseMode};
use teloxide::{ApiError, Bot, RequestError};

/// The shortest time between two edits of a progress message.
pub const MIN_EDIT_INTERVAL: Duration = Duration::from_secs(2);

/// A progress message a job keeps up to date ("Competitor 3/7: 24 ads"),
/// edited through `B`: a plain [`Bot`] or the throttled sender bot.
pub struct Progress<B = Bot> {
    bot: B,
    chat: ChatId,
    message: MessageId,
    last_edit: Option<Instant>,
    pending: Option<String>,
    shown: Option<String>,
}

impl<B: Requester<Err = RequestError>> Progress<B> {
    /// Progress on an existing message (the handler's "queued…" reply).
    pub fn new(bot: B, chat: ChatId, message: MessageId) -> Self {
        Self {
            bot,
            chat,
            message,
            last_edit: None,
            pending: None,
            shown: None,
        }
    }

    /// Shows `text` now if the last edit is 2 s old, otherwise keeps it for the
    /// next call; intermediate states may be skipped, never the final one.
    pub async fn update(&mut self, text: impl Into<String>) -> Result<(), RequestError> {
        self.pending = Some(text.into());
        let due = self
            .last_edit
            .is_none_or(|at| at.elapsed() >= MIN_EDIT_INTERVAL);
        if due {
            self.flush().await?;
        }
        Ok(())
    }

    /// Shows `text` regardless of the interval (the final state).
    pub async fn finish(&mut self, text: impl Into<String>) -> Result<(), RequestError> {
        self.pending = Some(text.into());
        self.flush().await
    }

    async fn flush(&mut self) -> Result<(), RequestError> {
        let Some(text) = self.pending.take() else {
            return Ok(());
        };
        if self.shown.as_deref() == Some(text.as_str()) {
            return Ok(());
        }
        let result = self
            .bot
            .edit_message_text(self.chat, self.message, text.clone())
            .parse_mode(ParseMode::Html)
            .await;
        match result {
            Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {
                self.last_edit = Some(Instant::now());
                self.shown = Some(text);
                Ok(())
            }
            Err(error) => Err(error),
        }
    }
}
