//! Commands and menus of the Ad Library feature. Handlers answer at once; the
//! capture is a job on a browser queue.

use async_trait::async_trait;
use teloxide::types::{BotCommand, CallbackQuery, ChatId, Message, MessageId};

use super::callback::AdCallback;
use super::input::{
    parse_account_name, parse_competitor, parse_country, split_account_and_competitor,
};
use super::jobs::{request_capture, CaptureScheduled};
use super::menus::{account_screen, accounts_screen, Screen};
use super::store::{self, Account};
use super::texts::{explain, texts};
use crate::jobs::schedule_rule::{parse_timezone, ScheduleRule};
use crate::jobs::schedules::{self, NewSchedule};
use crate::jobs::AppJob;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::keyboard::confirm_keyboard;
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

/// Owner of this feature's dialogues.
pub const NAME: &str = "adlibrary";

/// The bot part.
pub struct AdlibBot {
    /// `workers.browser_slots`.
    pub browser_slots: usize,
}

async fn show(
    ctx: &Ctx,
    chat: ChatId,
    at: Option<MessageId>,
    (text, keyboard): Screen,
) -> anyhow::Result<()> {
    match at {
        Some(id) => edit(&ctx.bot, chat, id, &text, Some(keyboard)).await?,
        None => send(&ctx.bot, chat, &text, Some(keyboard)).await?,
    }
    Ok(())
}

async fn say(ctx: &Ctx, chat: ChatId, text: &str) -> anyhow::Result<()> {
    send(&ctx.bot, chat, text, None).await?;
    Ok(())
}

