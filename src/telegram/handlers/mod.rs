//! Update handlers: every update passes the access check first, then goes to
//! the core commands, a feature, or the active dialogue.

mod access;
mod admin;
mod admin_jobs;
mod menus;
pub mod reply;
mod settings;

use std::sync::Arc;

use teloxide::payloads::AnswerCallbackQuerySetters;
use teloxide::prelude::Requester;
use teloxide::types::{CallbackQuery, ChatId, Message};
use teloxide::Bot;

use super::callback::{decode, tag_of};
use super::caller;
use super::commands;
use super::core::{Core, Ctx, DialogueState};
use super::core_callback::CoreCallback;
use super::texts::{fill, html, texts};

/// Endpoint for messages.
pub async fn on_message(bot: Bot, msg: Message, core: Arc<Core>) -> anyhow::Result<()> {
    metrics::counter!("telegram_updates_total", "kind" => "message").increment(1);
    let Some(user) = msg.from.as_ref() else {
        return Ok(()); // channel posts and service messages carry no sender
    };
    let caller = caller::identify(&core.pool, user, &core.admins).await?;
    let ctx = Ctx { core, bot, caller };
    let text = msg.text().or(msg.caption()).unwrap_or_default();
    if let Some(parsed) = commands::parse(text) {
        return on_command(&ctx, &msg, &parsed.name, parsed.args).await;
    }
    if !ctx.caller.is_member() {
        return access::refuse(&ctx, msg.chat.id).await;
    }
    let dialogue = ctx.core.dialogue(msg.chat.id).await?;
    match dialogue {
        Some(state) => on_dialogue(&ctx, &msg, state).await,
        None => say(&ctx, msg.chat.id, texts(ctx.caller.lang).not_a_command).await,
    }
}

async fn on_command(ctx: &Ctx, msg: &Message, name: &str, args: &str) -> anyhow::Result<()> {
    let chat = msg.chat.id;
    match name {
        "start" => return access::start(ctx, msg).await,
        "help" => return access::help(ctx, chat).await,
        _ => {}
    }
    if !ctx.caller.is_member() {
        return access::refuse(ctx, chat).await;
    }
    match name {
        "menu" => menus::show_main(ctx, chat, None).await,
        "cancel" => settings::cancel(ctx, chat).await,
        "language" => settings::show(ctx, chat, None).await,
        "timezone" => settings::timezone(ctx, chat, args).await,
        "users" | "grant" | "revoke" | "jobs" | "broadcast" | "audit" => {
            if !ctx.caller.is_admin() {
                return say(ctx, chat, texts(ctx.caller.lang).admins_only).await;
            }
            admin::command(ctx, msg, name, args).await
        }
        _ => {
            for feature in &ctx.core.features {
                if feature.on_command(ctx, msg, name, args).await? {
                    return Ok(());
                }
            }
            let text = fill(
                texts(ctx.caller.lang).unknown_command,
                &[("command", &html(&format!("/{name}")))],
            );
            say(ctx, chat, &text).await
        }
    }
}

async fn on_dialogue(ctx: &Ctx, msg: &Message, state: DialogueState) -> anyhow::Result<()> {
    if state.owner == "core" {
        return settings::on_dialogue(ctx, msg, state).await;
    }
    for feature in &ctx.core.features {
        if feature.name() == state.owner {
            return feature.on_dialogue(ctx, msg, state).await;
        }
    }
    // The owner is gone (feature removed): do not keep the user stuck.
    ctx.core.end_dialogue(msg.chat.id).await?;
    say(ctx, msg.chat.id, texts(ctx.caller.lang).not_a_command).await
}

/// Endpoint for button presses. The query is answered first, always.
pub async fn on_callback(bot: Bot, query: CallbackQuery, core: Arc<Core>) -> anyhow::Result<()> {
    metrics::counter!("telegram_updates_total", "kind" => "callback").increment(1);
    let caller = caller::identify(&core.pool, &query.from, &core.admins).await?;
    let data = query.data.clone().unwrap_or_default();
    let core_callback = decode::<CoreCallback>(&data);
    let known_feature = tag_of(&data).and_then(|(tag, _)| {
        core.features
            .iter()
            .find(|f| f.callback_tag() == tag)
            .cloned()
    });
    let t = texts(caller.lang);
    let answer = if !caller.is_member() {
        Some(t.no_access)
    } else if core_callback.is_none() && known_feature.is_none() {
        Some(t.expired_button)
    } else {
        None
    };
    let mut request = bot.answer_callback_query(query.id.clone());
    if let Some(text) = answer {
        request = request.text(text);
    }
    if let Err(error) = request.await {
        // A late answer fails ("query is too old"); the press is still handled.
        tracing::debug!(%error, "answering a callback query failed");
    }
    let ctx = Ctx { core, bot, caller };
    if !ctx.caller.is_member() {
        return Ok(());
    }
    let Some(message) = query.regular_message() else {
        return Ok(());
    };
    let (chat, message_id) = (message.chat.id, message.id);
    if let Some(callback) = core_callback {
        return menus::on_core_callback(&ctx, chat, message_id, callback).await;
    }
    if let Some(feature) = known_feature {
        if feature.on_callback(&ctx, &query, &data).await? {
            return Ok(());
        }
    }
    menus::show_main(&ctx, chat, Some(message_id)).await
}

/// Sends a plain HTML reply from a handler (split past 4096 characters).
pub async fn say(ctx: &Ctx, chat: ChatId, text: &str) -> anyhow::Result<()> {
    reply::send(&ctx.bot, chat, text, None).await?;
    Ok(())
}
