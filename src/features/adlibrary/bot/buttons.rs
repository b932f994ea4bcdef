//! The menu buttons. Every screen replaces the pressed message in place;
//! a button that asks for typed input starts this feature's dialogue, and
//! any other button ends it.

use serde_json::json;
use teloxide::types::{ChatId, InlineKeyboardMarkup, MessageId};

use super::actions::{emails_set, rule_of, set_country, Outcome};
use super::dialogue::{ask, Step};
use super::{show, AdlibBot, NAME};
use crate::features::adlibrary::callback::AdCallback;
use crate::features::adlibrary::menus::{
    account_screen, accounts_screen, button, competitors_screen, country_screen, days_screen,
    emails_screen, media_label, media_screen, menu_texts, remove_account_screen,
    remove_competitor_screen, reports_screen, schedule_screen, time_screen,
};
use crate::features::adlibrary::store;
use crate::features::adlibrary::texts::texts;
use crate::telegram::core::Ctx;
use crate::telegram::texts::{fill, html};

impl AdlibBot {
    /// Handles a pressed button of this feature (the query is answered).
    pub(super) async fn button(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        message: MessageId,
        callback: AdCallback,
    ) -> anyhow::Result<()> {
        use AdCallback::*;
        let lang = ctx.caller.lang;
        let (t, m) = (texts(lang), menu_texts(lang));
        let pool = &ctx.core.pool;
        let at = Some(message);
        // A button leaves whatever this feature was asking for.
        if ctx
            .core
            .dialogue(chat)
            .await?
            .is_some_and(|d| d.owner == NAME)
        {
            ctx.core.end_dialogue(chat).await?;
        }
        let account_id = match &callback {
            Accounts(page) => {
                return show(ctx, chat, at, accounts_screen(ctx, *page, None).await?).await
            }
            AddAccount => {
                let keyboard = InlineKeyboardMarkup::new([[button(m.btn_back, Accounts(0))]]);
                ask(ctx, chat, Step::AccountName, json!({})).await?;
                return show(ctx, chat, at, (m.ask_account_name.to_string(), keyboard)).await;
            }
            Account(id) | Capture(id) | AddCompetitor(id) | Emails(id) | ClearEmails(id)
            | Country(id) | Media(id) | Pause(id) | Resume(id) | Schedule(id) | ScheduleOff(id)
            | RemoveAccountAsk(id) | RemoveAccount(id) => *id,
            Competitors { account, .. }
            | RemoveAsk { account, .. }
            | Remove { account, .. }
            | SetCountry { account, .. }
            | SetMedia { account, .. }
            | ScheduleDays { account, .. }
            | ScheduleTime { account, .. }
            | SetSchedule { account, .. }
            | Reports { account, .. } => *account,
        };
        let Some(account) = store::account_by_id(pool, account_id).await? else {
            let screen = accounts_screen(ctx, 0, Some(m.account_gone)).await?;
            return show(ctx, chat, at, screen).await;
        };
        let id = account.id;
        let name = html(&account.name);
        let screen = match callback {
            Accounts(_) | AddAccount => return Ok(()),
            Account(_) => account_screen(ctx, chat.0, &account, None).await?,
            Capture(_) => return self.capture(ctx, chat, &account).await,
            Competitors { page, .. } => competitors_screen(ctx, &account, page, None).await?,
            AddCompetitor(_) => {
                ask(ctx, chat, Step::Competitor, json!({ "account": id })).await?;
                let back = button(
                    m.btn_back,
                    Competitors {
                        account: id,
                        page: 0,
                    },
                );
                let text = fill(m.ask_competitor, &[("account", &name)]);
                (text, InlineKeyboardMarkup::new([[back]]))
            }
            RemoveAsk { page_id, .. } => remove_competitor_screen(ctx, &account, &page_id),
            Remove { page_id, .. } => {
                let removed = store::remove_competitor(pool, id, &page_id).await?;
                let notice = if removed {
                    fill(t.competitor_removed, &[("page", &page_id)])
                } else {
                    fill(
                        m.competitor_not_there,
                        &[("page", &page_id), ("account", &name)],
                    )
                };
                competitors_screen(ctx, &account, 0, Some(&notice)).await?
            }
            Emails(_) => {
                ask(ctx, chat, Step::Emails, json!({ "account": id })).await?;
                emails_screen(ctx, &account)
            }
            ClearEmails(_) => {
                store::set_emails(pool, id, &[]).await?;
                let notice = emails_set(ctx, &account, &[]);
                let account = store::account_by_id(pool, id).await?.unwrap_or(account);
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            Country(_) => {
                ask(ctx, chat, Step::Country, json!({ "account": id })).await?;
                country_screen(ctx, &account)
            }
            SetCountry { code, .. } => {
                let notice = match set_country(ctx, &account, &code).await? {
                    Outcome::Done(text) | Outcome::Refused(text) => text,
                };
                let account = store::account_by_id(pool, id).await?.unwrap_or(account);
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            Media(_) => media_screen(ctx, &account),
            SetMedia { media, .. } => {
                store::set_media_type(pool, id, &media).await?;
                let account = store::account_by_id(pool, id).await?.unwrap_or(account);
                let label = html(&media_label(lang, &account.media_type));
                let notice = fill(m.media_set, &[("account", &name), ("media", &label)]);
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            Pause(_) | Resume(_) => {
                let active = matches!(callback, Resume(_));
                store::set_active(pool, id, active).await?;
                let account = store::account_by_id(pool, id).await?.unwrap_or(account);
                let template = if active { m.resumed } else { m.paused };
                let notice = fill(template, &[("account", &name)]);
                tracing::info!(account = id, active, "Ad Library account paused or resumed");
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            Schedule(_) => schedule_screen(ctx, chat.0, &account).await?,
            ScheduleDays { days, .. } => days_screen(ctx, &account, days),
            ScheduleTime { days, .. } => {
                ask(
                    ctx,
                    chat,
                    Step::Time,
                    json!({ "account": id, "days": days }),
                )
                .await?;
                time_screen(ctx, chat.0, &account, days).await?
            }
            SetSchedule { days, minute, .. } => {
                let Some(rule) = rule_of(days, minute) else {
                    return Ok(());
                };
                let notice = self.set_schedule(ctx, chat, &account, Some(rule)).await?;
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            ScheduleOff(_) => {
                let notice = self.set_schedule(ctx, chat, &account, None).await?;
                account_screen(ctx, chat.0, &account, Some(&notice)).await?
            }
            Reports { page, .. } => reports_screen(ctx, chat.0, &account, page).await?,
            RemoveAccountAsk(_) => remove_account_screen(ctx, &account).await?,
            RemoveAccount(_) => {
                let notice = if self.remove_account(ctx, &account).await? {
                    fill(m.account_removed, &[("account", &name)])
                } else {
                    m.account_gone.to_string()
                };
                accounts_screen(ctx, 0, Some(&notice)).await?
            }
        };
        show(ctx, chat, at, screen).await
    }
}
