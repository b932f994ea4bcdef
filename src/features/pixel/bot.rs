//! The pixel feature in the chat: the campaigns menu and card, the commands
//! `/campaigns`, `/campaign_add`, `/import` (caption of a file) and `/opens`.

use async_trait::async_trait;
use teloxide::types::{
    BotCommand, CallbackQuery, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, Message,
    MessageId,
};

use super::bot_import;
use super::callback::PixelCallback;
use super::jobs::{ExportPixels, ReportOpens};
use super::recorder::Recorder;
use super::store;
use super::texts::{texts, Texts};
use crate::db::Pool;
use crate::jobs::Queue;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::handlers::reply;
pub(super) use crate::telegram::handlers::say;
use crate::telegram::keyboard::{back_row, confirm_keyboard, paginate, PagerLabels};
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html, texts as core_texts};

/// Longest campaign name, in characters.
pub const MAX_NAME: usize = 100;
/// Campaigns per page of the menu.
const PER_PAGE: usize = 8;

/// The bot part of the feature.
pub struct PixelBot {
    pub pool: Pool,
    pub queue: Queue,
    pub recorder: Recorder,
    /// `pixel.max_import_rows`.
    pub max_import_rows: usize,
}

pub(super) fn t(ctx: &Ctx) -> &'static Texts {
    texts(ctx.caller.lang)
}

async fn show(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
    text: &str,
    markup: InlineKeyboardMarkup,
) -> anyhow::Result<()> {
    match message {
        Some(id) => reply::edit(&ctx.bot, chat, id, text, Some(markup)).await?,
        None => reply::send(&ctx.bot, chat, text, Some(markup)).await?,
    }
    Ok(())
}

fn pager(lang: Lang) -> PagerLabels {
    let t = core_texts(lang);
    PagerLabels {
        prev: t.prev.into(),
        next: t.next.into(),
        position: t.page.into(),
        noop_data: CoreCallback::Noop.data(),
    }
}

fn button(text: &str, callback: PixelCallback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.to_string(), callback.data())
}

/// The campaign id in a command's arguments: `Err` carries the reply.
pub(super) fn campaign_id(t: &Texts, args: &str, usage: &str) -> Result<i64, String> {
    let Some(first) = args.split_whitespace().next() else {
        return Err(usage.to_string());
    };
    first
        .trim_start_matches('#')
        .parse()
        .map_err(|_| fill(t.bad_id, &[("value", &html(first))]))
}

impl PixelBot {
    async fn show_list(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: Option<MessageId>,
        page: u32,
    ) -> anyhow::Result<()> {
        let t = t(ctx);
        let campaigns = store::list(&self.pool, chat.0).await?;
        let back = back_row(
            core_texts(ctx.caller.lang).back,
            CoreCallback::MainMenu.data(),
        );
        if campaigns.is_empty() {
            return show(
                ctx,
                chat,
                message,
                t.campaigns_empty,
                InlineKeyboardMarkup::new([back]),
            )
            .await;
        }
        let page = paginate(
            &campaigns,
            page,
            PER_PAGE,
            |c| {
                (
                    format!("{} · #{} · {}", c.name, c.id, c.contacts),
                    PixelCallback::Card(c.id).data(),
                )
            },
            |p| PixelCallback::List(p).data(),
            &pager(ctx.caller.lang),
        );
        let text = fill(t.campaigns_title, &[("total", &campaigns.len())]);
        show(ctx, chat, message, &text, page.keyboard.append_row(back)).await
    }

