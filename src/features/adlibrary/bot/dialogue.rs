//! Typed input the menus ask for. A refused input changes nothing, says why
//! and keeps the dialogue (send another, or /cancel); an accepted one ends
//! it and shows the result with the menu again.

use serde_json::Value;
use teloxide::types::{ChatId, Message};

use super::actions::{add_competitor, rule_of, set_country, set_emails, Outcome};
use super::{say, show, AdlibBot, NAME};
use crate::features::adlibrary::input::{parse_account_name, parse_time};
use crate::features::adlibrary::menus::{
    account_screen, accounts_screen, competitors_screen, menu_texts,
};
use crate::features::adlibrary::store;
use crate::features::adlibrary::texts::texts;
use crate::telegram::core::{Ctx, DialogueState};
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html, texts as core_texts};

/// What a dialogue of this feature waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    /// The name of a new account.
    AccountName,
    /// A competitor's Ad Library URL or page id (`data.account`).
    Competitor,
    /// Report e-mail addresses (`data.account`).
    Emails,
    /// A country code (`data.account`).
    Country,
    /// A time of day for a schedule (`data.account`, `data.days`).
    Time,
}

impl Step {
    const ALL: [Step; 5] = [
        Step::AccountName,
        Step::Competitor,
        Step::Emails,
        Step::Country,
        Step::Time,
    ];

    /// The stored step name.
    fn name(self) -> &'static str {
        match self {
            Step::AccountName => "account_name",
            Step::Competitor => "competitor",
            Step::Emails => "emails",
            Step::Country => "country",
            Step::Time => "time",
        }
    }

    /// What the bot waits for, in words.
    fn expects(self, lang: Lang) -> &'static str {
        let m = menu_texts(lang);
        match self {
            Step::AccountName => m.expects_account_name,
            Step::Competitor => m.expects_competitor,
            Step::Emails => m.expects_emails,
            Step::Country => m.expects_country,
            Step::Time => m.expects_time,
        }
    }
}

/// Starts (or replaces) this chat's dialogue at `step` with `data`.
pub(super) async fn ask(ctx: &Ctx, chat: ChatId, step: Step, data: Value) -> anyhow::Result<()> {
    let state = DialogueState {
        owner: NAME.into(),
        step: step.name().into(),
        expects: step.expects(ctx.caller.lang).into(),
        data,
    };
    ctx.core.set_dialogue(chat, state).await
}

impl AdlibBot {
    /// A message while this feature's dialogue is active.
    pub(super) async fn dialogue_step(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        let lang = ctx.caller.lang;
        let (t, m) = (texts(lang), menu_texts(lang));
        let chat = msg.chat.id;
        let pool = &ctx.core.pool;
        let Some(step) = Step::ALL.into_iter().find(|s| s.name() == state.step) else {
            ctx.core.end_dialogue(chat).await?;
            return show(ctx, chat, None, accounts_screen(ctx, 0, None).await?).await;
        };
        let Some(text) = msg.text().map(str::trim).filter(|s| !s.is_empty()) else {
            let reply = fill(core_texts(lang).expects_text, &[("what", &state.expects)]);
            return say(ctx, chat, &reply).await;
        };
        if step == Step::AccountName {
            let Some(name) = parse_account_name(text) else {
                return say(ctx, chat, m.bad_account_name).await;
            };
            if store::account_by_name(pool, &name).await?.is_some() {
                let taken = fill(t.account_exists, &[("name", &html(&name))]);
                return say(ctx, chat, &format!("{taken}\n{}", m.unchanged)).await;
            }
            ctx.core.end_dialogue(chat).await?;
            return self.add_account(ctx, chat, &name).await;
        }
        let account_id = state.data["account"].as_i64().unwrap_or_default();
        let Some(account) = store::account_by_id(pool, account_id).await? else {
            ctx.core.end_dialogue(chat).await?;
            let screen = accounts_screen(ctx, 0, Some(m.account_gone)).await?;
            return show(ctx, chat, None, screen).await;
        };
        let outcome = match step {
            Step::AccountName => return Ok(()),
            Step::Competitor => add_competitor(ctx, &account, text).await?,
            Step::Emails => set_emails(ctx, &account, text).await?,
            Step::Country => set_country(ctx, &account, text).await?,
            Step::Time => {
                let days = state.data["days"].as_u64().unwrap_or_default();
                let rule = parse_time(text)
                    .and_then(|minute| rule_of(u32::try_from(days).unwrap_or(0), minute));
                match rule {
                    Some(rule) => {
                        Outcome::Done(self.set_schedule(ctx, chat, &account, Some(rule)).await?)
                    }
                    None => {
                        let value: String = text.chars().take(40).collect();
                        Outcome::Refused(fill(m.bad_time, &[("value", &html(&value))]))
                    }
                }
            }
        };
        let notice = match outcome {
            Outcome::Refused(why) => {
                let again = if step == Step::Competitor {
                    m.nothing_stored
                } else {
                    m.unchanged
                };
                return say(ctx, chat, &format!("{why}\n\n{again}")).await;
            }
            Outcome::Done(notice) => notice,
        };
        ctx.core.end_dialogue(chat).await?;
        let account = store::account_by_id(pool, account.id)
            .await?
            .unwrap_or(account);
        let screen = if step == Step::Competitor {
            competitors_screen(ctx, &account, 0, Some(&notice)).await?
        } else {
            account_screen(ctx, chat.0, &account, Some(&notice)).await?
        };
        show(ctx, chat, None, screen).await
    }
}
