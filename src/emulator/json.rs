//! Bot API JSON objects (User, Chat, Message, Document, PhotoSize, File) built from
//! the emulator's state, shaped as the real server sends them.

use serde_json::{json, Value};

use super::state::{BotInfo, Chat, ChatKind, Msg, Sender, StoredFile};
use super::types::TestUser;

/// A `User` object for a test user.
pub(crate) fn user(u: &TestUser) -> Value {
    let mut v = json!({"id": u.id, "is_bot": false, "first_name": u.first_name});
    if let Some(name) = &u.username {
        v["username"] = json!(name);
    }
    if let Some(lang) = &u.language_code {
        v["language_code"] = json!(lang);
    }
    v
}

/// The bot's `User` object.
pub(crate) fn bot_user(bot: &BotInfo) -> Value {
    json!({"id": bot.id, "is_bot": true, "first_name": bot.first_name, "username": bot.username})
}

/// `getMe`'s answer: the bot user plus its capabilities.
pub(crate) fn me(bot: &BotInfo) -> Value {
    let mut v = bot_user(bot);
    v["can_join_groups"] = json!(true);
    v["can_read_all_group_messages"] = json!(false);
    v["supports_inline_queries"] = json!(false);
    v["can_connect_to_business"] = json!(false);
    v["has_main_web_app"] = json!(false);
    v
}

/// A `Chat` object.
pub(crate) fn chat(c: &Chat) -> Value {
    match &c.kind {
        ChatKind::Private(u) => {
            let mut v = json!({"id": c.id, "type": "private", "first_name": u.first_name});
            if let Some(name) = &u.username {
                v["username"] = json!(name);
            }
            v
        }
        ChatKind::Group { title } => {
            let kind = if is_supergroup(c.id) {
                "supergroup"
            } else {
                "group"
            };
            json!({"id": c.id, "type": kind, "title": title})
        }
    }
}

/// Supergroup ids are `-100…` followed by ten or more digits.
pub(crate) fn is_supergroup(id: i64) -> bool {
    id <= -1_000_000_000_000
}

/// A `Message` object in its current state.
pub(crate) fn message(bot: &BotInfo, c: &Chat, m: &Msg) -> Value {
    let from = match &m.from {
        Sender::Bot => bot_user(bot),
        Sender::User(u) => user(u),
    };
    let mut v = json!({"message_id": m.id, "date": m.date, "chat": chat(c), "from": from});
    if let Some(text) = &m.text {
        v["text"] = json!(text.text);
        let mut entities = text.entities_json();
        if let (Some(len), Value::Array(list)) = (m.command_len, &mut entities) {
            list.insert(
                0,
                json!({"type": "bot_command", "offset": 0, "length": len}),
            );
        }
        if entities.as_array().is_some_and(|a| !a.is_empty()) {
            v["entities"] = entities;
        }
    }
    if let Some(caption) = &m.caption {
        v["caption"] = json!(caption.text);
        if !caption.entities.is_empty() {
            v["caption_entities"] = caption.entities_json();
        }
    }
    if let Some(doc) = &m.document {
        v["document"] = document(doc);
    }
    if let Some(photo) = &m.photo {
        v["photo"] = photo_sizes(photo);
    }
    if let Some(markup) = &m.markup {
        v["reply_markup"] = markup.clone();
    }
    if let Some(date) = m.edit_date {
        v["edit_date"] = json!(date);
    }
    v
}

/// A `Document` object.
pub(crate) fn document(f: &StoredFile) -> Value {
    let mut v = json!({
        "file_id": f.file_id,
        "file_unique_id": f.unique_id,
        "file_size": f.data.len(),
    });
    if let Some(name) = &f.name {
        v["file_name"] = json!(name);
    }
    if let Some(mime) = &f.mime {
        v["mime_type"] = json!(mime);
    }
    v
}

/// The `photo` array: a thumbnail size and the full size, as Telegram returns.
pub(crate) fn photo_sizes(f: &StoredFile) -> Value {
    let (w, h) = f.size.unwrap_or((0, 0));
    let scale = (90.0 / f64::from(w.max(h).max(1))).min(1.0);
    let thumb = |d: u32| ((f64::from(d) * scale).round() as u32).max(1);
    json!([
        {"file_id": format!("{}_s", f.file_id), "file_unique_id": format!("{}_s", f.unique_id),
         "file_size": f.data.len().min(2048), "width": thumb(w), "height": thumb(h)},
        {"file_id": f.file_id, "file_unique_id": f.unique_id,
         "file_size": f.data.len(), "width": w, "height": h},
    ])
}

/// A `File` object for `getFile`.
pub(crate) fn file(f: &StoredFile) -> Value {
    json!({
        "file_id": f.file_id,
        "file_unique_id": f.unique_id,
        "file_size": f.data.len(),
        "file_path": f.path,
    })
}
