//! The emulated Telegram world: chats, messages, pending updates, files, callback
//! queries, and the logs tests read. One mutex guards it; a watch channel wakes
//! long polls and `wait_for` whenever it changes.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use axum::body::Bytes;
use serde_json::Value;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

use super::markup::Formatted;
use super::types::{Call, CallbackAnswer, TestUser, Violation};

/// State shared by the HTTP server and the Rust API.
pub(crate) struct Shared {
    pub token: String,
    state: Mutex<State>,
    /// Bumped on every change; waiters re-check their condition when it moves.
    changed: watch::Sender<u64>,
    /// Cancelled when the last `Emulator` handle is dropped.
    cancel: CancellationToken,
}

impl Shared {
    pub fn new(token: &str, bot: BotInfo) -> Shared {
        Shared {
            token: token.to_string(),
            state: Mutex::new(State::new(bot)),
            changed: watch::channel(0).0,
            cancel: CancellationToken::new(),
        }
    }

    /// Completes when the emulator shuts down.
    pub async fn closed(&self) {
        self.cancel.cancelled().await
    }

    /// Stops the server and ends pending long polls.
    pub fn close(&self) {
        self.cancel.cancel();
    }

    /// The token that stops the server.
    pub fn cancel_token(&self) -> CancellationToken {
        self.cancel.clone()
    }

    /// Runs `f` on the state and wakes waiters afterwards.
    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let out = f(&mut self.lock());
        self.changed.send_modify(|v| *v = v.wrapping_add(1));
        out
    }

    /// Reads the state without waking anyone.
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    /// A receiver that sees every later change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changed.subscribe()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent-enough test data; keep going.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The bot's own identity (from the token's numeric prefix).
#[derive(Debug, Clone)]
pub(crate) struct BotInfo {
    pub id: i64,
    pub first_name: String,
    pub username: String,
}

/// Who a message is from.
#[derive(Debug, Clone)]
pub(crate) enum Sender {
    Bot,
    User(TestUser),
}

/// A stored file (uploaded by the bot or sent by a user).
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub file_id: String,
    pub unique_id: String,
    /// Path for `GET /file/bot<token>/<path>`.
    pub path: String,
    pub name: Option<String>,
    pub mime: Option<String>,
    pub data: Bytes,
    /// Pixel size, for photos.
    pub size: Option<(u32, u32)>,
}

/// A message in a chat.
#[derive(Debug, Clone)]
pub(crate) struct Msg {
    pub id: i32,
    pub date: i64,
    pub from: Sender,
    pub text: Option<Formatted>,
    pub caption: Option<Formatted>,
    /// Normalised inline keyboard markup (`{"inline_keyboard": …}`), if any.
    pub markup: Option<Value>,
    pub document: Option<StoredFile>,
    pub photo: Option<StoredFile>,
    /// A user message's bot_command entity, kept for the update JSON.
    pub command_len: Option<usize>,
    pub edit_date: Option<i64>,
    pub deleted: bool,
}

impl Msg {
    pub fn new(id: i32, from: Sender) -> Msg {
        Msg {
            id,
            date: now(),
            from,
            text: None,
            caption: None,
            markup: None,
            document: None,
            photo: None,
            command_len: None,
            edit_date: None,
            deleted: false,
        }
    }
}

/// What kind of chat.
#[derive(Debug, Clone)]
pub(crate) enum ChatKind {
    Private(TestUser),
    Group { title: String },
}

/// A chat the bot is in.
#[derive(Debug, Clone)]
pub(crate) struct Chat {
    pub id: i64,
    pub kind: ChatKind,
    /// The user blocked the bot (private chats only).
    pub blocked: bool,
    next_message_id: i32,
    pub messages: BTreeMap<i32, Msg>,
}

impl Chat {
    pub fn new(id: i64, kind: ChatKind) -> Chat {
        Chat {
            id,
            kind,
            blocked: false,
            next_message_id: 1,
            messages: BTreeMap::new(),
        }
    }

