//! getMe, answerCallbackQuery, sendChatAction and the bot command methods.

use serde_json::{json, Value};

use super::target_chat;
use crate::emulator::error::ApiError;
use crate::emulator::json;
use crate::emulator::params::Params;
use crate::emulator::rules;
use crate::emulator::state::State;
use crate::emulator::types::CallbackAnswer;

pub(super) fn get_me(st: &State) -> Value {
    json::me(&st.bot)
}

pub(super) fn answer_callback_query(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let id = p.str("callback_query_id").unwrap_or("");
    let record = st
        .callbacks
        .get_mut(id)
        .filter(|r| r.answer.is_none())
        .ok_or_else(|| {
            ApiError::bad("query is too old and response timeout expired or query ID is invalid")
        })?;
    record.answer = Some(CallbackAnswer {
        query_id: id.to_string(),
        text: p.str("text").filter(|t| !t.is_empty()).map(str::to_string),
        show_alert: p.flag("show_alert"),
        url: p.str("url").map(str::to_string),
        latency: record.pressed_at.elapsed(),
    });
    Ok(Value::Bool(true))
}

pub(super) fn send_chat_action(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    target_chat(st, p)?;
    Ok(Value::Bool(true))
}

pub(super) fn set_my_commands(st: &mut State, p: &Params) -> Result<Value, ApiError> {
    let list = p
        .values
        .get("commands")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let commands = rules::commands(list)?;
    let key = key(p);
    if commands.is_empty() {
        st.commands.remove(&key);
    } else {
        st.commands.insert(key, commands);
    }
    Ok(Value::Bool(true))
}

pub(super) fn get_my_commands(st: &State, p: &Params) -> Value {
    let list = st.commands.get(&key(p)).cloned().unwrap_or_default();
    Value::Array(
        list.into_iter()
            .map(|(command, description)| json!({"command": command, "description": description}))
            .collect(),
    )
}

pub(super) fn delete_my_commands(st: &mut State, p: &Params) -> Value {
    st.commands.remove(&key(p));
    Value::Bool(true)
}

/// (scope, language) storage key; see [`crate::emulator::CommandSet::scope`].
fn key(p: &Params) -> (String, String) {
    let lang = p.str("language_code").unwrap_or("").to_string();
    (scope_name(p.values.get("scope")), lang)
}

fn scope_name(scope: Option<&Value>) -> String {
    let Some(scope) = scope else {
        return "default".into();
    };
    let id = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let kind = scope["type"].as_str().unwrap_or("default");
    match kind {
        "chat" | "chat_administrators" => format!("{kind}:{}", id(&scope["chat_id"])),
        "chat_member" => format!(
            "chat_member:{}:{}",
            id(&scope["chat_id"]),
            id(&scope["user_id"])
        ),
        other => other.to_string(),
    }
}
