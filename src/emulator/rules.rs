//! Bot API rules stated only in prose, not in the machine-readable spec: text and
//! caption limits after entity parsing, inline keyboard buttons (callback_data is
//! 1–64 bytes), and bot command names.

use serde_json::Value;

use super::error::ApiError;
use super::markup::{self, Formatted};
use super::params::Params;
use super::types::Button;

/// Longest message text, in characters after entity parsing.
pub(crate) const MAX_TEXT: usize = 4096;
/// Longest caption, in characters after entity parsing.
pub(crate) const MAX_CAPTION: usize = 1024;
/// Largest inline keyboard, in buttons.
const MAX_BUTTONS: usize = 100;

/// The message text of a send or edit call, parsed and checked.
pub(crate) fn text(p: &Params, editing: bool) -> Result<Formatted, ApiError> {
    let raw = p.str("text").unwrap_or("");
    let f = markup::parse(raw, p.str("parse_mode"), p.values.get("entities"))
        .map_err(|e| ApiError::invalid(&e))?;
    if f.text.is_empty() {
        return Err(ApiError::invalid("message text is empty"));
    }
    if f.len_chars() > MAX_TEXT {
        // The real server words the same limit differently for sends and edits.
        let what = if editing {
            "MESSAGE_TOO_LONG"
        } else {
            "message is too long"
        };
        return Err(ApiError::invalid(what));
    }
    Ok(f)
}

/// The caption of a media send or edit, parsed and checked; `None` when empty.
pub(crate) fn caption(p: &Params) -> Result<Option<Formatted>, ApiError> {
    let Some(raw) = p.str("caption") else {
        return Ok(None);
    };
    let f = markup::parse(raw, p.str("parse_mode"), p.values.get("caption_entities"))
        .map_err(|e| ApiError::invalid(&e))?;
    if f.len_chars() > MAX_CAPTION {
        return Err(ApiError::invalid("message caption is too long"));
    }
    Ok((!f.text.is_empty()).then_some(f))
}

/// Checks `reply_markup` and returns the inline keyboard to store with the message
/// (other markup kinds affect the user's keyboard, not the message).
pub(crate) fn reply_markup(p: &Params) -> Result<Option<Value>, ApiError> {
    let Some(markup) = p.values.get("reply_markup") else {
        return Ok(None);
    };
    if let Some(rows) = markup.get("inline_keyboard").and_then(Value::as_array) {
        check_inline_keyboard(rows)?;
        let empty = rows.iter().all(|r| r.as_array().is_none_or(Vec::is_empty));
        return Ok((!empty).then(|| markup.clone()));
    }
    if let Some(rows) = markup.get("keyboard").and_then(Value::as_array) {
        for button in rows.iter().filter_map(Value::as_array).flatten() {
            let text = button.as_str().or_else(|| button["text"].as_str());
            if text.is_none_or(|t| t.trim().is_empty()) {
                return Err(ApiError::invalid("keyboard button text is empty"));
            }
        }
    }
    Ok(None)
}

fn check_inline_keyboard(rows: &[Value]) -> Result<(), ApiError> {
    let buttons: Vec<&Value> = rows.iter().filter_map(Value::as_array).flatten().collect();
    if buttons.len() > MAX_BUTTONS {
        return Err(ApiError::invalid("reply markup is too long"));
    }
    for b in buttons {
        if b["text"].as_str().is_none_or(|t| t.trim().is_empty()) {
            return Err(ApiError::invalid("BUTTON_TEXT_INVALID"));
        }
        if let Some(data) = b.get("callback_data").and_then(Value::as_str) {
            // 1–64 bytes, not characters: Cyrillic data runs out at 32 letters.
            if data.is_empty() || data.len() > 64 {
                return Err(ApiError::invalid("BUTTON_DATA_INVALID"));
            }
        }
        if let Some(url) = b.get("url").and_then(Value::as_str) {
            let ok = url::Url::parse(url)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https" | "tg" | "ton"));
            if !ok {
                return Err(ApiError::invalid("BUTTON_URL_INVALID"));
            }
        }
        let actions = [
            "url",
            "callback_data",
            "web_app",
            "login_url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
            "switch_inline_query_chosen_chat",
            "copy_text",
            "callback_game",
            "pay",
        ];
        let n = actions.iter().filter(|a| b.get(**a).is_some()).count();
        if n == 0 {
            return Err(ApiError::invalid(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
            ));
        }
        if n > 1 {
            return Err(ApiError::invalid(
                "can't parse inline keyboard button: exactly one of the optional fields must be used",
            ));
        }
    }
    Ok(())
}