    /// Stores a message under the chat's next id (ids grow per chat).
    pub fn push(&mut self, from: Sender, fill: impl FnOnce(&mut Msg)) -> i32 {
        let id = self.next_message_id;
        self.next_message_id += 1;
        let mut msg = Msg::new(id, from);
        fill(&mut msg);
        self.messages.insert(id, msg);
        id
    }
}

/// A button press and its answer.
#[derive(Debug, Clone)]
pub(crate) struct CallbackRecord {
    pub pressed_at: Instant,
    pub answer: Option<CallbackAnswer>,
}

/// A pending 429 injection.
#[derive(Debug, Clone)]
pub(crate) struct Injection {
    pub method: String,
    pub chat: Option<i64>,
    pub retry_after: u32,
    pub remaining: usize,
}

/// What `setWebhook` stored.
#[derive(Debug, Clone, Default)]
pub(crate) struct Webhook {
    pub url: String,
    pub max_connections: Option<i64>,
    pub allowed_updates: Option<Value>,
}

/// Everything the emulator knows.
pub(crate) struct State {
    pub bot: BotInfo,
    pub chats: HashMap<i64, Chat>,
    /// Unconfirmed updates, oldest first: (update_id, update JSON).
    pub updates: VecDeque<(i64, Value)>,
    next_update_id: i64,
    pub files: HashMap<String, StoredFile>,
    next_file: u64,
    pub callbacks: HashMap<String, CallbackRecord>,
    pub callback_order: Vec<String>,
    next_callback: u64,
    pub calls: Vec<Call>,
    pub violations: Vec<Violation>,
    /// (scope, language) → commands.
    pub commands: BTreeMap<(String, String), Vec<(String, String)>>,
    pub webhook: Option<Webhook>,
    pub injections: Vec<Injection>,
    /// Bumped by each getUpdates; an older pending poll sees the change and gets 409.
    pub poll_generation: u64,
}

impl State {
    fn new(bot: BotInfo) -> State {
        State {
            bot,
            chats: HashMap::new(),
            updates: VecDeque::new(),
            next_update_id: 1,
            files: HashMap::new(),
            next_file: 1,
            callbacks: HashMap::new(),
            callback_order: Vec::new(),
            next_callback: 1,
            calls: Vec::new(),
            violations: Vec::new(),
            commands: BTreeMap::new(),
            webhook: None,
            injections: Vec::new(),
            poll_generation: 0,
        }
    }

    /// Queues an update; `kind` is the update field (`message`, `callback_query`, …).
    pub fn push_update(&mut self, kind: &str, payload: Value) -> i64 {
        let id = self.next_update_id;
        self.next_update_id += 1;
        let mut update = serde_json::Map::new();
        update.insert("update_id".into(), Value::from(id));
        update.insert(kind.into(), payload);
        self.updates.push_back((id, Value::Object(update)));
        id
    }

    /// Stores file bytes and returns the record with fresh ids and a download path.
    pub fn store_file(
        &mut self,
        folder: &str,
        name: Option<String>,
        mime: Option<String>,
        data: Bytes,
        size: Option<(u32, u32)>,
    ) -> StoredFile {
        let n = self.next_file;
        self.next_file += 1;
        let ext = name
            .as_deref()
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| format!(".{e}"))
            .unwrap_or_default();
        let file = StoredFile {
            file_id: format!("BQACAgIAAxkBAAEmu{n:06}{}", self.bot.id),
            unique_id: format!("AgADmu{n:06}"),
            path: format!("{folder}/file_{n}{ext}"),
            name,
            mime,
            data,
            size,
        };
        self.files.insert(file.file_id.clone(), file.clone());
        file
    }

    /// A fresh callback query id, recorded as pressed now.
    pub fn new_callback(&mut self) -> String {
        let id = format!("{}{:08}", self.bot.id, self.next_callback);
        self.next_callback += 1;
        self.callbacks.insert(
            id.clone(),
            CallbackRecord {
                pressed_at: Instant::now(),
                answer: None,
            },
        );
        self.callback_order.push(id.clone());
        id
    }

    /// Records a contract violation.
    pub fn violation(&mut self, method: &str, description: String) {
        self.violations.push(Violation {
            method: method.to_string(),
            description,
        });
    }
}

/// Unix time now, in seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
