//! The bot part: the VK Ads menu, account cards, `/vk_connect` and `/vk_stats`.

use async_trait::async_trait;
use serde_json::json;
use teloxide::types::{
    BotCommand, CallbackQuery, ChatId, InlineKeyboardMarkup, Message, MessageId,
};

use super::callback::VkCallback;
use super::crypto::Sealer;
use super::dialogue::dialogue;
use super::digests::{ask_time, delete_digests, schedule_digest, show_times};
use super::jobs::{local_today, VkDisconnect, VkReport};
use super::menus::{
    button, enqueue_report, show_account, show_accounts, show_campaigns, stats_command,
};
use super::period;
use super::store;
use super::texts::texts;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::keyboard::confirm_keyboard;
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

/// The VK Ads feature's bot part.
pub struct VkBot {
    /// `None` when `vk.encryption_key` is not set: nothing can be connected.
    pub sealer: Option<Sealer>,
    /// Whether e-mail is configured (digest copies).
    pub mail: bool,
    /// Whether the old API adapter is enabled (`vk.legacy.enabled`): the
    /// connect dialogue then offers a third kind, a legacy token.
    pub legacy: bool,
}

#[async_trait]
impl Feature for VkBot {
    fn name(&self) -> &'static str {
        "vk"
    }

    fn callback_tag(&self) -> &'static str {
        "vk"
    }

    fn menu_button(&self, lang: Lang) -> (String, String) {
        (texts(lang).menu_button.into(), VkCallback::Accounts.data())
    }

    fn commands(&self, lang: Lang) -> Vec<BotCommand> {
        let t = texts(lang);
        vec![
            BotCommand::new("vk_connect", t.cmd_connect),
            BotCommand::new("vk_stats", t.cmd_stats),
        ]
    }

    async fn on_command(
        &self,
        ctx: &Ctx,
        msg: &Message,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool> {
        match command {
            "vk_connect" => self.start_connect(ctx, msg.chat.id).await?,
            "vk_stats" => stats_command(ctx, msg.chat.id, args).await?,
            _ => return Ok(false),
        }
        Ok(true)
    }

    async fn on_callback(
        &self,
        ctx: &Ctx,
        query: &CallbackQuery,
        data: &str,
    ) -> anyhow::Result<bool> {
        let (Some(callback), Some(message)) = (decode::<VkCallback>(data), query.regular_message())
        else {
            return Ok(false);
        };
        self.on_button(ctx, message.chat.id, message.id, callback)
            .await?;
        Ok(true)
    }

    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        self.dialogue_step(ctx, msg, state).await
    }
}

impl VkBot {
    /// Whether the chat's connect dialogue waits for the kind.
    async fn choosing_kind(&self, ctx: &Ctx, chat: ChatId) -> anyhow::Result<bool> {
        let active = ctx.core.dialogue(chat).await?;
        Ok(active.is_some_and(|d| d.owner == "vk" && d.step == "kind"))
    }

    async fn start_connect(&self, ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        if self.sealer.is_none() {
            send(&ctx.bot, chat, t.no_key, None).await?;
            return Ok(());
        }
        ctx.core
            .set_dialogue(chat, dialogue("kind", t.expects_kind, json!({})))
            .await?;
        let mut rows = vec![vec![
            button(t.kind_own, VkCallback::Kind { agency: false }),
            button(t.kind_agency, VkCallback::Kind { agency: true }),
        ]];
        if self.legacy {
            rows.push(vec![button(t.kind_legacy, VkCallback::LegacyKind)]);
        }
        let keyboard = InlineKeyboardMarkup::new(rows);
        send(&ctx.bot, chat, t.ask_kind, Some(keyboard)).await?;
        Ok(())
    }