    async fn show_card(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: Option<MessageId>,
        id: i64,
    ) -> anyhow::Result<()> {
        let t = t(ctx);
        let Some(c) = store::get(&self.pool, chat.0, id).await? else {
            return self.not_found(ctx, chat, message, id).await;
        };
        let groups = if c.groups.is_empty() {
            t.no_groups.to_string()
        } else {
            c.groups
                .iter()
                .map(|(name, n)| format!("{} ({n})", html(name)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let text = fill(
            t.card,
            &[
                ("name", &html(&c.name)),
                ("id", &c.id),
                ("contacts", &c.contacts),
                ("groups", &groups),
                ("live", &if c.live_notify { t.on } else { t.off }),
            ],
        );
        let live = if c.live_notify {
            button(t.btn_live_off, PixelCallback::Live(id, false))
        } else {
            button(t.btn_live_on, PixelCallback::Live(id, true))
        };
        let markup = InlineKeyboardMarkup::new([
            vec![
                button(t.btn_export, PixelCallback::Export(id)),
                button(t.btn_report, PixelCallback::Report(id)),
            ],
            vec![live],
            vec![button(t.btn_delete, PixelCallback::DeleteAsk(id))],
            vec![button(t.btn_back, PixelCallback::List(0))],
        ]);
        show(ctx, chat, message, &text, markup).await
    }

    async fn not_found(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: Option<MessageId>,
        id: i64,
    ) -> anyhow::Result<()> {
        let text = fill(t(ctx).not_found, &[("id", &id)]);
        let markup =
            InlineKeyboardMarkup::new([vec![button(t(ctx).btn_back, PixelCallback::List(0))]]);
        show(ctx, chat, message, &text, markup).await
    }

    async fn add(&self, ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
        let t = t(ctx);
        let name = args.trim();
        if name.is_empty() {
            return say(ctx, chat, t.add_usage).await;
        }
        let len = name.chars().count();
        if len > MAX_NAME {
            return say(
                ctx,
                chat,
                &fill(t.name_too_long, &[("len", &len), ("max", &MAX_NAME)]),
            )
            .await;
        }
        let id = store::create(&self.pool, chat.0, ctx.caller.user_id, name).await?;
        let text = fill(t.created, &[("name", &html(name)), ("id", &id)]);
        let markup = InlineKeyboardMarkup::new([vec![button(name, PixelCallback::Card(id))]]);
        show(ctx, chat, None, &text, markup).await
    }

    /// Sends the job's "preparing" note after enqueueing `job` for campaign `id`.
    async fn enqueue_for(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        id: i64,
        report: bool,
    ) -> anyhow::Result<()> {
        let t = t(ctx);
        let Some(c) = store::get(&self.pool, chat.0, id).await? else {
            return say(ctx, chat, &fill(t.not_found, &[("id", &id)])).await;
        };
        let lang = ctx.caller.lang.code().to_string();
        let (chat_id, campaign_id) = (chat.0, id);
        let note = if report {
            self.queue
                .enqueue(ReportOpens {
                    chat_id,
                    campaign_id,
                    lang,
                })
                .await?;
            t.preparing_report
        } else {
            self.queue
                .enqueue(ExportPixels {
                    chat_id,
                    campaign_id,
                    lang,
                })
                .await?;
            t.preparing_export
        };
        say(ctx, chat, &fill(note, &[("name", &html(&c.name))])).await
    }

    async fn on_press(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: MessageId,
        callback: PixelCallback,
    ) -> anyhow::Result<()> {
        let t = t(ctx);
        match callback {
            PixelCallback::List(page) => self.show_list(ctx, chat, Some(message), page).await,
            PixelCallback::Card(id) => self.show_card(ctx, chat, Some(message), id).await,
            PixelCallback::Export(id) => self.enqueue_for(ctx, chat, id, false).await,
            PixelCallback::Report(id) => self.enqueue_for(ctx, chat, id, true).await,
            PixelCallback::Live(id, on) => {
                if !store::set_live(&self.pool, chat.0, id, on).await? {
                    return self.not_found(ctx, chat, Some(message), id).await;
                }
                self.show_card(ctx, chat, Some(message), id).await
            }
            PixelCallback::DeleteAsk(id) => {
                let Some(c) = store::get(&self.pool, chat.0, id).await? else {
                    return self.not_found(ctx, chat, Some(message), id).await;
                };
                let text = fill(
                    t.delete_confirm,
                    &[("name", &html(&c.name)), ("contacts", &c.contacts)],
                );
                let markup = confirm_keyboard(
                    t.btn_yes_delete,
                    PixelCallback::Delete(id).data(),
                    t.btn_no,
                    PixelCallback::Card(id).data(),
                );
                show(ctx, chat, Some(message), &text, markup).await
            }
            PixelCallback::Delete(id) => {
                let Some(c) = store::get(&self.pool, chat.0, id).await? else {
                    return self.not_found(ctx, chat, Some(message), id).await;
                };
                store::delete(&self.pool, chat.0, id).await?;
                self.recorder.invalidate_campaign(id);
                let text = fill(t.deleted, &[("name", &html(&c.name))]);
                let markup =
                    InlineKeyboardMarkup::new([vec![button(t.btn_back, PixelCallback::List(0))]]);
                show(ctx, chat, Some(message), &text, markup).await
            }
        }
    }
}

#[async_trait]
impl Feature for PixelBot {
    fn name(&self) -> &'static str {
        "pixel"
    }

    fn callback_tag(&self) -> &'static str {
        "px"
    }

    fn menu_button(&self, lang: Lang) -> (String, String) {
        (
            texts(lang).menu_button.into(),
            PixelCallback::List(0).data(),
        )
    }

    fn commands(&self, lang: Lang) -> Vec<BotCommand> {
        let t = texts(lang);
        vec![
            BotCommand::new("campaigns", t.cmd_campaigns),
            BotCommand::new("campaign_add", t.cmd_campaign_add),
            BotCommand::new("import", t.cmd_import),
            BotCommand::new("opens", t.cmd_opens),
        ]
    }

    async fn on_command(
        &self,
        ctx: &Ctx,
        msg: &Message,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool> {
        let chat = msg.chat.id;
        match command {
            "campaigns" => self.show_list(ctx, chat, None, 0).await?,
            "campaign_add" => self.add(ctx, chat, args).await?,
            "import" => bot_import::import(self, ctx, msg, args).await?,
            "opens" => match campaign_id(t(ctx), args, t(ctx).opens_usage) {
                Ok(id) => self.enqueue_for(ctx, chat, id, true).await?,
                Err(text) => say(ctx, chat, &text).await?,
            },
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
        let Some(callback) = decode::<PixelCallback>(data) else {
            return Ok(false);
        };
        let Some(message) = query.regular_message() else {
            return Ok(true);
        };
        self.on_press(ctx, message.chat.id, message.id, callback)
            .await?;
        Ok(true)
    }

    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        _state: DialogueState,
    ) -> anyhow::Result<()> {
        // The feature starts no dialogues; a stale one is ended.
        ctx.core.end_dialogue(msg.chat.id).await?;
        say(ctx, msg.chat.id, core_texts(ctx.caller.lang).not_a_command).await
    }
}
