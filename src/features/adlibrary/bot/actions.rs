//! What commands, buttons and dialogues share. Each checks its input first:
//! a refusal stores nothing and says why ([`Outcome::Refused`]).

use chrono::NaiveTime;
use teloxide::types::ChatId;

use super::{say, AdlibBot};
use crate::features::adlibrary::callback::ALL_DAYS;
use crate::features::adlibrary::input::{
    parse_competitor, parse_country, parse_emails, EmailsError, MAX_EMAILS,
};
use crate::features::adlibrary::jobs::{request_capture, CaptureScheduled};
use crate::features::adlibrary::menus::{chat_timezone, describe_rule, menu_texts};
use crate::features::adlibrary::store::{self, Account};
use crate::features::adlibrary::texts::{explain, texts};
use crate::jobs::schedule_rule::{ScheduleRule, WeekdaySet};
use crate::jobs::schedules::{self, NewSchedule};
use crate::jobs::AppJob;
use crate::telegram::core::Ctx;
use crate::telegram::store::chats::{self, ChatKind};
use crate::telegram::texts::{fill, html};

/// The result of a change asked for by a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Outcome {
    /// Done; the confirmation.
    Done(String),
    /// Refused, nothing changed; the explanation.
    Refused(String),
}

/// The rule for weekday bits (0 or all seven: daily) at `minute` of the day.
pub(super) fn rule_of(days: u32, minute: u32) -> Option<ScheduleRule> {
    let at = NaiveTime::from_hms_opt(minute / 60, minute % 60, 0)?;
    let days = days & ALL_DAYS;
    if days == 0 || days == ALL_DAYS {
        return Some(ScheduleRule::Daily { at });
    }
    let days = WeekdaySet::from_bits(u8::try_from(days).ok()?)?;
    Some(ScheduleRule::Weekly { days, at })
}

impl AdlibBot {
    /// Registers the chat as a requester and enqueues the capture (answered
    /// at once; the report follows). A paused account is captured too (the
    /// pause is for schedules); the answer says it is paused.
    pub(super) async fn capture(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        account: &Account,
    ) -> anyhow::Result<()> {
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
        let mut answer = fill(t.capture_queued, &[("count", &count), ("account", &name)]);
        if !account.active {
            // Paused only keeps the schedules from capturing; an explicit request runs.
            answer.push('\n');
            answer.push_str(&fill(
                menu_texts(ctx.caller.lang).capture_paused,
                &[("account", &name)],
            ));
        }
        say(ctx, chat, &answer).await
    }

    /// Replaces this chat's schedule of the account with `rule` (`None`:
    /// off), in the chat's timezone; returns the confirmation.
    pub(super) async fn set_schedule(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        account: &Account,
        rule: Option<ScheduleRule>,
    ) -> anyhow::Result<String> {
        let lang = ctx.caller.lang;
        let t = texts(lang);
        let pool = &ctx.core.pool;
        let name = html(&account.name);
        for s in
            crate::features::adlibrary::menus::account_schedules(pool, chat.0, account.id).await?
        {
            schedules::delete(pool, s.id).await?;
        }
        let Some(rule) = rule else {
            return Ok(fill(t.schedule_off, &[("account", &name)]));
        };
        // Schedules belong to a known chat; one that never sent /start is recorded now.
        if chats::get(pool, chat.0).await?.is_none() {
            let kind = if chat.0 > 0 {
                ChatKind::Private
            } else {
                ChatKind::Group
            };
            chats::upsert(pool, chat.0, kind, None).await?;
        }
        let timezone = chat_timezone(pool, chat.0).await;
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
        Ok(fill(
            t.schedule_set,
            &[
                ("account", &name),
                ("rule", &describe_rule(lang, &created.rule)),
                ("timezone", &timezone.name()),
                ("next", &next),
            ],
        ))
    }

    /// Removes the account, its schedules (every chat's) and its captures'
    /// files; false when it was gone already.
    pub(super) async fn remove_account(
        &self,
        ctx: &Ctx,
        account: &Account,
    ) -> anyhow::Result<bool> {
        let Some(removed) =
            store::delete_account(&ctx.core.pool, account.id, CaptureScheduled::IDENTIFIER).await?
        else {
            return Ok(false);
        };
        for id in &removed.captures {
            let shots = self.files_dir.join("captures").join(id.to_string());
            if let Err(error) = std::fs::remove_dir_all(&shots) {
                if error.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(path = %shots.display(), %error, "could not remove screenshots");
                }
            }
        }
        for path in &removed.reports {
            if let Err(error) = std::fs::remove_file(path) {
                if error.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(path = %path.display(), %error, "could not remove a report");
                }
            }
        }
        tracing::info!(
            account = account.id,
            captures = removed.captures.len(),
            schedules = removed.schedules,
            "Ad Library account removed"
        );
        Ok(true)
    }
}