    async fn on_button(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: MessageId,
        callback: VkCallback,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let pool = &ctx.core.pool;
        match callback {
            VkCallback::Accounts => return show_accounts(ctx, chat, Some(message)).await,
            VkCallback::Connect => return self.start_connect(ctx, chat).await,
            VkCallback::Kind { agency } => {
                if !self.choosing_kind(ctx, chat).await? {
                    return show_accounts(ctx, chat, Some(message)).await;
                }
                ctx.core
                    .set_dialogue(
                        chat,
                        dialogue(
                            "client_id",
                            t.expects_client_id,
                            json!({ "agency": agency }),
                        ),
                    )
                    .await?;
                edit(&ctx.bot, chat, message, t.ask_client_id, None).await?;
                return Ok(());
            }
            VkCallback::LegacyKind => {
                if !self.legacy {
                    ctx.core.end_dialogue(chat).await?;
                    edit(&ctx.bot, chat, message, t.legacy_disabled, None).await?;
                    return Ok(());
                }
                if !self.choosing_kind(ctx, chat).await? {
                    return show_accounts(ctx, chat, Some(message)).await;
                }
                let state = dialogue("legacy_token", t.expects_legacy_token, json!({}));
                ctx.core.set_dialogue(chat, state).await?;
                edit(&ctx.bot, chat, message, t.ask_legacy_token, None).await?;
                return Ok(());
            }
            _ => {}
        }
        let id = match callback {
            VkCallback::Account(id)
            | VkCallback::Report(id)
            | VkCallback::StopDigests(id)
            | VkCallback::Email(id)
            | VkCallback::Disconnect(id)
            | VkCallback::DisconnectYes(id) => id,
            VkCallback::Campaigns { account, .. }
            | VkCallback::Digest { account, .. }
            | VkCallback::DigestAt { account, .. }
            | VkCallback::DigestOther { account, .. }
            | VkCallback::Csv { account, .. } => account,
            VkCallback::Accounts
            | VkCallback::Connect
            | VkCallback::Kind { .. }
            | VkCallback::LegacyKind => return Ok(()),
        };
        let Some(account) = store::get(pool, chat.0, id).await? else {
            send(&ctx.bot, chat, t.account_gone, None).await?;
            return show_accounts(ctx, chat, None).await;
        };
        match callback {
            VkCallback::Account(_) => show_account(ctx, chat, Some(message), &account).await,
            VkCallback::Campaigns { page, .. } => {
                show_campaigns(ctx, chat, message, &account, page).await
            }
            VkCallback::Report(_) => {
                let today = local_today(pool, chat.0).await;
                let period = period::parse("7d", today).map_err(anyhow::Error::from)?;
                enqueue_report(ctx, chat, &account, period).await
            }
            VkCallback::Csv { from, to, .. } => {
                let Some(p) = period::Period::from_epoch_days(from, to) else {
                    return Ok(());
                };
                let job = VkReport {
                    chat_id: chat.0,
                    account_id: account.id,
                    from: p.from,
                    to: p.to,
                    csv: true,
                };
                ctx.core.queue.enqueue(job).await?;
                Ok(())
            }
            VkCallback::Digest { weekly, .. } => {
                show_times(ctx, chat, message, &account, weekly).await
            }
            VkCallback::DigestAt { weekly, minute, .. } => {
                let at = (minute < 24 * 60)
                    .then(|| chrono::NaiveTime::from_hms_opt(minute / 60, minute % 60, 0))
                    .flatten();
                let Some(at) = at else {
                    return show_account(ctx, chat, Some(message), &account).await;
                };
                let text = schedule_digest(ctx, chat, &account, weekly, at).await?;
                send(&ctx.bot, chat, &text, None).await?;
                show_account(ctx, chat, Some(message), &account).await
            }
            VkCallback::DigestOther { weekly, .. } => {
                let data = json!({ "account": account.id, "weekly": weekly });
                ctx.core
                    .set_dialogue(chat, dialogue("digest_time", t.expects_time, data))
                    .await?;
                ask_time(ctx, chat).await
            }
            VkCallback::StopDigests(_) => {
                delete_digests(ctx, chat, account.id).await?;
                send(
                    &ctx.bot,
                    chat,
                    &fill(t.digests_stopped, &[("name", &html(&account.name))]),
                    None,
                )
                .await?;
                show_account(ctx, chat, Some(message), &account).await
            }
            VkCallback::Email(_) => {
                if !self.mail {
                    send(&ctx.bot, chat, t.no_smtp, None).await?;
                    return Ok(());
                }
                ctx.core
                    .set_dialogue(
                        chat,
                        dialogue("email", t.expects_email, json!({ "account": account.id })),
                    )
                    .await?;
                send(&ctx.bot, chat, t.ask_email, None).await?;
                Ok(())
            }
            VkCallback::Disconnect(_) => {
                let template = if account.is_legacy() {
                    t.confirm_disconnect_legacy
                } else {
                    t.confirm_disconnect
                };
                let text = fill(template, &[("name", &html(&account.name))]);
                let keyboard = confirm_keyboard(
                    t.yes_disconnect,
                    VkCallback::DisconnectYes(account.id).data(),
                    t.no,
                    VkCallback::Account(account.id).data(),
                );
                edit(&ctx.bot, chat, message, &text, Some(keyboard)).await?;
                Ok(())
            }
            VkCallback::DisconnectYes(_) => {
                let job = VkDisconnect {
                    chat_id: chat.0,
                    account_id: account.id,
                };
                ctx.core.queue.enqueue(job).await?;
                let text = fill(t.disconnecting, &[("name", &html(&account.name))]);
                edit(&ctx.bot, chat, message, &text, None).await?;
                Ok(())
            }
            VkCallback::Accounts
            | VkCallback::Connect
            | VkCallback::Kind { .. }
            | VkCallback::LegacyKind => Ok(()),
        }
    }
}
