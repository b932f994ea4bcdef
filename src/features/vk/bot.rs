//! The bot part: the VK Ads menu, account cards, `/vk_connect` and `/vk_stats`.

use async_trait::async_trait;
use serde_json::json;
use teloxide::prelude::Requester;
use teloxide::types::{
    BotCommand, CallbackQuery, ChatId, InlineKeyboardMarkup, Message, MessageId,
};

use super::callback::VkCallback;
use super::crypto::Sealer;
use super::jobs::{local_today, VkConnect, VkReport};
use super::menus::{
    button, delete_digests, enqueue_report, schedule_digest, show_account, show_accounts,
    show_campaigns, stats_command,
};
use super::period;
use super::store;
use super::texts::texts;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::keyboard::confirm_keyboard;
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html, texts as core_texts};

/// The VK Ads feature's bot part.
pub struct VkBot {
    /// `None` when `vk.encryption_key` is not set: nothing can be connected.
    pub sealer: Option<Sealer>,
    /// Whether e-mail is configured (digest copies).
    pub mail: bool,
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
    async fn start_connect(&self, ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        if self.sealer.is_none() {
            send(&ctx.bot, chat, t.no_key, None).await?;
            return Ok(());
        }
        ctx.core
            .set_dialogue(chat, dialogue("kind", t.expects_kind, json!({})))
            .await?;
        let keyboard = InlineKeyboardMarkup::new([[
            button(t.kind_own, VkCallback::Kind { agency: false }),
            button(t.kind_agency, VkCallback::Kind { agency: true }),
        ]]);
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
                let active = ctx.core.dialogue(chat).await?;
                if !active.is_some_and(|d| d.owner == "vk" && d.step == "kind") {
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
            | VkCallback::Csv { account, .. } => account,
            VkCallback::Accounts | VkCallback::Connect | VkCallback::Kind { .. } => return Ok(()),
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
                let text = schedule_digest(ctx, chat, &account, weekly).await?;
                send(&ctx.bot, chat, &text, None).await?;
                show_account(ctx, chat, Some(message), &account).await
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
                let text = fill(t.confirm_disconnect, &[("name", &html(&account.name))]);
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
                store::delete(pool, chat.0, account.id).await?;
                let text = fill(t.disconnected, &[("name", &html(&account.name))]);
                let keyboard = InlineKeyboardMarkup::new([[button(t.back, VkCallback::Accounts)]]);
                edit(&ctx.bot, chat, message, &text, Some(keyboard)).await?;
                Ok(())
            }
            VkCallback::Accounts | VkCallback::Connect | VkCallback::Kind { .. } => Ok(()),
        }
    }

    async fn dialogue_step(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let chat = msg.chat.id;
        let Some(text) = msg.text().map(str::trim).filter(|s| !s.is_empty()) else {
            let reply = fill(
                core_texts(ctx.caller.lang).expects_text,
                &[("what", &state.expects)],
            );
            send(&ctx.bot, chat, &reply, None).await?;
            return Ok(());
        };
        let mut data = state.data.clone();
        match state.step.as_str() {
            "client_id" => {
                if text.chars().any(char::is_whitespace) || text.len() > 128 {
                    send(&ctx.bot, chat, t.bad_client_id, None).await?;
                    return Ok(());
                }
                data["client_id"] = json!(text);
                ctx.core
                    .set_dialogue(chat, dialogue("secret", t.expects_secret, data))
                    .await?;
                send(&ctx.bot, chat, t.ask_secret, None).await?;
            }
            "secret" => {
                // The secret must not stay in the chat history.
                if let Err(error) = ctx.bot.delete_message(chat, msg.id).await {
                    tracing::warn!(%error, "could not delete the message carrying a VK secret");
                }
                let Some(sealer) = &self.sealer else {
                    ctx.core.end_dialogue(chat).await?;
                    send(&ctx.bot, chat, t.no_key, None).await?;
                    return Ok(());
                };
                let sealed = base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    sealer.seal(text),
                );
                data["sealed_secret"] = json!(sealed);
                if data["agency"].as_bool() == Some(true) {
                    ctx.core
                        .set_dialogue(chat, dialogue("agency", t.expects_agency, data))
                        .await?;
                    send(&ctx.bot, chat, t.ask_agency_client, None).await?;
                } else {
                    self.finish_connect(ctx, chat, &data, None).await?;
                }
            }
            "agency" => {
                self.finish_connect(ctx, chat, &data, Some(text.to_string()))
                    .await?
            }
            "email" => {
                let account = data["account"].as_i64().unwrap_or_default();
                let clear = text == "-";
                if !clear && !looks_like_email(text) {
                    send(
                        &ctx.bot,
                        chat,
                        &fill(t.bad_email, &[("value", &html(text))]),
                        None,
                    )
                    .await?;
                    return Ok(());
                }
                ctx.core.end_dialogue(chat).await?;
                if store::get(&ctx.core.pool, chat.0, account).await?.is_none() {
                    send(&ctx.bot, chat, t.account_gone, None).await?;
                    return Ok(());
                }
                store::set_digest_email(&ctx.core.pool, account, (!clear).then_some(text)).await?;
                let reply = if clear {
                    t.email_cleared.to_string()
                } else {
                    fill(t.email_set, &[("email", &html(text))])
                };
                send(&ctx.bot, chat, &reply, None).await?;
            }
            _ => {
                let reply = fill(
                    core_texts(ctx.caller.lang).expects_text,
                    &[("what", &state.expects)],
                );
                send(&ctx.bot, chat, &reply, None).await?;
            }
        }
        Ok(())
    }

    async fn finish_connect(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        data: &serde_json::Value,
        agency: Option<String>,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let job = VkConnect {
            chat_id: chat.0,
            client_id: data["client_id"].as_str().unwrap_or_default().to_string(),
            sealed_secret: data["sealed_secret"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            agency_client_name: agency,
        };
        ctx.core.queue.enqueue(job).await?;
        ctx.core.end_dialogue(chat).await?;
        send(&ctx.bot, chat, t.checking, None).await?;
        Ok(())
    }
}

fn dialogue(step: &str, expects: &str, data: serde_json::Value) -> DialogueState {
    DialogueState {
        owner: "vk".into(),
        step: step.into(),
        expects: expects.into(),
        data,
    }
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
}