impl AdlibBot {
    async fn capture(&self, ctx: &Ctx, chat: ChatId, account: &Account) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let pool = &ctx.core.pool;
        let count = store::competitors(pool, account.id).await?.len();
        let name = html(&account.name);
        if count == 0 {
            return say(ctx, chat, &fill(t.no_competitors, &[("account", &name)])).await;
        }
        request_capture(
            pool,
            &ctx.core.queue,
            account.id,
            chat.0,
            ctx.caller.lang,
            self.browser_slots,
        )
        .await?;
        say(
            ctx,
            chat,
            &fill(t.capture_queued, &[("count", &count), ("account", &name)]),
        )
        .await
    }

    async fn schedule(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        account: &Account,
        rule: &str,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let pool = &ctx.core.pool;
        let name = html(&account.name);
        for s in schedules::list_for_chat(pool, chat.0).await? {
            if s.job_type == CaptureScheduled::IDENTIFIER
                && s.target["account_id"].as_i64() == Some(account.id)
            {
                schedules::delete(pool, s.id).await?;
            }
        }
        if rule.eq_ignore_ascii_case("off") {
            return say(ctx, chat, &fill(t.schedule_off, &[("account", &name)])).await;
        }
        let Ok(rule) = rule.parse::<ScheduleRule>() else {
            return say(ctx, chat, t.schedule_usage).await;
        };
        if matches!(rule, ScheduleRule::EveryMinutes(_)) {
            return say(ctx, chat, t.schedule_usage).await;
        }
        let tz_name = crate::telegram::store::chats::timezone(pool, chat.0)
            .await
            .ok()
            .flatten()
            .unwrap_or_else(|| "UTC".into());
        let timezone = parse_timezone(&tz_name).unwrap_or(chrono_tz::UTC);
        let target =
            serde_json::json!({ "account_id": account.id, "browser_slots": self.browser_slots });
        let created = schedules::create(
            pool,
            NewSchedule {
                chat_id: chat.0,
                job_type: CaptureScheduled::IDENTIFIER.into(),
                target,
                rule,
                timezone,
            },
        )
        .await?;
        let next = created
            .next_fire_at
            .with_timezone(&timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string();
        let text = fill(
            t.schedule_set,
            &[
                ("account", &name),
                ("rule", &created.rule),
                ("timezone", &tz_name),
                ("next", &next),
            ],
        );
        say(ctx, chat, &text).await
    }

    async fn account_command(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        command: &str,
        args: &str,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let pool = &ctx.core.pool;
        let usage = match command {
            "competitor_add" => t.competitor_add_usage,
            "account_emails" => t.emails_usage,
            "account_country" => t.country_usage,
            _ => t.schedule_usage,
        };
        let split = if command == "account_schedule" {
            split_schedule(args)
        } else {
            split_account_and_competitor(args)
        };
        let Some((name, value)) = split else {
            return say(ctx, chat, usage).await;
        };
        let Some(account) = store::account_by_name(pool, name).await? else {
            return say(
                ctx,
                chat,
                &fill(t.account_unknown, &[("name", &html(name))]),
            )
            .await;
        };
        let account_name = html(&account.name);
        match command {
            "competitor_add" => match parse_competitor(value) {
                Err(error) => say(ctx, chat, &html(&explain(ctx.caller.lang, &error))).await,
                Ok(page) => {
                    if let Some(country) = &page.country {
                        if account.country == "ALL"
                            && country != "ALL"
                            && store::competitors(pool, account.id).await?.is_empty()
                        {
                            store::set_country(pool, account.id, country).await?;
                        }
                    }
                    let added = store::add_competitor(pool, account.id, &page, None).await?;
                    let template = if added {
                        t.competitor_added
                    } else {
                        t.competitor_exists
                    };
                    say(
                        ctx,
                        chat,
                        &fill(
                            template,
                            &[("page", &page.page_id), ("account", &account_name)],
                        ),
                    )
                    .await
                }
            },
            "account_emails" => {
                let emails: Vec<String> = if value == "-" {
                    Vec::new()
                } else {
                    value
                        .split([',', ';'])
                        .map(str::trim)
                        .filter(|e| !e.is_empty())
                        .map(str::to_string)
                        .collect()
                };
                if let Some(bad) = emails
                    .iter()
                    .find(|e| e.parse::<lettre::Address>().is_err())
                {
                    return say(ctx, chat, &fill(t.bad_email, &[("value", &html(bad))])).await;
                }
                store::set_emails(pool, account.id, &emails).await?;
                let shown = if emails.is_empty() {
                    t.none.to_string()
                } else {
                    html(&emails.join(", "))
                };
                say(
                    ctx,
                    chat,
                    &fill(
                        t.emails_set,
                        &[("account", &account_name), ("emails", &shown)],
                    ),
                )
                .await
            }
            "account_country" => match parse_country(value) {
                Err(error) => say(ctx, chat, &html(&explain(ctx.caller.lang, &error))).await,
                Ok(country) => {
                    store::set_country(pool, account.id, &country).await?;
                    say(
                        ctx,
                        chat,
                        &fill(
                            t.country_set,
                            &[("account", &account_name), ("country", &country)],
                        ),
                    )
                    .await
                }
            },
            _ => self.schedule(ctx, chat, &account, value).await,
        }
    }
}

/// `"<account> daily 09:00"` → (account, rule): the rule starts at the last
/// `daily` / `weekly` / `off` word.
pub fn split_schedule(args: &str) -> Option<(&str, &str)> {
    let args = args.trim();
    let at = ["daily", "weekly", "off"]
        .iter()
        .filter_map(|k| args.rmatch_indices(&format!(" {k}")).next().map(|(i, _)| i))
        .max()?;
    let (name, rule) = (args[..at].trim(), args[at..].trim());
    (!name.is_empty()).then_some((name, rule))
}

