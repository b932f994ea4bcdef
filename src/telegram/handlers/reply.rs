//! Sending and editing from handlers (direct, unthrottled: one reply per update).

use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId, ParseMode};
use teloxide::{ApiError, Bot, RequestError};

use crate::telegram::split::{split_message, MESSAGE_LIMIT};

/// Sends HTML `text` (split past 4096 characters), the keyboard under the last part.
pub async fn send(
    bot: &Bot,
    chat: ChatId,
    text: &str,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let parts = split_message(text, MESSAGE_LIMIT);
    let last = parts.len().saturating_sub(1);
    let mut markup = markup;
    for (index, part) in parts.into_iter().enumerate() {
        let mut request = bot.send_message(chat, part).parse_mode(ParseMode::Html);
        if index == last {
            if let Some(markup) = markup.take() {
                request = request.reply_markup(markup);
            }
        }
        request.await?;
        metrics::counter!("telegram_messages_out_total", "path" => "handler").increment(1);
    }
    Ok(())
}

/// Replaces a menu message in place; falls back to a new message when the old
/// one cannot be edited (too old, deleted). "Not modified" is success.
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message: MessageId,
    text: &str,
    markup: Option<InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    let mut request = bot
        .edit_message_text(chat, message, text)
        .parse_mode(ParseMode::Html);
    if let Some(markup) = markup.clone() {
        request = request.reply_markup(markup);
    }
    match request.await {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(RequestError::Api(ApiError::MessageToEditNotFound | ApiError::MessageCantBeEdited)) => {
            send(bot, chat, text, markup).await
        }
        Err(error) => Err(error),
    }
}