/// The buttons of a stored inline keyboard, for [`super::BotMessage`].
pub(crate) fn buttons(markup: Option<&Value>) -> Vec<Vec<Button>> {
    let Some(rows) = markup.and_then(|m| m["inline_keyboard"].as_array()) else {
        return Vec::new();
    };
    rows.iter()
        .filter_map(Value::as_array)
        .map(|row| {
            row.iter()
                .map(|b| Button {
                    text: b["text"].as_str().unwrap_or("").to_string(),
                    callback_data: b["callback_data"].as_str().map(str::to_string),
                    url: b["url"].as_str().map(str::to_string),
                })
                .collect()
        })
        .collect()
}

/// Checks a `setMyCommands` list: at most 100, names of 1–32 `[a-z0-9_]`.
pub(crate) fn commands(list: &[Value]) -> Result<Vec<(String, String)>, ApiError> {
    if list.len() > 100 {
        return Err(ApiError::invalid("BOT_COMMANDS_TOO_MUCH"));
    }
    let mut out = Vec::with_capacity(list.len());
    for c in list {
        let name = c["command"].as_str().unwrap_or("");
        let valid = (1..=32).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !valid {
            return Err(ApiError::invalid(&format!("BOT_COMMAND_INVALID: {name:?}")));
        }
        let description = c["description"].as_str().unwrap_or("").trim();
        if description.is_empty() {
            return Err(ApiError::invalid("BOT_COMMAND_DESCRIPTION_INVALID"));
        }
        out.push((name.to_string(), description.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(v: Value) -> Params {
        Params {
            values: v.as_object().unwrap().clone(),
            ..Params::default()
        }
    }

    #[test]
    fn callback_data_is_limited_in_bytes() {
        let ok = "я".repeat(32);
        let too_long = "я".repeat(33);
        let kb = |d: &str| {
            params(
                json!({"reply_markup": {"inline_keyboard": [[{"text": "x", "callback_data": d}]]}}),
            )
        };
        assert!(reply_markup(&kb(&ok)).unwrap().is_some());
        let e = reply_markup(&kb(&too_long)).unwrap_err();
        assert_eq!(e.description, "Bad Request: BUTTON_DATA_INVALID");
        assert!(e.violation);
        assert!(reply_markup(&kb("")).is_err());
    }

    #[test]
    fn text_limits_apply_after_parsing() {
        let long_tags = format!("<b>{}</b>", "a".repeat(4096));
        assert!(text(
            &params(json!({"text": long_tags, "parse_mode": "HTML"})),
            false
        )
        .is_ok());
        let e = text(&params(json!({"text": "a".repeat(4097)})), false).unwrap_err();
        assert_eq!(e.description, "Bad Request: message is too long");
        let e = text(&params(json!({"text": "   "})), false).unwrap_err();
        assert_eq!(e.description, "Bad Request: message text is empty");
        let e = caption(&params(json!({"caption": "c".repeat(1025)}))).unwrap_err();
        assert_eq!(e.description, "Bad Request: message caption is too long");
    }

    #[test]
    fn command_names_are_checked() {
        assert!(commands(&[json!({"command": "start", "description": "Start"})]).is_ok());
        assert!(commands(&[json!({"command": "Start", "description": "Start"})]).is_err());
    }
}