/// Adds the competitor in `input` (an Ad Library URL or a page id). The
/// first competitor's URL country becomes the account's while it is `ALL`.
pub(super) async fn add_competitor(
    ctx: &Ctx,
    account: &Account,
    input: &str,
) -> anyhow::Result<Outcome> {
    let lang = ctx.caller.lang;
    let t = texts(lang);
    let pool = &ctx.core.pool;
    let page = match parse_competitor(input) {
        Ok(page) => page,
        Err(error) => return Ok(Outcome::Refused(html(&explain(lang, &error)))),
    };
    let mut adopted = None;
    if let Some(country) = &page.country {
        if account.country == "ALL"
            && country != "ALL"
            && store::competitors(pool, account.id).await?.is_empty()
        {
            store::set_country(pool, account.id, country).await?;
            adopted = Some(country.clone());
        }
    }
    let added = store::add_competitor(pool, account.id, &page, None).await?;
    let template = if added {
        t.competitor_added
    } else {
        t.competitor_exists
    };
    let mut text = fill(
        template,
        &[("page", &page.page_id), ("account", &html(&account.name))],
    );
    if let Some(country) = adopted {
        text.push('\n');
        text.push_str(&fill(
            menu_texts(lang).country_taken,
            &[("country", &country)],
        ));
    }
    Ok(Outcome::Done(text))
}

/// Replaces the report addresses with those in `input` (`-`: none).
pub(super) async fn set_emails(
    ctx: &Ctx,
    account: &Account,
    input: &str,
) -> anyhow::Result<Outcome> {
    let lang = ctx.caller.lang;
    let (t, m) = (texts(lang), menu_texts(lang));
    let emails = if input.trim() == "-" {
        Vec::new()
    } else {
        match parse_emails(input) {
            Ok(emails) => emails,
            Err(EmailsError::Bad(bad)) => {
                return Ok(Outcome::Refused(fill(
                    t.bad_email,
                    &[("value", &html(&bad))],
                )))
            }
            Err(EmailsError::Empty) => return Ok(Outcome::Refused(m.emails_empty_input.into())),
            Err(EmailsError::TooMany) => {
                return Ok(Outcome::Refused(fill(
                    m.emails_too_many,
                    &[("max", &MAX_EMAILS)],
                )))
            }
        }
    };
    store::set_emails(&ctx.core.pool, account.id, &emails).await?;
    Ok(Outcome::Done(emails_set(ctx, account, &emails)))
}

/// "Report e-mails of X: …".
pub(super) fn emails_set(ctx: &Ctx, account: &Account, emails: &[String]) -> String {
    let t = texts(ctx.caller.lang);
    let shown = if emails.is_empty() {
        t.none.to_string()
    } else {
        html(&emails.join(", "))
    };
    fill(
        t.emails_set,
        &[("account", &html(&account.name)), ("emails", &shown)],
    )
}

/// Sets the country filter to the code in `input` (ISO-2 or `ALL`).
pub(super) async fn set_country(
    ctx: &Ctx,
    account: &Account,
    input: &str,
) -> anyhow::Result<Outcome> {
    let lang = ctx.caller.lang;
    let country = match parse_country(input) {
        Ok(country) => country,
        Err(_) => {
            let value: String = input.trim().chars().take(20).collect();
            let text = fill(texts(lang).input_bad_country, &[("country", &html(&value))]);
            return Ok(Outcome::Refused(text));
        }
    };
    store::set_country(&ctx.core.pool, account.id, &country).await?;
    Ok(Outcome::Done(fill(
        texts(lang).country_set,
        &[("account", &html(&account.name)), ("country", &country)],
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_from_buttons() {
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(rule_of(0, 540), Some(ScheduleRule::Daily { at: nine }));
        assert_eq!(
            rule_of(ALL_DAYS, 540),
            Some(ScheduleRule::Daily { at: nine })
        );
        let weekly = rule_of(0b1001, 570).unwrap();
        assert_eq!(weekly.to_string(), "weekly mon,thu 09:30");
        assert_eq!(rule_of(1, 24 * 60), None);
    }
}
