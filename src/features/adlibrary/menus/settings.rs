//! The settings screens of an account: report e-mails, country, media type,
//! schedule (off / daily / weekly with its days, then the time). Typed input for each
//! is a dialogue handled by the bot.

use teloxide::types::InlineKeyboardMarkup;

use super::{
    account_schedules, back_to_card, button, chat_timezone, describe_days, describe_schedule,
    media_label, menu_texts, Screen,
};
use crate::features::adlibrary::callback::AdCallback;
use crate::features::adlibrary::input::MEDIA_TYPES;
use crate::features::adlibrary::store::Account;
use crate::features::adlibrary::texts::texts;
use crate::telegram::core::Ctx;
use crate::telegram::keyboard::rows_of;
use crate::telegram::texts::{fill, html};

/// The country buttons besides ALL: the markets asked for most.
const COUNTRIES: [&str; 11] = [
    "US", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "SE", "UA", "KZ",
];
/// The time buttons of the schedule's time step (minutes since midnight).
const TIMES: [u32; 6] = [7 * 60, 8 * 60, 9 * 60, 10 * 60, 12 * 60, 18 * 60];

/// The report addresses and how to replace them; "Clear" when there are some.
pub fn emails_screen(ctx: &Ctx, account: &Account) -> Screen {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let emails = if account.emails.is_empty() {
        texts(lang).none.to_string()
    } else {
        html(&account.emails.join(", "))
    };
    let text = fill(
        m.emails_screen,
        &[("account", &html(&account.name)), ("emails", &emails)],
    );
    let mut rows = Vec::new();
    if !account.emails.is_empty() {
        rows.push(vec![button(
            m.btn_clear_emails,
            AdCallback::ClearEmails(account.id),
        )]);
    }
    rows.push(back_to_card(lang, account.id));
    (text, InlineKeyboardMarkup::new(rows))
}

/// The country filter: ALL and common countries as buttons; any code typed.
pub fn country_screen(ctx: &Ctx, account: &Account) -> Screen {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let text = fill(
        m.country_screen,
        &[
            ("account", &html(&account.name)),
            ("country", &account.country),
        ],
    );
    let buttons = std::iter::once("ALL").chain(COUNTRIES).map(|code| {
        let label = if code == account.country {
            format!("✅ {code}")
        } else {
            code.to_string()
        };
        button(
            label,
            AdCallback::SetCountry {
                account: account.id,
                code: code.to_string(),
            },
        )
    });
    let mut rows = rows_of(buttons, 4).inline_keyboard;
    rows.push(back_to_card(lang, account.id));
    (text, InlineKeyboardMarkup::new(rows))
}

/// The Ad Library media type: one button per value, the current one marked.
pub fn media_screen(ctx: &Ctx, account: &Account) -> Screen {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let text = fill(
        m.media_screen,
        &[
            ("account", &html(&account.name)),
            ("media", &html(&media_label(lang, &account.media_type))),
        ],
    );
    let buttons = MEDIA_TYPES.iter().map(|&media| {
        let name = media_label(lang, media);
        let label = if media == account.media_type {
            format!("✅ {name}")
        } else {
            name
        };
        button(
            label,
            AdCallback::SetMedia {
                account: account.id,
                media: media.to_string(),
            },
        )
    });
    let mut rows = rows_of(buttons, 2).inline_keyboard;
    rows.push(back_to_card(lang, account.id));
    (text, InlineKeyboardMarkup::new(rows))
}

/// This chat's schedule of the account: Daily, Weekly, Off.
pub async fn schedule_screen(ctx: &Ctx, chat: i64, account: &Account) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let pool = &ctx.core.pool;
    let timezone = chat_timezone(pool, chat).await;
    let current = account_schedules(pool, chat, account.id).await?;
    let described = current
        .iter()
        .map(|s| describe_schedule(lang, s))
        .collect::<Vec<_>>()
        .join("; ");
    let mut text = fill(
        m.schedule_screen,
        &[
            ("account", &html(&account.name)),
            (
                "current",
                &if described.is_empty() {
                    m.schedule_none.to_string()
                } else {
                    described
                },
            ),
            ("timezone", &timezone.name()),
        ],
    );
    if !account.active {
        text.push('\n');
        text.push_str(m.card_paused);
    }
    let id = account.id;
    let mut first = vec![
        button(
            m.btn_daily,
            AdCallback::ScheduleTime {
                account: id,
                days: 0,
            },
        ),
        button(
            m.btn_weekly,
            AdCallback::ScheduleDays {
                account: id,
                days: 0,
            },
        ),
    ];
    if !current.is_empty() {
        first.push(button(m.btn_off, AdCallback::ScheduleOff(id)));
    }
    let rows = vec![first, back_to_card(lang, id)];
    Ok((text, InlineKeyboardMarkup::new(rows)))
}

/// The weekday picker: each day toggles; "Next" once at least one is chosen.
pub fn days_screen(ctx: &Ctx, account: &Account, days: u32) -> Screen {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let id = account.id;
    let buttons = (0..7).map(|i| {
        let bit = 1u32 << i;
        let label = if days & bit != 0 {
            format!("✅ {}", m.weekdays[i])
        } else {
            m.weekdays[i].to_string()
        };
        button(
            label,
            AdCallback::ScheduleDays {
                account: id,
                days: days ^ bit,
            },
        )
    });
    let mut rows = rows_of(buttons, 4).inline_keyboard;
    let mut last = vec![button(m.btn_back, AdCallback::Schedule(id))];
    if days != 0 {
        last.push(button(
            m.btn_next,
            AdCallback::ScheduleTime { account: id, days },
        ));
    }
    rows.push(last);
    let text = fill(m.schedule_days, &[("account", &html(&account.name))]);
    (text, InlineKeyboardMarkup::new(rows))
}

/// The time step for `days` (0 = every day): common times as buttons, any
/// `HH:MM` typed.
pub async fn time_screen(
    ctx: &Ctx,
    chat: i64,
    account: &Account,
    days: u32,
) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let timezone = chat_timezone(&ctx.core.pool, chat).await;
    let id = account.id;
    let buttons = TIMES.iter().map(|&minute| {
        button(
            format!("{:02}:{:02}", minute / 60, minute % 60),
            AdCallback::SetSchedule {
                account: id,
                days,
                minute,
            },
        )
    });
    let mut rows = rows_of(buttons, 3).inline_keyboard;
    rows.push(vec![button(m.btn_back, AdCallback::Schedule(id))]);
    let text = fill(
        m.schedule_time,
        &[
            ("account", &html(&account.name)),
            ("days", &describe_days(lang, days)),
            ("timezone", &timezone.name()),
        ],
    );
    Ok((text, InlineKeyboardMarkup::new(rows)))
}
