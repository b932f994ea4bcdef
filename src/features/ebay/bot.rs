//! Commands, buttons and short dialogues of the eBay feature. Handlers answer
//! at once; insights are a job.

use async_trait::async_trait;
use teloxide::types::{
    BotCommand, CallbackQuery, ChatId, InlineKeyboardMarkup, Message, MessageId,
};

use super::callback::{EbCallback, Field};
use super::cards;
use super::filters::{self, FilterError, MAX_PHRASE_CHARS};
use super::input::apply_field;
use super::insights_schedule::{self, InsightsPlan, PlanState};
use super::jobs::EbayInsights;
use super::store::{self, Alert, INTERVALS};
use super::texts::texts;
use crate::db::Pool;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::handlers::say;
use crate::telegram::lang::Lang;
use crate::telegram::store::{chats, ChatKind};
use crate::telegram::texts::fill;

/// Owner of this feature's dialogues.
pub const NAME: &str = "ebay";

/// The bot part.
pub struct EbayBot {
    /// Marketplace of new alerts (`ebay.marketplace`).
    pub marketplace: String,
}

async fn show(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
    (text, keyboard): (String, InlineKeyboardMarkup),
) -> anyhow::Result<()> {
    match message {
        Some(id) => edit(&ctx.bot, chat, id, &text, Some(keyboard)).await?,
        None => send(&ctx.bot, chat, &text, Some(keyboard)).await?,
    }
    Ok(())
}

/// The card, with its insights plan.
async fn card_screen(
    pool: &Pool,
    lang: Lang,
    alert: &Alert,
) -> anyhow::Result<(String, InlineKeyboardMarkup)> {
    let plan = insights_schedule::current(pool, alert).await?;
    Ok(cards::card(lang, alert, &plan))
}

async fn queue_insights(ctx: &Ctx, chat: ChatId, alert: &Alert) -> anyhow::Result<()> {
    ctx.core
        .queue
        .enqueue(EbayInsights {
            alert_id: alert.id,
            chat_id: chat.0,
            slot: None,
        })
        .await?;
    let text = fill(texts(ctx.caller.lang).insights_queued, &[("id", &alert.id)]);
    say(ctx, chat, &text).await
}

