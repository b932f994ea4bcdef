//! /start, /help and the approval flow for newcomers.

use teloxide::types::{ChatId, Message};

use super::{reply, say};
use crate::telegram::caller::display_name;
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::sender::{Button, Outbound};
use crate::telegram::store::chats::{self, ChatKind};
use crate::telegram::store::users::{self, Role};
use crate::telegram::texts::{fill, html, texts};

/// `/start`: members get the greeting and the main menu; a stranger becomes
/// pending and every admin is asked to decide.
pub(super) async fn start(ctx: &Ctx, msg: &Message) -> anyhow::Result<()> {
    let chat = msg.chat.id;
    let Some(from) = msg.from.as_ref() else {
        return Ok(());
    };
    let t = texts(ctx.caller.lang);
    let name = html(&from.first_name);
    match ctx.caller.role {
        Some(Role::Admin | Role::Member) => {
            chats::upsert(
                &ctx.core.pool,
                chat.0,
                ChatKind::of(&msg.chat),
                msg.chat.title(),
            )
            .await?;
            let greeting = if ctx.caller.is_admin() {
                t.greeting_admin
            } else {
                t.greeting_member
            };
            say(ctx, chat, &fill(greeting, &[("name", &name)])).await?;
            super::menus::show_main(ctx, chat, None).await
        }
        Some(Role::Pending) => say(ctx, chat, t.request_pending).await,
        Some(Role::Revoked) => say(ctx, chat, t.revoked).await,
        None => {
            users::upsert_seen(
                &ctx.core.pool,
                ctx.caller.user_id,
                from.username.as_deref(),
                &from.first_name,
                from.last_name.as_deref(),
                from.language_code.as_deref(),
                &ctx.core.admins,
            )
            .await?;
            chats::upsert(
                &ctx.core.pool,
                chat.0,
                ChatKind::of(&msg.chat),
                msg.chat.title(),
            )
            .await?;
            say(ctx, chat, &fill(t.request_sent, &[("name", &name)])).await?;
            notify_admins(ctx, &display_name(from)).await
        }
    }
}

/// Asks every admin (config and promoted) to approve or deny the caller.
async fn notify_admins(ctx: &Ctx, who: &str) -> anyhow::Result<()> {
    let mut admins: Vec<i64> = ctx.core.admins.clone();
    for admin in users::admins(&ctx.core.pool).await? {
        if !admins.contains(&admin.telegram_id) {
            admins.push(admin.telegram_id);
        }
    }
    let id = ctx.caller.user_id;
    let mut jobs = Vec::new();
    for admin in admins {
        let lang = crate::telegram::caller::language_of_chat(&ctx.core.pool, admin).await;
        let t = texts(lang);
        let text = fill(t.new_request, &[("who", &html(who)), ("id", &id)]);
        let buttons = vec![vec![
            Button {
                text: t.approve.into(),
                data: CoreCallback::Approve(id).data(),
            },
            Button {
                text: t.deny.into(),
                data: CoreCallback::Deny(id).data(),
            },
        ]];
        jobs.push(Outbound::text(admin, text, buttons));
    }
    ctx.core.queue.enqueue_many(jobs).await?;
    Ok(())
}

/// `/help`: the commands of the caller's role.
pub(super) async fn help(ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    if !ctx.caller.is_member() {
        return say(ctx, chat, t.help_stranger).await;
    }
    let mut text = t.help_member.to_string();
    for feature in &ctx.core.features {
        for command in feature.commands(ctx.caller.lang) {
            text.push_str(&format!(
                "\n/{} — {}",
                command.command,
                html(&command.description)
            ));
        }
    }
    if ctx.caller.is_admin() {
        text.push_str("\n\n");
        text.push_str(t.help_admin_extra);
    }
    reply::send(&ctx.bot, chat, &text, None).await?;
    Ok(())
}

/// The answer to anything from someone without access: it reveals nothing
/// and changes nothing.
pub(super) async fn refuse(ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let text = match ctx.caller.role {
        Some(Role::Pending) => t.request_pending,
        Some(Role::Revoked) => t.revoked,
        _ => t.no_access,
    };
    say(ctx, chat, text).await
}
