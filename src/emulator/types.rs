//! Public value types of the emulator's Rust API.

use std::fmt;
use std::time::Instant;

use axum::body::Bytes;

/// A Telegram user driving the bot in a test. Their private chat has id = `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    /// User id, also the id of the private chat with the bot (must be positive).
    pub id: i64,
    pub first_name: String,
    pub username: Option<String>,
    /// IETF language tag Telegram reports for the user's client, e.g. `en` or `ru`.
    pub language_code: Option<String>,
}

impl TestUser {
    /// A user with a first name, no username and language `en`.
    pub fn new(id: i64, first_name: &str) -> TestUser {
        TestUser {
            id,
            first_name: first_name.to_string(),
            username: None,
            language_code: Some("en".to_string()),
        }
    }

    /// Sets the username (without `@`).
    pub fn with_username(mut self, username: &str) -> TestUser {
        self.username = Some(username.to_string());
        self
    }

    /// Sets the client language (`None` = not reported).
    pub fn with_language(mut self, language_code: Option<&str>) -> TestUser {
        self.language_code = language_code.map(str::to_string);
        self
    }

    /// The id of the user's private chat with the bot.
    pub fn chat_id(&self) -> i64 {
        self.id
    }
}

/// An inline keyboard button as the bot sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    pub callback_data: Option<String>,
    pub url: Option<String>,
}

/// A file the bot sent (document or the largest photo size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    /// The file_id the emulator assigned; the bot may send it again by this id.
    pub file_id: String,
    pub file_name: Option<String>,
    pub mime_type: Option<String>,
    /// Exactly the bytes uploaded.
    pub bytes: Bytes,
}

/// The current state of a message the bot sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotMessage {
    pub chat_id: i64,
    pub message_id: i32,
    /// Unix time the message was sent.
    pub date: i64,
    /// Text as the user sees it (after `parse_mode`, trimmed); `None` for media.
    pub text: Option<String>,
    /// Caption of a document or photo, after `parse_mode`.
    pub caption: Option<String>,
    /// Inline keyboard rows; empty when there is none.
    pub buttons: Vec<Vec<Button>>,
    pub document: Option<SentFile>,
    pub photo: Option<SentFile>,
    /// Whether the message was edited after sending.
    pub edited: bool,
    /// Whether the message was deleted (it stays in the list so tests can see it).
    pub deleted: bool,
}

impl BotMessage {
    /// The text, or the caption, or `""`.
    pub fn body(&self) -> &str {
        self.text
            .as_deref()
            .or(self.caption.as_deref())
            .unwrap_or("")
    }

    /// The first button whose label contains `label`.
    pub fn button(&self, label: &str) -> Option<&Button> {
        self.buttons
            .iter()
            .flatten()
            .find(|b| b.text.contains(label))
    }

    /// The callback data of every button, row by row.
    pub fn callback_data(&self) -> Vec<&str> {
        self.buttons
            .iter()
            .flatten()
            .filter_map(|b| b.callback_data.as_deref())
            .collect()
    }
}

/// What the bot answered to a callback query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallbackAnswer {
    pub query_id: String,
    pub text: Option<String>,
    pub show_alert: bool,
    pub url: Option<String>,
    /// Time from the button press to the answer.
    pub latency: std::time::Duration,
}

/// One Bot API call the bot made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// Canonical method name (`sendMessage`), or the name as sent when unknown.
    pub method: String,
    /// The `chat_id` parameter, when it was a number.
    pub chat_id: Option<i64>,
    /// When the request arrived.
    pub at: Instant,
    /// HTTP status of the answer (0 while a long poll is still pending).
    pub status: u16,
}

/// A request that broke the Bot API contract: a test failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub method: String,
    /// What was wrong (the error description, plus any further problems).
    pub description: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.method, self.description)
    }
}

/// Commands stored by `setMyCommands` for one scope and language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandSet {
    /// `default`, `all_private_chats`, `all_group_chats`, `all_chat_administrators`,
    /// `chat:<id>`, `chat_administrators:<id>` or `chat_member:<chat>:<user>`.
    pub scope: String,
    /// Language code, `""` for all languages.
    pub language_code: String,
    /// (command, description) pairs in order.
    pub commands: Vec<(String, String)>,
}

/// Errors of the emulator's Rust API.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    #[error("emulator could not start: {0}")]
    Start(String),
    #[error("chat {0} does not exist in the emulator (add_group or a user message creates it)")]
    UnknownChat(i64),
    #[error("message {message_id} does not exist in chat {chat_id}")]
    UnknownMessage { chat_id: i64, message_id: i32 },
    #[error("message {message_id} in chat {chat_id} has no button with callback data {data:?}")]
    NoSuchButton {
        chat_id: i64,
        message_id: i32,
        data: String,
    },
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(std::time::Duration, String),
}
