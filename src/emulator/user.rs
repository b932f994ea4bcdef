//! The user side: actions that create updates the bot receives through getUpdates.

use axum::body::Bytes;
use serde_json::{json, Value};

use super::json;
use super::markup::Formatted;
use super::state::{now, Chat, ChatKind, Sender, State};
use super::types::{EmulatorError, TestUser};
use super::Emulator;

impl Emulator {
    /// Registers a user's private chat without sending anything (as if they had
    /// started the bot earlier), so the bot may message them.
    pub fn add_user(&self, user: &TestUser) {
        self.shared().with(|st| {
            private_chat(st, user);
        });
    }

    /// Adds a group the bot is a member of. Ids at or below `-1000000000000` are
    /// supergroups, other (negative) ids basic groups.
    pub fn add_group(&self, chat_id: i64, title: &str) {
        self.shared().with(|st| {
            st.chats.entry(chat_id).or_insert_with(|| {
                Chat::new(
                    chat_id,
                    ChatKind::Group {
                        title: title.to_string(),
                    },
                )
            });
        });
    }

    /// `user` sends `text` to `chat_id` (their own id for the private chat, or a group
    /// added with [`Emulator::add_group`]). A leading `/command` gets a bot_command
    /// entity, as Telegram clients add. Returns the new message's id.
    pub fn send_text(
        &self,
        user: &TestUser,
        chat_id: i64,
        text: &str,
    ) -> Result<i32, EmulatorError> {
        let command_len = command_length(text);
        self.user_message(user, chat_id, |m| {
            m.text = Some(Formatted {
                text: text.to_string(),
                entities: Vec::new(),
            });
            m.command_len = command_len;
        })
    }

    /// Like [`Emulator::send_text`] for a command; a missing leading `/` is added.
    pub fn send_command(
        &self,
        user: &TestUser,
        chat_id: i64,
        command: &str,
    ) -> Result<i32, EmulatorError> {
        let text = if command.starts_with('/') {
            command.to_string()
        } else {
            format!("/{command}")
        };
        self.send_text(user, chat_id, &text)
    }

    /// `user` sends a document; its bytes are served by getFile and the file download URL.
    pub fn send_document(
        &self,
        user: &TestUser,
        chat_id: i64,
        filename: &str,
        bytes: impl Into<Bytes>,
        caption: Option<&str>,
    ) -> Result<i32, EmulatorError> {
        let data = bytes.into();
        let file = self.shared().with(|st| {
            let mime = Some(super::methods::guess_mime(filename).to_string());
            st.store_file("documents", Some(filename.to_string()), mime, data, None)
        });
        self.user_message(user, chat_id, |m| {
            m.document = Some(file);
            m.caption = caption.map(|c| Formatted {
                text: c.to_string(),
                entities: Vec::new(),
            });
        })
    }

    /// `user` presses the inline button with `callback_data` under a bot message.
    /// Fails when the message does not exist or has no such button. Returns the query id.
    pub fn press_button(
        &self,
        user: &TestUser,
        chat_id: i64,
        message_id: i32,
        callback_data: &str,
    ) -> Result<String, EmulatorError> {
        let has_button = self.shared().read(|st| {
            let msg = st
                .chats
                .get(&chat_id)
                .and_then(|c| c.messages.get(&message_id))
                .filter(|m| !m.deleted);
            msg.map(|m| {
                super::rules::buttons(m.markup.as_ref())
                    .iter()
                    .flatten()
                    .any(|b| b.callback_data.as_deref() == Some(callback_data))
            })
        });
        match has_button {
            None => Err(EmulatorError::UnknownMessage {
                chat_id,
                message_id,
            }),
            Some(false) => Err(EmulatorError::NoSuchButton {
                chat_id,
                message_id,
                data: callback_data.to_string(),
            }),
            Some(true) => self.press_raw(user, chat_id, message_id, callback_data),
        }
    }