#[async_trait]
impl Feature for AdlibBot {
    fn name(&self) -> &'static str {
        NAME
    }

    fn callback_tag(&self) -> &'static str {
        "ad"
    }

    fn menu_button(&self, lang: Lang) -> (String, String) {
        (
            texts(lang).menu_button.to_string(),
            AdCallback::Accounts(0).data(),
        )
    }

    fn commands(&self, lang: Lang) -> Vec<BotCommand> {
        let t = texts(lang);
        vec![
            BotCommand::new("accounts", t.cmd_accounts),
            BotCommand::new("account_add", t.cmd_account_add),
            BotCommand::new("competitor_add", t.cmd_competitor_add),
            BotCommand::new("capture", t.cmd_capture),
            BotCommand::new("account_emails", t.cmd_account_emails),
            BotCommand::new("account_country", t.cmd_account_country),
            BotCommand::new("account_schedule", t.cmd_account_schedule),
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
            "accounts" => show(ctx, chat, None, accounts_screen(ctx, lang, 0).await?).await?,
            "account_add" => match parse_account_name(args) {
                None => say(ctx, chat, t.account_add_usage).await?,
                Some(name) => match store::create_account(pool, &name, Some(ctx.caller.user_id))
                    .await?
                {
                    Some(_) => {
                        say(ctx, chat, &fill(t.account_added, &[("name", &html(&name))])).await?
                    }
                    None => {
                        say(
                            ctx,
                            chat,
                            &fill(t.account_exists, &[("name", &html(&name))]),
                        )
                        .await?
                    }
                },
            },
            "capture" => match parse_account_name(args) {
                None => say(ctx, chat, t.capture_usage).await?,
                Some(name) => match store::account_by_name(pool, &name).await? {
                    Some(account) => self.capture(ctx, chat, &account).await?,
                    None => {
                        say(
                            ctx,
                            chat,
                            &fill(t.account_unknown, &[("name", &html(&name))]),
                        )
                        .await?
                    }
                },
            },
            "competitor_add" | "account_emails" | "account_country" | "account_schedule" => {
                self.account_command(ctx, chat, command, args).await?
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
        let Some(callback) = decode::<AdCallback>(data) else {
            return Ok(false);
        };
        let Some(message) = query.regular_message() else {
            return Ok(true);
        };
        let (chat, at, lang) = (message.chat.id, Some(message.id), ctx.caller.lang);
        let t = texts(lang);
        let pool = &ctx.core.pool;
        let account_id = match &callback {
            AdCallback::Accounts(page) => {
                show(ctx, chat, at, accounts_screen(ctx, lang, *page).await?).await?;
                return Ok(true);
            }
            AdCallback::Account(id) | AdCallback::Capture(id) => *id,
            AdCallback::RemoveAsk { account, .. } | AdCallback::Remove { account, .. } => *account,
        };
        let Some(account) = store::account_by_id(pool, account_id).await? else {
            show(ctx, chat, at, accounts_screen(ctx, lang, 0).await?).await?;
            return Ok(true);
        };
        match callback {
            AdCallback::Capture(_) => self.capture(ctx, chat, &account).await?,
            AdCallback::RemoveAsk { page_id, .. } => {
                let yes = AdCallback::Remove {
                    account: account.id,
                    page_id: page_id.clone(),
                }
                .data();
                let keyboard = confirm_keyboard(
                    fill(t.remove_competitor, &[("page", &page_id)]),
                    yes,
                    t.back,
                    AdCallback::Account(account.id).data(),
                );
                let question = format!("{} → ✖ {page_id}?", html(&account.name));
                show(ctx, chat, at, (question, keyboard)).await?;
            }
            AdCallback::Remove { page_id, .. } => {
                store::remove_competitor(pool, account.id, &page_id).await?;
                say(
                    ctx,
                    chat,
                    &fill(t.competitor_removed, &[("page", &page_id)]),
                )
                .await?;
                show(ctx, chat, at, account_screen(ctx, lang, &account).await?).await?;
            }
            _ => show(ctx, chat, at, account_screen(ctx, lang, &account).await?).await?,
        }
        Ok(true)
    }

    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        _state: DialogueState,
    ) -> anyhow::Result<()> {
        ctx.core.end_dialogue(msg.chat.id).await
    }
}

#[cfg(test)]
mod tests {
    use super::split_schedule;

    #[test]
    fn schedule_arguments() {
        assert_eq!(
            split_schedule("Acme Shoes daily 09:00"),
            Some(("Acme Shoes", "daily 09:00"))
        );
        assert_eq!(
            split_schedule("Acme weekly mon,thu 9:30"),
            Some(("Acme", "weekly mon,thu 9:30"))
        );
        assert_eq!(
            split_schedule("Daily Deals off"),
            Some(("Daily Deals", "off"))
        );
        assert_eq!(split_schedule("daily 09:00"), None);
    }
}
