//! sendMessage, editMessageText/Caption/ReplyMarkup, deleteMessage.

use serde_json::Value;

use super::target_chat;
use crate::emulator::error::ApiError;
use crate::emulator::json;
use crate::emulator::params::Params;
use crate::emulator::rules;
use crate::emulator::state::{now, BotInfo, Chat, ChatKind, Msg, Sender, State};

const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply \
     markup are exactly the same as a current content and reply markup of the message";

pub(super) fn send_message(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let text = rules::text(p, false)?;
    let markup = rules::reply_markup(p)?;
    let bot = st.bot.clone();
    let chat = target_chat(st, p)?;
    check_reply_target(chat, p)?;
    let id = chat.push(Sender::Bot, |m| {
        m.text = Some(text);
        m.markup = markup;
    });
    Ok(message_json(&bot, chat, id))
}

/// `reply_parameters.message_id` must exist unless the bot allowed sending without it.
pub(super) fn check_reply_target(chat: &Chat, p: &Params) -> Result<(), ApiError> {
    let Some(reply) = p.values.get("reply_parameters") else {
        return Ok(());
    };
    let allow = reply["allow_sending_without_reply"]
        .as_bool()
        .unwrap_or(false);
    let exists = reply["message_id"]
        .as_i64()
        .and_then(|id| chat.messages.get(&(id as i32)))
        .is_some_and(|m| !m.deleted);
    if exists || allow {
        Ok(())
    } else {
        Err(ApiError::bad("message to be replied not found"))
    }
}

pub(super) fn message_json(bot: &BotInfo, chat: &Chat, id: i32) -> Value {
    chat.messages
        .get(&id)
        .map_or(Value::Null, |m| json::message(bot, chat, m))
}

/// Finds the bot message an edit targets.
fn editable<'a>(st: &'a mut State, p: &Params) -> Result<(&'a mut Chat, i32), ApiError> {
    if p.values.contains_key("inline_message_id") {
        return Err(ApiError::invalid(
            "inline_message_id is not supported by the emulator (no inline mode)",
        ));
    }
    let Some(id) = p.i64("message_id") else {
        return Err(ApiError::invalid("message identifier is not specified"));
    };
    let id = id as i32;
    let chat = target_chat(st, p)?;
    let msg = chat
        .messages
        .get(&id)
        .filter(|m| !m.deleted)
        .ok_or_else(|| ApiError::bad("message to edit not found"))?;
    if !matches!(msg.from, Sender::Bot) {
        return Err(ApiError::bad("message can't be edited"));
    }
    Ok((chat, id))
}

/// The message `editable` found (looked up again after the borrow of the chat).
fn current(chat: &Chat, id: i32) -> Result<&Msg, ApiError> {
    chat.messages
        .get(&id)
        .ok_or_else(|| ApiError::bad("message to edit not found"))
}

fn finish_edit(bot: &BotInfo, chat: &mut Chat, id: i32, change: impl FnOnce(&mut Msg)) -> Value {
    if let Some(m) = chat.messages.get_mut(&id) {
        change(m);
        m.edit_date = Some(now());
    }
    message_json(bot, chat, id)
}

pub(super) fn edit_text(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let bot = st.bot.clone();
    let (chat, id) = editable(st, p)?;
    let text = rules::text(p, true)?;
    let markup = rules::reply_markup(p)?;
    let msg = current(chat, id)?;
    let Some(old) = &msg.text else {
        return Err(ApiError::bad("there is no text in the message to edit"));
    };
    // Omitting reply_markup removes the keyboard, so None compares as "no keyboard".
    if *old == text && msg.markup == markup {
        return Err(ApiError::bad(NOT_MODIFIED));
    }
    Ok(finish_edit(&bot, chat, id, |m| {
        m.text = Some(text);
        m.markup = markup;
    }))
}

pub(super) fn edit_caption(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let bot = st.bot.clone();
    let (chat, id) = editable(st, p)?;
    let caption = rules::caption(p)?;
    let markup = rules::reply_markup(p)?;
    let msg = current(chat, id)?;
    if msg.document.is_none() && msg.photo.is_none() {
        return Err(ApiError::bad("there is no caption in the message to edit"));
    }
    if msg.caption == caption && msg.markup == markup {
        return Err(ApiError::bad(NOT_MODIFIED));
    }
    Ok(finish_edit(&bot, chat, id, |m| {
        m.caption = caption;
        m.markup = markup;
    }))
}

pub(super) fn edit_reply_markup(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let bot = st.bot.clone();
    let (chat, id) = editable(st, p)?;
    let markup = rules::reply_markup(p)?;
    if current(chat, id)?.markup == markup {
        return Err(ApiError::bad(NOT_MODIFIED));
    }
    Ok(finish_edit(&bot, chat, id, |m| m.markup = markup))
}

pub(super) fn delete(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let id = p.i64("message_id").unwrap_or(0) as i32;
    let chat = target_chat(st, p)?;
    let private = matches!(chat.kind, ChatKind::Private(_));
    let msg = chat
        .messages
        .get_mut(&id)
        .filter(|m| !m.deleted)
        .ok_or_else(|| ApiError::bad("message to delete not found"))?;
    // Without admin rights a bot may delete others' messages only in private chats.
    if !private && !matches!(msg.from, Sender::Bot) {
        return Err(ApiError::bad("message can't be deleted"));
    }
    msg.deleted = true;
    Ok(Value::Bool(true))
}