    /// Sends a callback query with any data for an existing message, e.g. data from an
    /// old keyboard (stale-button tests). Returns the query id.
    pub fn press_raw(
        &self,
        user: &TestUser,
        chat_id: i64,
        message_id: i32,
        callback_data: &str,
    ) -> Result<String, EmulatorError> {
        self.shared().with(|st| {
            let chat = st
                .chats
                .get(&chat_id)
                .ok_or(EmulatorError::UnknownChat(chat_id))?;
            let msg = chat
                .messages
                .get(&message_id)
                .filter(|m| !m.deleted)
                .ok_or(EmulatorError::UnknownMessage {
                    chat_id,
                    message_id,
                })?;
            let message = json::message(&st.bot, chat, msg);
            let chat_instance = (chat_id ^ st.bot.id).unsigned_abs().to_string();
            let id = st.new_callback();
            let query = json!({
                "id": id,
                "from": json::user(user),
                "message": message,
                "chat_instance": chat_instance,
                "data": callback_data,
            });
            st.push_update("callback_query", query);
            Ok(id)
        })
    }

    /// The user blocks the bot: sends to the chat fail with 403 and the bot gets a
    /// `my_chat_member` update (status `kicked`).
    pub fn block_bot(&self, chat_id: i64) -> Result<(), EmulatorError> {
        self.set_blocked(chat_id, true)
    }

    /// The user unblocks (restarts) the bot; a `my_chat_member` update says `member`.
    pub fn unblock_bot(&self, chat_id: i64) -> Result<(), EmulatorError> {
        self.set_blocked(chat_id, false)
    }

    fn set_blocked(&self, chat_id: i64, blocked: bool) -> Result<(), EmulatorError> {
        self.shared().with(|st| {
            let chat = st
                .chats
                .get_mut(&chat_id)
                .ok_or(EmulatorError::UnknownChat(chat_id))?;
            let ChatKind::Private(user) = chat.kind.clone() else {
                return Err(EmulatorError::UnknownChat(chat_id));
            };
            if chat.blocked != blocked {
                chat.blocked = blocked;
                let chat_json = json::chat(chat);
                push_member_update(st, chat_json, &user, blocked);
            }
            Ok(())
        })
    }

    fn user_message(
        &self,
        user: &TestUser,
        chat_id: i64,
        fill: impl FnOnce(&mut super::state::Msg),
    ) -> Result<i32, EmulatorError> {
        self.shared().with(|st| {
            if chat_id == user.id {
                private_chat(st, user);
            }
            let bot = st.bot.clone();
            let chat = st
                .chats
                .get_mut(&chat_id)
                .ok_or(EmulatorError::UnknownChat(chat_id))?;
            // Writing to the bot requires unblocking it first.
            let unblocked = std::mem::take(&mut chat.blocked);
            let id = chat.push(Sender::User(user.clone()), fill);
            let chat_json = json::chat(chat);
            let message = chat
                .messages
                .get(&id)
                .map_or(Value::Null, |m| json::message(&bot, chat, m));
            if unblocked {
                push_member_update(st, chat_json, user, false);
            }
            st.push_update("message", message);
            Ok(id)
        })
    }
}

/// The user's private chat, created on first use and kept up to date with their profile.
fn private_chat(st: &mut State, user: &TestUser) {
    let chat = st
        .chats
        .entry(user.id)
        .or_insert_with(|| Chat::new(user.id, ChatKind::Private(user.clone())));
    chat.kind = ChatKind::Private(user.clone());
}

fn push_member_update(st: &mut State, chat: Value, user: &TestUser, blocked: bool) {
    let bot = json::bot_user(&st.bot);
    let (old, new) = if blocked {
        (
            json!({"user": bot, "status": "member"}),
            json!({"user": bot, "status": "kicked", "until_date": 0}),
        )
    } else {
        (
            json!({"user": bot, "status": "kicked", "until_date": 0}),
            json!({"user": bot, "status": "member"}),
        )
    };
    let update = json!({
        "chat": chat,
        "from": json::user(user),
        "date": now(),
        "old_chat_member": old,
        "new_chat_member": new,
    });
    st.push_update("my_chat_member", update);
}

/// UTF-16 length of a leading `/command` (with optional `@botname`), if any.
fn command_length(text: &str) -> Option<usize> {
    let word = text.split_whitespace().next()?;
    let name = word.strip_prefix('/')?;
    let name = name.split('@').next().unwrap_or("");
    let valid = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (valid && text.starts_with('/')).then(|| word.chars().map(char::len_utf16).sum())
}
