//! Public value types of the emulator's Rust API.

use std::fmt;
use std::time::Instant;

use axum::body::Bytes;

/// A Telegram user driving the bot in a test. Their private chat has id = `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestUser {
    /// User id, also the id of the private chat with the bot (must be positive).
    pub id: i64,
    /// First name shown in chats and sent as `from.first_name`.
    pub first_name: String,
    /// Username without `@`, if the user has one.
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
    /// The label.
    pub text: String,
    /// Data sent back in the callback query, for callback buttons.
    pub callback_data: Option<String>,
    /// Link, for URL buttons.
    pub url: Option<String>,
}

/// A file the bot sent (document or the largest photo size).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentFile {
    /// The file_id the emulator assigned; the bot may send it again by this id.
    pub file_id: String,
    /// File name as uploaded (documents).
    pub file_name: Option<String>,
    /// MIME type from the upload or guessed from the file name (documents).
    pub mime_type: Option<String>,
    /// Exactly the bytes uploaded.
    pub bytes: Bytes,
}

/// The current state of a message the bot sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotMessage {
    /// The chat it was sent to.
    pub chat_id: i64,
    /// Its id, increasing per chat.
    pub message_id: i32,
    /// Unix time the message was sent.
    pub date: i64,
    /// Text as the user sees it (after `parse_mode`, trimmed); `None` for media.
    pub text: Option<String>,
    /// Caption of a document or photo, after `parse_mode`.
    pub caption: Option<String>,
    /// Inline keyboard rows; empty when there is none.
    pub buttons: Vec<Vec<Button>>,
    /// The document, for sendDocument messages.
    pub document: Option<SentFile>,
    /// The photo, for sendPhoto messages.
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
    /// The callback query answered.
    pub query_id: String,
    /// Notification text, if any (empty text counts as none).
    pub text: Option<String>,
    /// Whether the text is shown as an alert rather than a toast.
    pub show_alert: bool,
    /// URL to open, if any.
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
    /// Canonical method name of the offending call.
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
    /// The server could not start (bad token, bind failure).
    #[error("emulator could not start: {0}")]
    Start(String),
    /// The chat is unknown (or not the kind the action needs).
    #[error("chat {0} does not exist in the emulator (add_group or a user message creates it)")]
    UnknownChat(i64),
    /// The message is unknown or deleted.
    #[error("message {message_id} does not exist in chat {chat_id}")]
    UnknownMessage {
        /// The chat looked in.
        chat_id: i64,
        /// The missing message.
        message_id: i32,
    },
    /// The message has no button with that callback data (use `press_raw` for stale data).
    #[error("message {message_id} in chat {chat_id} has no button with callback data {data:?}")]
    NoSuchButton {
        /// The chat of the message.
        chat_id: i64,
        /// The message pressed.
        message_id: i32,
        /// The callback data looked for.
        data: String,
    },
    /// A wait ran out of time.
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(std::time::Duration, String),
}
