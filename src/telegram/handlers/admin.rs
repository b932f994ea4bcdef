//! Admin commands and buttons: users and access decisions, broadcasts and the
//! audit log (the job queue is in `admin_jobs`). Every action is audited.

use serde_json::json;
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageId};

use super::admin_jobs::{ask_discard, confirm, jobs_page, retry_job};
use super::{menus, reply, say};
use crate::telegram::caller::language_of_chat;
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::{CoreCallback, GrantRole};
use crate::telegram::keyboard::paginate;
use crate::telegram::sender::Outbound;
use crate::telegram::split::MESSAGE_LIMIT;
use crate::telegram::store::users::{self, Role, User};
use crate::telegram::store::{audit, StoreError};
use crate::telegram::texts::{fill, html, texts};

const USERS_PER_PAGE: usize = 10;

/// An admin command (the caller is an admin).
pub(super) async fn command(
    ctx: &Ctx,
    msg: &Message,
    name: &str,
    args: &str,
) -> anyhow::Result<()> {
    let chat = msg.chat.id;
    match name {
        "users" => users_page(ctx, chat, None, 0).await,
        "grant" => grant(ctx, chat, args).await,
        "revoke" => revoke(ctx, chat, args).await,
        "jobs" => jobs_page(ctx, chat, None, 0).await,
        "broadcast" => broadcast(ctx, chat, args).await,
        _ => audit_log(ctx, chat).await,
    }
}

/// An admin button (the caller is an admin; the query is answered).
pub(super) async fn on_callback(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    callback: CoreCallback,
) -> anyhow::Result<()> {
    match callback {
        CoreCallback::UsersPage(page) => users_page(ctx, chat, Some(message), page).await,
        CoreCallback::Approve(user) => decide(ctx, chat, message, user, Role::Member).await,
        CoreCallback::Deny(user) => decide(ctx, chat, message, user, Role::Revoked).await,
        CoreCallback::SetRole { user, role } => {
            let role = match role {
                GrantRole::Admin => Role::Admin,
                GrantRole::Member => Role::Member,
                GrantRole::Revoked => Role::Revoked,
            };
            decide(ctx, chat, message, user, role).await
        }
        CoreCallback::JobsPage(page) => jobs_page(ctx, chat, Some(message), page).await,
        CoreCallback::RetryJob(job) => retry_job(ctx, chat, message, job).await,
        CoreCallback::DiscardJob(job) => ask_discard(ctx, chat, message, job).await,
        CoreCallback::Confirm { action } => confirm(ctx, chat, message, action).await,
        _ => menus::show_main(ctx, chat, Some(message)).await,
    }
}

fn user_label(user: &User) -> String {
    let mut label = user.first_name.clone();
    if let Some(username) = &user.username {
        label.push_str(&format!(" @{username}"));
    }
    label
}

async fn users_page(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
    page: u32,
) -> anyhow::Result<()> {
    let lang = ctx.caller.lang;
    let t = texts(lang);
    let (all, total) = users::list(&ctx.core.pool, 0, i64::from(u32::MAX)).await?;
    if all.is_empty() {
        return say(ctx, chat, t.users_empty).await;
    }
    let mut view = paginate(
        &all,
        page,
        USERS_PER_PAGE,
        |user| {
            let data = match user.role {
                Role::Pending => CoreCallback::Approve(user.telegram_id).data(),
                _ => CoreCallback::Noop.data(),
            };
            let prefix = if user.role == Role::Pending {
                "✅ "
            } else {
                ""
            };
            (
                format!("{prefix}{} · {}", user_label(user), user.role),
                data,
            )
        },
        |page| CoreCallback::UsersPage(page).data(),
        &menus::pager(lang),
    );
    // Pending requests get a deny button next to approve.
    for (row, user) in view
        .keyboard
        .inline_keyboard
        .iter_mut()
        .zip(&all[view.range.clone()])
    {
        if user.role == Role::Pending {
            row.push(InlineKeyboardButton::callback(
                t.deny,
                CoreCallback::Deny(user.telegram_id).data(),
            ));
        }
    }
    view.keyboard
        .inline_keyboard
        .push(menus::back_to_main(lang));
    let mut text = fill(t.users_title, &[("total", &total)]);
    for user in &all[view.range.clone()] {
        text.push_str(&format!(
            "\n• {} — <code>{}</code> — {}",
            html(&user_label(user)),
            user.telegram_id,
            user.role
        ));
    }
    match message {
        Some(id) => reply::edit(&ctx.bot, chat, id, &text, Some(view.keyboard)).await?,
        None => reply::send(&ctx.bot, chat, &text, Some(view.keyboard)).await?,
    }
    Ok(())
}