#[async_trait]
impl Feature for EbayBot {
    fn name(&self) -> &'static str {
        NAME
    }

    fn callback_tag(&self) -> &'static str {
        "eb"
    }

    fn menu_button(&self, lang: Lang) -> (String, String) {
        (
            texts(lang).menu_button.to_string(),
            EbCallback::List(0).data(),
        )
    }

    fn commands(&self, lang: Lang) -> Vec<BotCommand> {
        let t = texts(lang);
        vec![
            BotCommand::new("alerts", t.cmd_alerts),
            BotCommand::new("alert_add", t.cmd_alert_add),
            BotCommand::new("insights", t.cmd_insights),
        ]
    }

    async fn on_command(
        &self,
        ctx: &Ctx,
        msg: &Message,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool> {
        let (chat, lang) = (msg.chat.id, ctx.caller.lang);
        let t = texts(lang);
        let pool = &ctx.core.pool;
        match command {
            "alerts" => {
                let alerts = store::list(pool, chat.0).await?;
                show(ctx, chat, None, cards::list(lang, &alerts, 0)).await?;
            }
            "alert_add" => match filters::check_phrase(args) {
                Err(FilterError::PhraseTooLong) => {
                    say(
                        ctx,
                        chat,
                        &fill(t.phrase_too_long, &[("max", &MAX_PHRASE_CHARS)]),
                    )
                    .await?
                }
                Err(_) => say(ctx, chat, t.add_usage).await?,
                Ok(phrase) => {
                    let alert = store::create(pool, chat.0, &phrase, &self.marketplace).await?;
                    let plan = PlanState::simple(InsightsPlan::Off);
                    show(ctx, chat, None, cards::card(lang, &alert, &plan)).await?;
                }
            },
            "insights" => {
                let Ok(id) = args.trim().trim_start_matches('#').parse::<i64>() else {
                    say(ctx, chat, t.insights_usage).await?;
                    return Ok(true);
                };
                match store::get(pool, chat.0, id).await? {
                    Some(alert) => queue_insights(ctx, chat, &alert).await?,
                    None => say(ctx, chat, &fill(t.unknown_alert, &[("id", &id)])).await?,
                }
            }
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
        let Some(callback) = decode::<EbCallback>(data) else {
            return Ok(false);
        };
        let Some(message) = query.regular_message() else {
            return Ok(true);
        };
        let (chat, at, lang) = (message.chat.id, Some(message.id), ctx.caller.lang);
        let pool = &ctx.core.pool;
        let id = match callback {
            EbCallback::List(page) => {
                let alerts = store::list(pool, chat.0).await?;
                show(ctx, chat, at, cards::list(lang, &alerts, page)).await?;
                return Ok(true);
            }
            EbCallback::Card(id)
            | EbCallback::Edit(id, _)
            | EbCallback::Interval(id)
            | EbCallback::SetInterval(id, _)
            | EbCallback::Rules(id)
            | EbCallback::ToggleNew(id)
            | EbCallback::ToggleAverage(id)
            | EbCallback::SetActive(id, _)
            | EbCallback::Delete(id)
            | EbCallback::DeleteYes(id)
            | EbCallback::Insights(id)
            | EbCallback::SetInsights(id, _) => id,
        };
        let Some(mut alert) = store::get(pool, chat.0, id).await? else {
            let alerts = store::list(pool, chat.0).await?;
            let (_, keyboard) = cards::list(lang, &alerts, 0);
            let text = fill(texts(lang).unknown_alert, &[("id", &id)]);
            show(ctx, chat, at, (text, keyboard)).await?;
            return Ok(true);
        };
        let screen = match callback {
            EbCallback::Edit(_, field) => {
                let prompt = cards::prompt(lang, field);
                let state = DialogueState {
                    owner: NAME.into(),
                    step: field.code().into(),
                    expects: prompt.into(),
                    data: serde_json::json!({ "alert": id }),
                };
                ctx.core.set_dialogue(chat, state).await?;
                say(ctx, chat, prompt).await?;
                return Ok(true);
            }
            EbCallback::Interval(_) => cards::intervals(lang, &alert),
            EbCallback::Rules(_) => cards::rules(lang, &alert),
            EbCallback::Delete(_) => cards::confirm_delete(lang, &alert),
            EbCallback::Insights(_) => {
                queue_insights(ctx, chat, &alert).await?;
                return Ok(true);
            }
            EbCallback::SetInsights(_, plan) => {
                if matches!(plan, InsightsPlan::Daily | InsightsPlan::Weekly)
                    && chats::get(pool, chat.0).await?.is_none()
                {
                    // Schedules reference `chats`; a chat that never sent /start has no row yet.
                    let kind = ChatKind::of(&message.chat);
                    chats::upsert(pool, chat.0, kind, message.chat.title()).await?;
                }
                insights_schedule::set(pool, &alert, plan).await?;
                alert.insights_half_hourly = plan == InsightsPlan::HalfHourly;
                card_screen(pool, lang, &alert).await?
            }
            EbCallback::DeleteYes(_) => {
                insights_schedule::remove_schedules(pool, &alert).await?;
                store::delete(pool, chat.0, id).await?;
                let alerts = store::list(pool, chat.0).await?;
                let (list, keyboard) = cards::list(lang, &alerts, 0);
                let text = format!("{}\n\n{list}", fill(texts(lang).deleted, &[("id", &id)]));
                show(ctx, chat, at, (text, keyboard)).await?;
                return Ok(true);
            }
            EbCallback::SetInterval(_, minutes) => {
                if let Some(&m) = INTERVALS.iter().find(|&&m| m.unsigned_abs() == minutes) {
                    alert.interval_minutes = m;
                    store::save(pool, &alert).await?;
                }
                card_screen(pool, lang, &alert).await?
            }
            EbCallback::ToggleNew(_) | EbCallback::ToggleAverage(_) => {
                if matches!(callback, EbCallback::ToggleNew(_)) {
                    alert.rules.any_new = !alert.rules.any_new;
                } else {
                    alert.rules.below_average = !alert.rules.below_average;
                }
                store::save(pool, &alert).await?;
                cards::rules(lang, &alert)
            }
            EbCallback::SetActive(_, on) => {
                alert.active = on;
                store::save(pool, &alert).await?;
                card_screen(pool, lang, &alert).await?
            }
            EbCallback::Card(_) | EbCallback::List(_) => card_screen(pool, lang, &alert).await?,
        };
        show(ctx, chat, at, screen).await?;
        Ok(true)
    }

    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        let (chat, lang) = (msg.chat.id, ctx.caller.lang);
        let pool = &ctx.core.pool;
        let field = Field::from_code(&state.step);
        let id = state.data["alert"].as_i64();
        let (Some(field), Some(id)) = (field, id) else {
            ctx.core.end_dialogue(chat).await?;
            return Ok(());
        };
        let Some(alert) = store::get(pool, chat.0, id).await? else {
            ctx.core.end_dialogue(chat).await?;
            return say(ctx, chat, &fill(texts(lang).unknown_alert, &[("id", &id)])).await;
        };
        let Some(input) = msg.text() else {
            return say(ctx, chat, &state.expects).await;
        };
        match apply_field(lang, &alert, field, input) {
            // The dialogue stays open: the user may correct the value or /cancel.
            Err(problem) => say(ctx, chat, &problem).await,
            Ok(next) => {
                store::save(pool, &next).await?;
                ctx.core.end_dialogue(chat).await?;
                say(ctx, chat, texts(lang).saved).await?;
                let saved = store::get(pool, chat.0, id).await?.unwrap_or(next);
                let screen = card_screen(pool, lang, &saved).await?;
                show(ctx, chat, None, screen).await
            }
        }
    }
}
