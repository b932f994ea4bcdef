//! The one outbound path for messages sent from jobs.
//!
//! Each message is an [`Outbound`] job on the named queue `chat:<id>`, so one
//! chat's messages go out in order while chats proceed in parallel. Sends are
//! throttled to Telegram's limits ([`SenderBot`]). A 429 reschedules the message
//! (and everything queued behind it for that chat) after `retry_after` instead
//! of sleeping in the worker. A chat that blocked the bot or no longer exists is
//! marked inactive (its schedules paused) and not retried; other errors are
//! retried a bounded number of times.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use graphile_worker::JobSpec;
use serde::{Deserialize, Serialize};
use teloxide::payloads::{SendDocumentSetters, SendMessageSetters, SendPhotoSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, ParseMode};
use teloxide::{ApiError, RequestError};

use super::bot::SenderBot;
use super::split::{split_caption, split_message, MESSAGE_LIMIT};
use super::store::chats;
use crate::db::Pool;
use crate::jobs::{AppJob, JobCtx, Queue, QUEUE_SCHEMA};

/// Attempts for one message before it counts as failed.
const MAX_ATTEMPTS: i16 = 5;

/// A callback button: label and callback data (≤ 64 bytes).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Button {
    pub text: String,
    pub data: String,
}

/// What to send.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutMessage {
    /// HTML text, split on line boundaries past 4096 characters; the buttons go
    /// under the last part.
    Text {
        text: String,
        #[serde(default)]
        buttons: Vec<Vec<Button>>,
    },
    /// A file from disk with an optional caption (over 1024 characters, the rest
    /// follows as a message).
    Document {
        path: PathBuf,
        #[serde(default)]
        caption: Option<String>,
    },
    /// A picture (PNG/JPEG) from disk with an optional caption.
    Photo {
        path: PathBuf,
        #[serde(default)]
        caption: Option<String>,
    },
}

/// The outbound job: one message to one chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outbound {
    pub chat_id: i64,
    pub message: OutMessage,
    /// Set for broadcast messages, so the admin gets the final count.
    #[serde(default)]
    pub broadcast_id: Option<i64>,
    /// Set when rescheduled after a 429: run before the rest of the chat's queue.
    #[serde(default)]
    pub deferred: bool,
}

impl Outbound {
    /// A text message with buttons.
    pub fn text(chat_id: i64, text: impl Into<String>, buttons: Vec<Vec<Button>>) -> Self {
        Self {
            chat_id,
            message: OutMessage::Text {
                text: text.into(),
                buttons,
            },
            broadcast_id: None,
            deferred: false,
        }
    }
}

/// Name of the queue that keeps one chat's messages in order.
pub fn chat_queue(chat_id: i64) -> String {
    format!("chat:{chat_id}")
}

impl AppJob for Outbound {
    const IDENTIFIER: &'static str = "telegram_send";

    fn spec(&self) -> JobSpec {
        JobSpec {
            queue_name: Some(chat_queue(self.chat_id)),
            max_attempts: Some(MAX_ATTEMPTS),
            // A rescheduled message goes before the ones queued behind it.
            priority: Some(if self.deferred { -1 } else { 0 }),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let pool = ctx.pool()?;
        let bot = ctx.state::<SenderBot>()?;
        let outcome = deliver(bot, &self).await;
        let label = match &outcome {
            Ok(()) => "delivered",
            Err(Failure::RetryAfter(_)) => "retry_after",
            Err(Failure::ChatGone(_)) => "chat_gone",
            Err(Failure::Other(_)) => "error",
        };
        metrics::counter!("telegram_messages_out_total", "path" => "sender", "outcome" => label)
            .increment(1);
        match outcome {
            Ok(()) => finish_broadcast(pool, ctx.queue()?, self.broadcast_id, true).await,
            Err(Failure::RetryAfter(after)) => defer(pool, ctx.queue()?, self, after).await,
            Err(Failure::ChatGone(reason)) => {
                tracing::info!(
                    chat = self.chat_id,
                    reason,
                    "chat is gone; marking it inactive"
                );
                chats::set_active(pool, self.chat_id, false, Some(reason))
                    .await
                    .context("marking the chat inactive")?;
                finish_broadcast(pool, ctx.queue()?, self.broadcast_id, false).await
            }
            Err(Failure::Other(error)) => {
                if ctx.attempt() >= ctx.max_attempts() {
                    finish_broadcast(pool, ctx.queue()?, self.broadcast_id, false).await?;
                }
                Err(error)
            }
        }
    }
}

enum Failure {
    RetryAfter(Duration),
    ChatGone(&'static str),
    Other(anyhow::Error),
}

impl From<RequestError> for Failure {
    fn from(error: RequestError) -> Self {
        match &error {
            RequestError::RetryAfter(after) => Failure::RetryAfter(after.duration()),
            RequestError::Api(ApiError::BotBlocked) => Failure::ChatGone("bot blocked by the user"),
            RequestError::Api(ApiError::ChatNotFound) => Failure::ChatGone("chat not found"),
            RequestError::Api(ApiError::UserDeactivated) => Failure::ChatGone("user deactivated"),
            RequestError::Api(ApiError::BotKicked | ApiError::BotKickedFromSupergroup) => {
                Failure::ChatGone("bot removed from the group")
            }
            _ => Failure::Other(anyhow::Error::new(error).context("sending to Telegram")),
        }
    }
}

fn keyboard(buttons: &[Vec<Button>]) -> Option<InlineKeyboardMarkup> {
    if buttons.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(buttons.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.text.clone(), b.data.clone()))
            .collect::<Vec<_>>()
    })))
}

