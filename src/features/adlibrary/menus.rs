//! The menus: the paginated accounts list, an account's card and its screens
//! (competitors, last reports, e-mails, country, schedule). Each builds a
//! [`Screen`]; the bot sends it or edits the pressed message in place.

mod lists;
mod settings;
pub mod texts;

use chrono_tz::Tz;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::{AdCallback, ALL_DAYS};
use super::input::MEDIA_TYPES;
use super::jobs::CaptureScheduled;
use super::store::{self, Account};
use super::texts::texts;
use crate::db::Pool;
use crate::jobs::schedule_rule::{parse_timezone, ScheduleRule};
use crate::jobs::schedules::{self, Schedule};
use crate::jobs::AppJob;
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::keyboard::{paginate, PagerLabels};
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

pub use lists::{competitors_screen, remove_competitor_screen, reports_screen};
pub use settings::{
    country_screen, days_screen, emails_screen, media_screen, schedule_screen, time_screen,
};
pub use texts::menu_texts;

/// Accounts per page of the accounts list.
const PER_PAGE: usize = 8;
/// Competitors listed on the card itself (the rest: "… and N more").
const CARD_COMPETITORS: usize = 10;

/// Text and keyboard of one screen.
pub type Screen = (String, InlineKeyboardMarkup);

/// A button of this feature.
pub fn button(text: impl Into<String>, callback: AdCallback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), callback.data())
}

/// The row leading back to the account's card.
pub fn back_to_card(lang: Lang, account: i64) -> Vec<InlineKeyboardButton> {
    vec![button(
        menu_texts(lang).btn_back,
        AdCallback::Account(account),
    )]
}

/// `notice` (a confirmation or an error) above `text`.
fn with_notice(notice: Option<&str>, text: String) -> String {
    match notice {
        Some(notice) => format!("{notice}\n\n{text}"),
        None => text,
    }
}

/// The platform's pager labels in `lang`.
fn pager(lang: Lang) -> PagerLabels {
    let core = crate::telegram::texts::texts(lang);
    PagerLabels {
        prev: core.prev.to_string(),
        next: core.next.to_string(),
        position: core.page.to_string(),
        noop_data: CoreCallback::Noop.data(),
    }
}

/// The chat's timezone (`/timezone`), UTC when unset or unknown.
pub async fn chat_timezone(pool: &Pool, chat: i64) -> Tz {
    crate::telegram::store::chats::timezone(pool, chat)
        .await
        .ok()
        .flatten()
        .and_then(|name| parse_timezone(&name).ok())
        .unwrap_or(chrono_tz::UTC)
}

/// This chat's scheduled captures of the account.
pub async fn account_schedules(
    pool: &Pool,
    chat: i64,
    account: i64,
) -> anyhow::Result<Vec<Schedule>> {
    Ok(schedules::list_for_chat(pool, chat)
        .await?
        .into_iter()
        .filter(|s| {
            s.job_type == CaptureScheduled::IDENTIFIER
                && s.target["account_id"].as_i64() == Some(account)
        })
        .collect())
}

/// Weekday bits (bit 0 = Monday) as short names: "Mon, Thu"; all seven or
/// none is "every day".
pub fn describe_days(lang: Lang, days: u32) -> String {
    let t = menu_texts(lang);
    let days = days & ALL_DAYS;
    if days == 0 || days == ALL_DAYS {
        return t.every_day.to_string();
    }
    (0..7)
        .filter(|i| days & (1 << i) != 0)
        .map(|i| t.weekdays[i])
        .collect::<Vec<_>>()
        .join(", ")
}

/// A schedule rule in words: "daily at 09:00", "Mon, Thu at 09:00".
pub fn describe_rule(lang: Lang, rule: &ScheduleRule) -> String {
    let t = menu_texts(lang);
    match rule {
        ScheduleRule::Daily { at } => fill(t.rule_daily, &[("time", &at.format("%H:%M"))]),
        ScheduleRule::Weekly { days, at } => fill(
            t.rule_weekly,
            &[
                ("days", &describe_days(lang, u32::from(days.bits()))),
                ("time", &at.format("%H:%M")),
            ],
        ),
        other => other.to_string(),
    }
}

