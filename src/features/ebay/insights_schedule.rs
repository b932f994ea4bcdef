//! An alert's insights on schedule: off, every 30 minutes (a column on the
//! alert, served by the `ebay_insights_due` cron), or daily / weekly at 09:00
//! in the chat's timezone (rows of the platform scheduler whose job is
//! `ebay_insights_scheduled` with target `{"alert_id": n}`).
//!
//! Invariant: at most one plan is in force; choosing one switches the others
//! off, and an alert has at most one scheduler row (the newest is kept when
//! two presses race).

use chrono::NaiveTime;

use super::jobs::EbayInsightsScheduled;
use super::store::{self, Alert};
use crate::db::Pool;
use crate::jobs::schedule_rule::{parse_timezone, ScheduleRule};
use crate::jobs::schedules::{self, NewSchedule, Schedule};
use crate::jobs::AppJob;
use crate::telegram::store::chats;

/// Rule of the daily insights (local time of the chat).
pub const DAILY_RULE: &str = "daily 09:00";
/// Rule of the weekly insights (local time of the chat).
pub const WEEKLY_RULE: &str = "weekly mon 09:00";

/// How an alert's insights are sent without being asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsightsPlan {
    /// Only on demand.
    Off,
    /// Every 30 minutes while there is data.
    HalfHourly,
    /// Every day at 09:00.
    Daily,
    /// Every Monday at 09:00.
    Weekly,
}

impl InsightsPlan {
    /// Every plan, in the order of the card's buttons.
    pub const ALL: [InsightsPlan; 4] = [
        InsightsPlan::Off,
        InsightsPlan::HalfHourly,
        InsightsPlan::Daily,
        InsightsPlan::Weekly,
    ];

    /// Code in callback data.
    pub const fn code(self) -> &'static str {
        match self {
            InsightsPlan::Off => "off",
            InsightsPlan::HalfHourly => "30",
            InsightsPlan::Daily => "d",
            InsightsPlan::Weekly => "w",
        }
    }

    /// The plan with exactly this code.
    pub fn from_code(code: &str) -> Option<InsightsPlan> {
        InsightsPlan::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The scheduler rule of a daily or weekly plan.
    fn rule(self) -> anyhow::Result<Option<ScheduleRule>> {
        Ok(match self {
            InsightsPlan::Daily => Some(DAILY_RULE.parse()?),
            InsightsPlan::Weekly => Some(WEEKLY_RULE.parse()?),
            InsightsPlan::Off | InsightsPlan::HalfHourly => None,
        })
    }
}

/// The plan in force, with the local time and timezone of a scheduler row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanState {
    /// Which plan.
    pub plan: InsightsPlan,
    /// Local time of a daily or weekly plan.
    pub at: Option<NaiveTime>,
    /// Timezone of a daily or weekly plan (IANA name).
    pub timezone: Option<String>,
}

impl PlanState {
    /// A plan without a scheduler row.
    pub fn simple(plan: InsightsPlan) -> Self {
        Self {
            plan,
            at: None,
            timezone: None,
        }
    }
}

/// The scheduler rows of `alert`'s insights, oldest first.
pub async fn schedules_of(pool: &Pool, alert: &Alert) -> anyhow::Result<Vec<Schedule>> {
    Ok(schedules::list_for_chat(pool, alert.chat_id)
        .await?
        .into_iter()
        .filter(|s| {
            s.job_type == EbayInsightsScheduled::IDENTIFIER
                && s.target["alert_id"].as_i64() == Some(alert.id)
        })
        .collect())
}

/// The plan in force for `alert`.
pub async fn current(pool: &Pool, alert: &Alert) -> anyhow::Result<PlanState> {
    if alert.insights_half_hourly {
        return Ok(PlanState::simple(InsightsPlan::HalfHourly));
    }
    let Some(schedule) = schedules_of(pool, alert).await?.pop() else {
        return Ok(PlanState::simple(InsightsPlan::Off));
    };
    let (plan, at) = match schedule.rule {
        ScheduleRule::Weekly { at, .. } => (InsightsPlan::Weekly, Some(at)),
        ScheduleRule::Daily { at } => (InsightsPlan::Daily, Some(at)),
        ScheduleRule::EveryMinutes(_) => (InsightsPlan::Daily, None),
    };
    Ok(PlanState {
        plan,
        at,
        timezone: Some(schedule.timezone.name().to_string()),
    })
}

/// Removes every scheduler row of `alert`'s insights (the alert is deleted or
/// another plan was chosen).
pub async fn remove_schedules(pool: &Pool, alert: &Alert) -> anyhow::Result<()> {
    for schedule in schedules_of(pool, alert).await? {
        schedules::delete(pool, schedule.id).await?;
    }
    Ok(())
}

/// Puts `plan` in force for `alert`. Daily and weekly plans use the chat's
/// `/timezone` (UTC when unset); the chat must have a `chats` row (the
/// scheduler's foreign key), which the caller ensures. When creating the
/// scheduler row fails, nothing has changed.
pub async fn set(pool: &Pool, alert: &Alert, plan: InsightsPlan) -> anyhow::Result<()> {
    let Some(rule) = plan.rule()? else {
        let on = plan == InsightsPlan::HalfHourly;
        store::set_half_hourly(pool, alert.chat_id, alert.id, on).await?;
        return remove_schedules(pool, alert).await;
    };
    let timezone = chats::timezone(pool, alert.chat_id)
        .await?
        .and_then(|name| parse_timezone(&name).ok())
        .unwrap_or(chrono_tz::UTC);
    let created = schedules::create(
        pool,
        NewSchedule {
            chat_id: alert.chat_id,
            job_type: EbayInsightsScheduled::IDENTIFIER.into(),
            target: serde_json::json!({ "alert_id": alert.id }),
            rule,
            timezone,
        },
    )
    .await?;
    store::set_half_hourly(pool, alert.chat_id, alert.id, false).await?;
    // Created first, the rest removed after: two quick presses end with one row.
    let rows = schedules_of(pool, alert).await?;
    let newest = rows.iter().map(|s| s.id).max().unwrap_or(created.id);
    for schedule in rows.into_iter().filter(|s| s.id != newest) {
        schedules::delete(pool, schedule.id).await?;
    }
    Ok(())
}
