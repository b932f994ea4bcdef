//! The slash commands: `/accounts`, `/account_add`, `/capture`,
//! `/competitor_add`, `/account_emails`, `/account_country`,
//! `/account_schedule`. Commands naming an account take its name first
//! (it may contain spaces); the value is the last word(s).

use teloxide::types::ChatId;

use super::actions::{add_competitor, set_country, set_emails, Outcome};
use super::{say, show, AdlibBot};
use crate::features::adlibrary::input::{parse_account_name, split_account_and_competitor};
use crate::features::adlibrary::menus::{account_screen, accounts_screen};
use crate::features::adlibrary::store::{self, Account};
use crate::features::adlibrary::texts::texts;
use crate::jobs::schedule_rule::ScheduleRule;
use crate::telegram::core::Ctx;
use crate::telegram::texts::{fill, html};

impl AdlibBot {
    /// Handles this feature's commands; false for any other.
    pub(super) async fn command(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool> {
        let t = texts(ctx.caller.lang);
        match command {
            "accounts" => show(ctx, chat, None, accounts_screen(ctx, 0, None).await?).await?,
            "account_add" => match parse_account_name(args) {
                None => say(ctx, chat, t.account_add_usage).await?,
                Some(name) => self.add_account(ctx, chat, &name).await?,
            },
            "capture" => match parse_account_name(args) {
                None => say(ctx, chat, t.capture_usage).await?,
                Some(name) => {
                    if let Some(account) = self.named(ctx, chat, &name).await? {
                        self.capture(ctx, chat, &account).await?
                    }
                }
            },
            "competitor_add" | "account_emails" | "account_country" | "account_schedule" => {
                self.account_command(ctx, chat, command, args).await?
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    /// Creates the account and shows its card; a taken name is refused.
    pub(super) async fn add_account(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        name: &str,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let pool = &ctx.core.pool;
        match store::create_account(pool, name, Some(ctx.caller.user_id)).await? {
            Some(account) => {
                let notice = fill(t.account_added, &[("name", &html(name))]);
                let screen = account_screen(ctx, chat.0, &account, Some(&notice)).await?;
                show(ctx, chat, None, screen).await
            }
            None => say(ctx, chat, &fill(t.account_exists, &[("name", &html(name))])).await,
        }
    }

    /// The account called `name`, or `None` after saying there is none.
    async fn named(&self, ctx: &Ctx, chat: ChatId, name: &str) -> anyhow::Result<Option<Account>> {
        let account = store::account_by_name(&ctx.core.pool, name).await?;
        if account.is_none() {
            let t = texts(ctx.caller.lang);
            say(
                ctx,
                chat,
                &fill(t.account_unknown, &[("name", &html(name))]),
            )
            .await?;
        }
        Ok(account)
    }

    async fn account_command(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        command: &str,
        args: &str,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
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
        let Some(account) = self.named(ctx, chat, name).await? else {
            return Ok(());
        };
        let outcome = match command {
            "competitor_add" => add_competitor(ctx, &account, value).await?,
            "account_emails" => set_emails(ctx, &account, value).await?,
            "account_country" => set_country(ctx, &account, value).await?,
            _ => {
                let rule = if value.eq_ignore_ascii_case("off") {
                    None
                } else {
                    match value.parse::<ScheduleRule>() {
                        Ok(ScheduleRule::EveryMinutes(_)) | Err(_) => {
                            return say(ctx, chat, usage).await
                        }
                        Ok(rule) => Some(rule),
                    }
                };
                Outcome::Done(self.set_schedule(ctx, chat, &account, rule).await?)
            }
        };
        match outcome {
            Outcome::Done(text) | Outcome::Refused(text) => say(ctx, chat, &text).await,
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
