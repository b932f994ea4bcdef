//! Digest schedules: the time picker (common hours, or any HH:MM through a
//! dialogue step), the schedule itself (the platform scheduler, in the
//! chat's timezone; one digest per account), listing and stopping.

use chrono::{NaiveTime, Timelike, Weekday};
use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, MessageId};

use super::callback::VkCallback;
use super::jobs::{chat_timezone, DigestTarget, VkDigest};
use super::menus::button;
use super::store::Account;
use super::texts::texts;
use crate::jobs::schedule_rule::{ScheduleRule, WeekdaySet};
use crate::jobs::schedules::{self, NewSchedule};
use crate::jobs::AppJob;
use crate::telegram::core::Ctx;
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::store::chats::{self, ChatKind};
use crate::telegram::texts::{fill, html};

/// The hours offered as buttons (local time, on the hour).
pub const PRESET_HOURS: [u32; 6] = [7, 8, 9, 10, 12, 18];

/// A time of day typed as `HH:MM` or `H:MM` (24-hour); `None` otherwise.
pub fn parse_time_of_day(text: &str) -> Option<NaiveTime> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let digits = |s: &str, max_len: usize| {
        (!s.is_empty() && s.len() <= max_len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let (h, m) = (digits(hours, 2)?, digits(minutes, 2)?);
    if minutes.len() != 2 {
        return None;
    }
    NaiveTime::from_hms_opt(h, m, 0)
}

/// A time of day as minutes after midnight (the button's value).
pub fn minute_of_day(at: NaiveTime) -> u32 {
    at.hour() * 60 + at.minute()
}

/// The account's digest schedules.
pub(super) async fn digests_of(
    ctx: &Ctx,
    chat: ChatId,
    account: i64,
) -> anyhow::Result<Vec<schedules::Schedule>> {
    Ok(schedules::list_for_chat(&ctx.core.pool, chat.0)
        .await?
        .into_iter()
        .filter(|s| {
            s.job_type == VkDigest::IDENTIFIER && s.target["account_id"].as_i64() == Some(account)
        })
        .collect())
}

/// Deletes the account's digest schedules.
pub(super) async fn delete_digests(ctx: &Ctx, chat: ChatId, account: i64) -> anyhow::Result<()> {
    for schedule in digests_of(ctx, chat, account).await? {
        schedules::delete(&ctx.core.pool, schedule.id).await?;
    }
    Ok(())
}

/// Edits the card into the time picker of a daily or weekly digest.
pub(super) async fn show_times(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    account: &Account,
    weekly: bool,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let timezone = chat_timezone(&ctx.core.pool, chat.0).await;
    let template = if weekly {
        t.ask_digest_time_weekly
    } else {
        t.ask_digest_time_daily
    };
    let text = fill(
        template,
        &[
            ("name", &html(&account.name)),
            ("timezone", &timezone.name()),
        ],
    );
    let id = account.id;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = PRESET_HOURS
        .chunks(3)
        .map(|hours| {
            hours
                .iter()
                .map(|&hour| {
                    let callback = VkCallback::DigestAt {
                        account: id,
                        weekly,
                        minute: hour * 60,
                    };
                    button(format!("{hour:02}:00"), callback)
                })
                .collect()
        })
        .collect();
    rows.push(vec![button(
        t.btn_other_time,
        VkCallback::DigestOther {
            account: id,
            weekly,
        },
    )]);
    rows.push(vec![button(t.back, VkCallback::Account(id))]);
    edit(
        &ctx.bot,
        chat,
        message,
        &text,
        Some(InlineKeyboardMarkup::new(rows)),
    )
    .await?;
    Ok(())
}

/// The question of the "other time" dialogue step.
pub(super) async fn ask_time(ctx: &Ctx, chat: ChatId) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let timezone = chat_timezone(&ctx.core.pool, chat.0).await;
    let text = fill(t.ask_time, &[("timezone", &timezone.name())]);
    send(&ctx.bot, chat, &text, None).await?;
    Ok(())
}

/// Replaces the account's digest with a daily (yesterday) or weekly (last 7
/// days, Mondays) one at `at` in the chat's timezone; returns the
/// confirmation.
pub(super) async fn schedule_digest(
    ctx: &Ctx,
    chat: ChatId,
    account: &Account,
    weekly: bool,
    at: NaiveTime,
) -> anyhow::Result<String> {
    let t = texts(ctx.caller.lang);
    let pool = &ctx.core.pool;
    let timezone = chat_timezone(pool, chat.0).await;
    let (rule, period) = if weekly {
        let days = WeekdaySet::single(Weekday::Mon);
        (ScheduleRule::Weekly { days, at }, "7d")
    } else {
        (ScheduleRule::Daily { at }, "yesterday")
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
    delete_digests(ctx, chat, account.id).await?;
    let target = serde_json::to_value(DigestTarget {
        account_id: account.id,
        period: period.into(),
    })?;
    schedules::create(
        pool,
        NewSchedule {
            chat_id: chat.0,
            job_type: VkDigest::IDENTIFIER.into(),
            target,
            rule,
            timezone,
        },
    )
    .await?;
    Ok(fill(
        t.digest_set,
        &[("rule", &rule), ("timezone", &timezone.name())],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_strictly() {
        let at = |h, m| NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!(parse_time_of_day("07:30"), at(7, 30));
        assert_eq!(parse_time_of_day(" 7:05 "), at(7, 5));
        assert_eq!(parse_time_of_day("23:59"), at(23, 59));
        assert_eq!(parse_time_of_day("00:00"), at(0, 0));
        for bad in [
            "", "7", "730", "24:00", "12:60", "7:5", "07:300", "-1:00", "+7:00", "7.30", "07:30pm",
            "ab:cd", "007:30", "7 :30", "07:30:00",
        ] {
            assert_eq!(parse_time_of_day(bad), None, "{bad:?}");
        }
        assert_eq!(at(18, 45).map(minute_of_day), Some(18 * 60 + 45));
        assert!(PRESET_HOURS.iter().all(|h| *h < 24));
    }
}
