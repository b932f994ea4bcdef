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
use super::jobs::{EbayInsights, EbayInsightsScheduled};
use super::store::{self, Alert, INTERVALS};
use super::texts::texts;
use crate::db::Pool;
use crate::jobs::schedule_rule::{parse_timezone, ScheduleRule};
use crate::jobs::schedules::{self, NewSchedule};
use crate::jobs::AppJob;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
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

/// Local time of the daily insights.
const DAILY_AT: chrono::NaiveTime = match chrono::NaiveTime::from_hms_opt(9, 0, 0) {
    Some(t) => t,
    None => chrono::NaiveTime::MIN,
};

/// The id of the alert's daily insights schedule, if any.
async fn daily_schedule(pool: &Pool, alert: &Alert) -> anyhow::Result<Option<i64>> {
    Ok(schedules::list_for_chat(pool, alert.chat_id)
        .await?
        .into_iter()
        .find(|s| {
            s.job_type == EbayInsightsScheduled::IDENTIFIER
                && s.target["alert_id"].as_i64() == Some(alert.id)
        })
        .map(|s| s.id))
}

/// The card, with the state of its daily insights.
async fn card_screen(
    pool: &Pool,
    lang: Lang,
    alert: &Alert,
) -> anyhow::Result<(String, InlineKeyboardMarkup)> {
    let daily = daily_schedule(pool, alert).await?.is_some();
    Ok(cards::card(lang, alert, daily))
}

async fn say(ctx: &Ctx, chat: ChatId, text: &str) -> anyhow::Result<()> {
    send(&ctx.bot, chat, text, None).await?;
    Ok(())
}

async fn queue_insights(ctx: &Ctx, chat: ChatId, alert: &Alert) -> anyhow::Result<()> {
    ctx.core
        .queue
        .enqueue(EbayInsights {
            alert_id: alert.id,
            chat_id: chat.0,
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
                    show(ctx, chat, None, cards::card(lang, &alert, false)).await?;
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
            | EbCallback::Daily(id) => id,
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
            EbCallback::Daily(_) => {
                match daily_schedule(pool, &alert).await? {
                    Some(schedule) => {
                        schedules::delete(pool, schedule).await?;
                    }
                    None => {
                        // Schedules reference `chats`; a chat that never sent /start has no row yet.
                        chats::upsert(
                            pool,
                            chat.0,
                            ChatKind::of(&message.chat),
                            message.chat.title(),
                        )
                        .await?;
                        let tz = chats::timezone(pool, chat.0)
                            .await?
                            .unwrap_or_else(|| "UTC".into());
                        let timezone = parse_timezone(&tz).unwrap_or(chrono_tz::UTC);
                        schedules::create(
                            pool,
                            NewSchedule {
                                chat_id: chat.0,
                                job_type: EbayInsightsScheduled::IDENTIFIER.into(),
                                target: serde_json::json!({ "alert_id": id }),
                                rule: ScheduleRule::Daily { at: DAILY_AT },
                                timezone,
                            },
                        )
                        .await?;
                    }
                }
                card_screen(pool, lang, &alert).await?
            }
            EbCallback::DeleteYes(_) => {
                if let Some(schedule) = daily_schedule(pool, &alert).await? {
                    schedules::delete(pool, schedule).await?;
                }
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