async fn deliver(bot: &SenderBot, job: &Outbound) -> Result<(), Failure> {
    let chat = ChatId(job.chat_id);
    match &job.message {
        OutMessage::Text { text, buttons } => {
            let parts = split_message(text, MESSAGE_LIMIT);
            let last = parts.len().saturating_sub(1);
            for (index, part) in parts.into_iter().enumerate() {
                let mut request = bot.send_message(chat, part).parse_mode(ParseMode::Html);
                if index == last {
                    if let Some(markup) = keyboard(buttons) {
                        request = request.reply_markup(markup);
                    }
                }
                request.await?;
            }
        }
        OutMessage::Document { path, caption } => {
            let (caption, rest) = caption.as_deref().map(split_caption).unzip();
            let mut request = bot.send_document(chat, InputFile::file(path));
            if let Some(caption) = caption {
                request = request.caption(caption).parse_mode(ParseMode::Html);
            }
            request.await?;
            send_rest(bot, chat, rest.flatten()).await?;
        }
        OutMessage::Photo { path, caption } => {
            let (caption, rest) = caption.as_deref().map(split_caption).unzip();
            let mut request = bot.send_photo(chat, InputFile::file(path));
            if let Some(caption) = caption {
                request = request.caption(caption).parse_mode(ParseMode::Html);
            }
            request.await?;
            send_rest(bot, chat, rest.flatten()).await?;
        }
    }
    Ok(())
}

async fn send_rest(bot: &SenderBot, chat: ChatId, rest: Option<String>) -> Result<(), Failure> {
    if let Some(rest) = rest {
        for part in split_message(&rest, MESSAGE_LIMIT) {
            bot.send_message(chat, part)
                .parse_mode(ParseMode::Html)
                .await?;
        }
    }
    Ok(())
}

/// Re-enqueues `job` to run after `after`, ahead of the chat's other messages,
/// which are pushed back too so the chat's order holds.
async fn defer(pool: &Pool, queue: &Queue, job: Outbound, after: Duration) -> anyhow::Result<()> {
    let until =
        Utc::now() + chrono::Duration::from_std(after).unwrap_or(chrono::Duration::seconds(1));
    tracing::info!(
        chat = job.chat_id,
        ?after,
        "Telegram asked to retry later; rescheduled"
    );
    let mut client = pool.get().await.context("connecting to the database")?;
    let tx = client
        .transaction()
        .await
        .context("starting a transaction")?;
    tx.execute(
        &format!(
            "UPDATE {QUEUE_SCHEMA}._private_jobs SET run_at = GREATEST(run_at, $2)
             WHERE locked_at IS NULL AND job_queue_id =
               (SELECT id FROM {QUEUE_SCHEMA}._private_job_queues WHERE queue_name = $1)"
        ),
        &[&chat_queue(job.chat_id), &until],
    )
    .await
    .context("pushing back the chat's queue")?;
    let mut copy = job;
    copy.deferred = true;
    let mut spec = copy.spec();
    spec.run_at = Some(until);
    queue
        .enqueue_raw_in(
            &tx,
            Outbound::IDENTIFIER,
            serde_json::to_value(&copy)?,
            spec,
        )
        .await?;
    tx.commit().await.context("committing the reschedule")?;
    Ok(())
}

/// Counts a broadcast message as delivered or failed; the last one reports.
async fn finish_broadcast(
    pool: &Pool,
    queue: &Queue,
    broadcast_id: Option<i64>,
    delivered: bool,
) -> anyhow::Result<()> {
    let Some(id) = broadcast_id else {
        return Ok(());
    };
    let client = pool.get().await.context("connecting to the database")?;
    let row = client
        .query_opt(
            "UPDATE broadcasts
             SET delivered = delivered + $2::int, failed = failed + $3::int,
                 reported_at = CASE WHEN delivered + $2::int + failed + $3::int >= total
                                    THEN now() ELSE reported_at END
             WHERE id = $1 AND reported_at IS NULL
             RETURNING admin_chat, delivered, failed, reported_at IS NOT NULL",
            &[&id, &i32::from(delivered), &i32::from(!delivered)],
        )
        .await
        .context("counting the broadcast")?;
    if let Some(row) = row {
        let done: bool = row.try_get(3)?;
        if done {
            let admin_chat: i64 = row.try_get(0)?;
            let (ok, failed): (i32, i32) = (row.try_get(1)?, row.try_get(2)?);
            let lang = super::caller::language_of_chat(pool, admin_chat).await;
            let text = super::texts::fill(
                super::texts::texts(lang).broadcast_done,
                &[("delivered", &ok), ("failed", &failed)],
            );
            queue
                .enqueue(Outbound::text(admin_chat, text, Vec::new()))
                .await?;
        }
    }
    Ok(())
}