/// A schedule in words with its next fire time in its timezone.
pub fn describe_schedule(lang: Lang, schedule: &Schedule) -> String {
    let next = schedule
        .next_fire_at
        .with_timezone(&schedule.timezone)
        .format("%Y-%m-%d %H:%M");
    fill(
        menu_texts(lang).schedule_next,
        &[
            ("rule", &describe_rule(lang, &schedule.rule)),
            ("next", &next),
        ],
    )
}

/// A page of the accounts list, with "Add account" and the main menu.
pub async fn accounts_screen(ctx: &Ctx, page: u32, notice: Option<&str>) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let (t, m) = (texts(lang), menu_texts(lang));
    let (accounts, total) = store::list_accounts(&ctx.core.pool, 0, 10_000).await?;
    let page = paginate(
        &accounts,
        page,
        PER_PAGE,
        |a: &Account| {
            let label = if a.active {
                a.name.clone()
            } else {
                format!("⏸ {}", a.name)
            };
            (label, AdCallback::Account(a.id).data())
        },
        |p| AdCallback::Accounts(p).data(),
        &pager(lang),
    );
    let mut rows = page.keyboard.inline_keyboard;
    rows.push(vec![button(m.btn_add_account, AdCallback::AddAccount)]);
    rows.push(vec![InlineKeyboardButton::callback(
        crate::telegram::texts::texts(lang).back,
        CoreCallback::MainMenu.data(),
    )]);
    let text = if accounts.is_empty() {
        t.accounts_empty.to_string()
    } else {
        fill(t.accounts_title, &[("count", &total)])
    };
    Ok((with_notice(notice, text), InlineKeyboardMarkup::new(rows)))
}

/// The name of an Ad Library `media_type` in `lang` (an unknown stored value
/// as it is). Plain text: escape it with [`html`] for a message.
pub fn media_label(lang: Lang, media_type: &str) -> String {
    let names = menu_texts(lang).media_names;
    MEDIA_TYPES
        .iter()
        .zip(names)
        .find(|(code, _)| **code == media_type)
        .map(|(_, name)| name.to_string())
        .unwrap_or_else(|| media_type.to_string())
}

/// An account's card: settings, competitors, last capture, this chat's
/// schedule, whether it is paused, and the buttons to everything else.
pub async fn account_screen(
    ctx: &Ctx,
    chat: i64,
    account: &Account,
    notice: Option<&str>,
) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let (t, m) = (texts(lang), menu_texts(lang));
    let pool = &ctx.core.pool;
    let competitors = store::competitors(pool, account.id).await?;
    let mut list: Vec<String> = competitors
        .iter()
        .take(CARD_COMPETITORS)
        .map(|c| format!("• {}", competitor_label(c)))
        .collect();
    if competitors.len() > CARD_COMPETITORS {
        let more = competitors.len() - CARD_COMPETITORS;
        list.push(fill(m.card_more, &[("count", &more)]));
    }
    let timezone = chat_timezone(pool, chat).await;
    let last = match store::recent_captures(pool, account.id, 1).await?.first() {
        Some(c) => format!(
            "{} ({})",
            c.started_at
                .with_timezone(&timezone)
                .format("%Y-%m-%d %H:%M"),
            status_word(lang, &c.status)
        ),
        None => t.never.to_string(),
    };
    let emails = if account.emails.is_empty() {
        t.none.to_string()
    } else {
        html(&account.emails.join(", "))
    };
    let schedule = account_schedules(pool, chat, account.id)
        .await?
        .iter()
        .map(|s| describe_schedule(lang, s))
        .collect::<Vec<_>>()
        .join("; ");
    let schedule = if schedule.is_empty() {
        m.schedule_none.to_string()
    } else {
        schedule
    };
    let media = media_label(lang, &account.media_type);
    let card = fill(
        t.account_card,
        &[
            ("name", &html(&account.name)),
            ("country", &account.country),
            ("media", &html(&media)),
            ("emails", &emails),
            ("count", &competitors.len()),
            (
                "competitors",
                &if list.is_empty() {
                    t.none.to_string()
                } else {
                    list.join("\n")
                },
            ),
            ("last", &last),
        ],
    );
    let mut text = format!(
        "{card}\n{}",
        fill(m.card_schedule, &[("schedule", &schedule)])
    );
    if !account.active {
        text.push('\n');
        text.push_str(m.card_paused);
    }
    let id = account.id;
    let pause = if account.active {
        button(m.btn_pause, AdCallback::Pause(id))
    } else {
        button(m.btn_resume, AdCallback::Resume(id))
    };
    let rows = vec![
        vec![button(t.capture_now, AdCallback::Capture(id))],
        vec![
            button(
                fill(m.btn_competitors, &[("count", &competitors.len())]),
                AdCallback::Competitors {
                    account: id,
                    page: 0,
                },
            ),
            button(
                m.btn_reports,
                AdCallback::Reports {
                    account: id,
                    page: 0,
                },
            ),
        ],
        vec![
            button(m.btn_emails, AdCallback::Emails(id)),
            button(
                fill(m.btn_country, &[("country", &account.country)]),
                AdCallback::Country(id),
            ),
        ],
        vec![
            button(
                fill(m.btn_media, &[("media", &media)]),
                AdCallback::Media(id),
            ),
            button(m.btn_schedule, AdCallback::Schedule(id)),
        ],
        vec![
            pause,
            button(m.btn_remove_account, AdCallback::RemoveAccountAsk(id)),
        ],
        vec![button(t.back, AdCallback::Accounts(0))],
    ];
    Ok((with_notice(notice, text), InlineKeyboardMarkup::new(rows)))
}

