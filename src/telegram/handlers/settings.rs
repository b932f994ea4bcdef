//! Settings: language, timezone (a small dialogue), /cancel.

use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageId};

use super::{menus, reply, say};
use crate::jobs::schedule_rule::parse_timezone;
use crate::telegram::caller::Caller;
use crate::telegram::core::{Ctx, DialogueState};
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::lang::Lang;
use crate::telegram::store::{chats, users};
use crate::telegram::texts::{fill, html, texts};

fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "English",
        Lang::Ru => "Русский",
    }
}

/// The settings card, sent or edited in place.
pub(super) async fn show(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
) -> anyhow::Result<()> {
    show_as(ctx, &ctx.caller, chat, message).await
}

async fn show_as(
    ctx: &Ctx,
    caller: &Caller,
    chat: ChatId,
    message: Option<MessageId>,
) -> anyhow::Result<()> {
    let lang = caller.lang;
    let t = texts(lang);
    let timezone = chats::timezone(&ctx.core.pool, chat.0)
        .await?
        .unwrap_or_else(|| "UTC".into());
    let text = fill(
        t.settings_card,
        &[
            ("language", &language_name(lang)),
            ("timezone", &html(&timezone)),
        ],
    );
    let other = match lang {
        Lang::En => Lang::Ru,
        Lang::Ru => Lang::En,
    };
    let markup = InlineKeyboardMarkup::new([
        vec![InlineKeyboardButton::callback(
            t.language_button,
            CoreCallback::Language(other).data(),
        )],
        menus::back_to_main(lang),
    ]);
    match message {
        Some(id) => reply::edit(&ctx.bot, chat, id, &text, Some(markup)).await?,
        None => reply::send(&ctx.bot, chat, &text, Some(markup)).await?,
    }
    Ok(())
}

/// Stores the caller's language and redraws the card in it.
pub(super) async fn set_language(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    lang: Lang,
) -> anyhow::Result<()> {
    users::set_language(&ctx.core.pool, ctx.caller.user_id, lang.code()).await?;
    let mut caller = ctx.caller.clone();
    caller.lang = lang;
    show_as(ctx, &caller, chat, Some(message)).await
}

/// `/timezone <name>` sets it; `/timezone` alone asks for it (a dialogue).
pub(super) async fn timezone(ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    if args.is_empty() {
        let current = chats::timezone(&ctx.core.pool, chat.0)
            .await?
            .unwrap_or_else(|| "UTC".into());
        let state = DialogueState {
            owner: "core".into(),
            step: "timezone".into(),
            expects: "timezone".into(),
            data: serde_json::Value::Null,
        };
        ctx.core.set_dialogue(chat, state).await?;
        return say(
            ctx,
            chat,
            &fill(t.timezone_usage, &[("timezone", &html(&current))]),
        )
        .await;
    }
    apply_timezone(ctx, chat, args).await
}

async fn apply_timezone(ctx: &Ctx, chat: ChatId, value: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let Ok(tz) = parse_timezone(value.trim()) else {
        return say(
            ctx,
            chat,
            &fill(t.timezone_unknown, &[("value", &html(value.trim()))]),
        )
        .await;
    };
    chats::set_timezone(&ctx.core.pool, chat.0, tz.name()).await?;
    ctx.core.end_dialogue(chat).await?;
    say(
        ctx,
        chat,
        &fill(t.timezone_set, &[("timezone", &tz.name())]),
    )
    .await
}

/// A message while a core dialogue waits for input.
pub(super) async fn on_dialogue(
    ctx: &Ctx,
    msg: &Message,
    state: DialogueState,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let Some(text) = msg.text() else {
        return say(
            ctx,
            msg.chat.id,
            &fill(t.expects_text, &[("what", &state.expects)]),
        )
        .await;
    };
    match state.step.as_str() {
        "timezone" => apply_timezone(ctx, msg.chat.id, text).await,
        _ => {
            ctx.core.end_dialogue(msg.chat.id).await?;
            say(ctx, msg.chat.id, t.not_a_command).await
        }
    }
}

/// `/cancel`: leaves any dialogue.
pub(super) async fn cancel(ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    if ctx.core.dialogue(chat).await?.is_none() {
        return say(ctx, chat, t.nothing_to_cancel).await;
    }
    ctx.core.end_dialogue(chat).await?;
    say(ctx, chat, t.cancelled).await
}