/// Sets a role and tells the user; `Err` texts are for the admin.
async fn change_role(ctx: &Ctx, user: i64, role: Role) -> anyhow::Result<Result<User, String>> {
    let t = texts(ctx.caller.lang);
    if ctx.core.admins.contains(&user) && role != Role::Admin {
        return Ok(Err(fill(t.cannot_change_config_admin, &[("id", &user)])));
    }
    let changed = match users::set_role(&ctx.core.pool, ctx.caller.user_id, user, role).await {
        Ok(changed) => changed,
        Err(StoreError::NotFound) => return Ok(Err(fill(t.user_unknown, &[("id", &user)]))),
        Err(error) => return Err(error.into()),
    };
    let user_texts = texts(language_of_chat(&ctx.core.pool, user).await);
    let notice = match role {
        Role::Admin | Role::Member => user_texts.approved,
        Role::Revoked => user_texts.revoked,
        Role::Pending => return Ok(Ok(changed)),
    };
    ctx.core
        .queue
        .enqueue(Outbound::text(user, notice, Vec::new()))
        .await?;
    Ok(Ok(changed))
}

async fn decide(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    user: i64,
    role: Role,
) -> anyhow::Result<()> {
    let text = match change_role(ctx, user, role).await? {
        Ok(changed) => fill(
            texts(ctx.caller.lang).decided,
            &[
                ("who", &html(&user_label(&changed))),
                ("role", &role),
                ("admin", &html(&ctx.caller.name)),
            ],
        ),
        Err(problem) => problem,
    };
    reply::edit(&ctx.bot, chat, message, &text, None).await?;
    Ok(())
}

fn parse_user_id(text: &str) -> Option<i64> {
    text.parse::<i64>().ok().filter(|id| *id > 0)
}

async fn grant(ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let mut words = args.split_whitespace();
    let user = words.next().and_then(parse_user_id);
    let role = match words.next().map(str::to_lowercase).as_deref() {
        None | Some("member") => Some(Role::Member),
        Some("admin") => Some(Role::Admin),
        Some(_) => None,
    };
    let (Some(user), Some(role), None) = (user, role, words.next()) else {
        return say(ctx, chat, t.grant_usage).await;
    };
    role_command_reply(ctx, chat, user, role).await
}

async fn revoke(ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let mut words = args.split_whitespace();
    let (Some(user), None) = (words.next().and_then(parse_user_id), words.next()) else {
        return say(ctx, chat, t.revoke_usage).await;
    };
    role_command_reply(ctx, chat, user, Role::Revoked).await
}

async fn role_command_reply(ctx: &Ctx, chat: ChatId, user: i64, role: Role) -> anyhow::Result<()> {
    let text = match change_role(ctx, user, role).await? {
        Ok(changed) => fill(
            texts(ctx.caller.lang).role_changed,
            &[("who", &html(&user_label(&changed))), ("role", &role)],
        ),
        Err(problem) => problem,
    };
    say(ctx, chat, &text).await
}

async fn broadcast(ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let text = args.trim();
    if text.is_empty() {
        return say(ctx, chat, t.broadcast_usage).await;
    }
    let length = text.encode_utf16().count();
    if length > MESSAGE_LIMIT {
        let message = fill(
            t.broadcast_too_long,
            &[("length", &length), ("limit", &MESSAGE_LIMIT)],
        );
        return say(ctx, chat, &message).await;
    }
    let chats = users::members_with_active_chats(&ctx.core.pool).await?;
    let mut client = ctx.core.pool.get().await?;
    let tx = client.transaction().await?;
    let row = tx
        .query_one(
            "INSERT INTO broadcasts (admin_chat, total) VALUES ($1, $2) RETURNING id",
            &[&chat.0, &(chats.len() as i32)],
        )
        .await?;
    let id: i64 = row.try_get(0)?;
    let details = json!({"broadcast": id, "chats": chats.len(), "text": text});
    audit::record(&*tx, Some(ctx.caller.user_id), "broadcast", details).await?;
    for target in &chats {
        let mut job = Outbound::text(*target, html(text), Vec::new());
        job.broadcast_id = Some(id);
        ctx.core.queue.enqueue_in(&tx, job).await?;
    }
    tx.commit().await?;
    if chats.is_empty() {
        let done = fill(t.broadcast_done, &[("delivered", &0), ("failed", &0)]);
        return say(ctx, chat, &done).await;
    }
    say(
        ctx,
        chat,
        &fill(t.broadcast_queued, &[("count", &chats.len())]),
    )
    .await
}

async fn audit_log(ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let entries = audit::recent(&ctx.core.pool, 20).await?;
    if entries.is_empty() {
        return say(ctx, chat, t.audit_empty).await;
    }
    let mut text = fill(t.audit_title, &[("count", &entries.len())]);
    for entry in &entries {
        let actor = entry
            .actor_id
            .map_or_else(|| "system".to_string(), |id| id.to_string());
        text.push_str(&format!(
            "\n{} · <code>{}</code> · {} · {}",
            entry.created_at.format("%Y-%m-%d %H:%M"),
            actor,
            html(&entry.action),
            html(&entry.details.to_string())
        ));
    }
    reply::send(
        &ctx.bot,
        chat,
        &text,
        Some(InlineKeyboardMarkup::new([menus::back_to_main(
            ctx.caller.lang,
        )])),
    )
    .await?;
    Ok(())
}