/// "Name (123456)" or the bare page id when the name is not known yet.
pub fn competitor_label(c: &store::Competitor) -> String {
    match &c.display_name {
        Some(name) => format!("{} ({})", html(name), c.page_id),
        None => c.page_id.clone(),
    }
}

/// A capture status in words.
fn status_word(lang: Lang, status: &str) -> String {
    let m = menu_texts(lang);
    match status {
        "ok" => m.status_ok.to_string(),
        "degraded" => m.status_degraded.to_string(),
        "failed" => m.status_failed.to_string(),
        "running" => m.status_running.to_string(),
        other => other.to_string(),
    }
}

/// Confirms removing the account.
pub async fn remove_account_screen(ctx: &Ctx, account: &Account) -> anyhow::Result<Screen> {
    let m = menu_texts(ctx.caller.lang);
    let count = store::competitors(&ctx.core.pool, account.id).await?.len();
    let text = fill(
        m.confirm_remove_account,
        &[("account", &html(&account.name)), ("count", &count)],
    );
    let keyboard = crate::telegram::keyboard::confirm_keyboard(
        m.btn_yes_remove_account,
        AdCallback::RemoveAccount(account.id).data(),
        m.btn_back,
        AdCallback::Account(account.id).data(),
    );
    Ok((text, keyboard))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    #[test]
    fn rules_in_words() {
        assert_eq!(describe_days(Lang::En, 0), "every day");
        assert_eq!(describe_days(Lang::En, 0b111_1111), "every day");
        assert_eq!(describe_days(Lang::En, 0b100_1001), "Mon, Thu, Sun");
        assert_eq!(describe_days(Lang::Ru, 0b10), "Вт");
        let at = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        assert_eq!(
            describe_rule(Lang::En, &ScheduleRule::Daily { at }),
            "daily at 09:00"
        );
        let weekly: ScheduleRule = "weekly mon,thu 09:30".parse().unwrap();
        assert_eq!(describe_rule(Lang::En, &weekly), "Mon, Thu at 09:30");
        assert_eq!(describe_rule(Lang::Ru, &weekly), "Пн, Чт в 09:30");
        assert_eq!(media_label(Lang::En, "video"), "Videos");
        assert_eq!(
            media_label(Lang::Ru, "image_and_meme"),
            "Изображения и мемы"
        );
        assert_eq!(media_label(Lang::En, "gif"), "gif");
    }
}
