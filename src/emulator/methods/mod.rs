//! The call pipeline (log, validate, inject 429, dispatch, record) and the method
//! handlers, one file per concern.

mod bot;
mod files;
mod messages;
mod updates;

pub(crate) use files::guess_mime;

use std::time::Instant;

use serde_json::Value;

use super::error::ApiError;
use super::params::Params;
use super::spec::Spec;
use super::state::{Chat, Shared, State};
use super::types::Call;
use super::validate::validate;

/// Handles one Bot API call: `name` as it appeared in the URL, `params` as parsed (or
/// the parse error). Every call is logged; contract violations are recorded.
pub(crate) async fn call(
    shared: &Shared,
    spec: &Spec,
    name: &str,
    params: Result<Params, String>,
) -> Result<Value, ApiError> {
    let method = spec.method(name);
    let canonical = method.map_or_else(|| name.to_string(), |m| m.name.clone());
    let chat_id = params.as_ref().ok().and_then(Params::chat_id);
    let index = shared.with(|st| {
        st.calls.push(Call {
            method: canonical.clone(),
            chat_id,
            at: Instant::now(),
            status: 0,
        });
        st.calls.len() - 1
    });
    let result = match method {
        None => Err(ApiError::method_not_found()),
        Some(method) => match params {
            Err(e) => Err(ApiError::invalid(&e)),
            Ok(mut params) => {
                let problems = validate(spec, method, &mut params);
                if let Some(first) = problems.first() {
                    let err = ApiError::invalid(first);
                    let all = problems.join("; ");
                    shared
                        .with(|st| st.violation(&canonical, format!("{}: {all}", err.description)));
                    Err(ApiError {
                        violation: false,
                        ..err
                    })
                } else if let Some(err) = shared.with(|st| injected(st, &canonical, chat_id)) {
                    Err(err)
                } else {
                    dispatch(shared, &canonical, &params).await
                }
            }
        },
    };
    shared.with(|st| {
        if let Some(call) = st.calls.get_mut(index) {
            call.status = result.as_ref().map_or_else(|e| e.code, |_| 200);
        }
        if let Err(e) = &result {
            if e.violation {
                st.violation(&canonical, e.description.clone());
            }
        }
    });
    result
}

async fn dispatch(shared: &Shared, method: &str, p: &Params) -> Result<Value, ApiError> {
    if method == "getUpdates" {
        return updates::get_updates(shared, p).await;
    }
    shared.with(|st| match method {
        "getMe" => Ok(bot::get_me(st)),
        "logOut" | "close" => Ok(Value::Bool(true)),
        "sendMessage" => messages::send_message(st, p),
        "editMessageText" => messages::edit_text(st, p),
        "editMessageCaption" => messages::edit_caption(st, p),
        "editMessageReplyMarkup" => messages::edit_reply_markup(st, p),
        "deleteMessage" => messages::delete(st, p),
        "sendDocument" => files::send_media(st, p, files::Media::Document),
        "sendPhoto" => files::send_media(st, p, files::Media::Photo),
        "getFile" => files::get_file(st, p),
        "answerCallbackQuery" => bot::answer_callback_query(st, p),
        "sendChatAction" => bot::send_chat_action(st, p),
        "setMyCommands" => bot::set_my_commands(st, p),
        "getMyCommands" => Ok(bot::get_my_commands(st, p)),
        "deleteMyCommands" => Ok(bot::delete_my_commands(st, p)),
        "setWebhook" => updates::set_webhook(st, p),
        "deleteWebhook" => Ok(updates::delete_webhook(st, p)),
        "getWebhookInfo" => Ok(updates::get_webhook_info(st)),
        _ => {
            // A real method the emulator does not model: the test cannot trust the run.
            st.violation(
                method,
                "valid Bot API method not implemented by the emulator".into(),
            );
            Err(ApiError::method_not_found())
        }
    })
}

/// Consumes a matching 429 injection, if any.
fn injected(st: &mut State, method: &str, chat_id: Option<i64>) -> Option<ApiError> {
    let hit = st.injections.iter_mut().find(|i| {
        i.remaining > 0
            && i.method.eq_ignore_ascii_case(method)
            && i.chat.is_none_or(|c| Some(c) == chat_id)
    })?;
    hit.remaining -= 1;
    let err = ApiError::too_many(hit.retry_after);
    st.injections.retain(|i| i.remaining > 0);
    Some(err)
}

/// The chat a call targets: it must exist and must not have blocked the bot.
fn target_chat<'a>(st: &'a mut State, p: &Params) -> Result<&'a mut Chat, ApiError> {
    let chat = p
        .chat_id()
        .and_then(|id| st.chats.get_mut(&id))
        .ok_or_else(|| ApiError::bad("chat not found"))?;
    if chat.blocked {
        return Err(ApiError::forbidden("bot was blocked by the user"));
    }
    Ok(chat)
}
