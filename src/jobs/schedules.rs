//! The schedule-management API features call: create, list, pause, delete.

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::schedule_rule::{next_fire_after, parse_timezone, ScheduleRule};
use crate::db::Pool;

/// A stored schedule: fire `job_type` with `target` for `chat_id` by `rule`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub id: i64,
    pub chat_id: i64,
    pub job_type: String,
    pub target: serde_json::Value,
    pub rule: ScheduleRule,
    pub timezone: chrono_tz::Tz,
    pub enabled: bool,
    pub last_fired_at: Option<DateTime<Utc>>,
    pub next_fire_at: DateTime<Utc>,
}

/// What a feature asks for when it creates a schedule.
#[derive(Debug, Clone)]
pub struct NewSchedule {
    pub chat_id: i64,
    pub job_type: String,
    pub target: serde_json::Value,
    pub rule: ScheduleRule,
    pub timezone: chrono_tz::Tz,
}

/// What the payload of a scheduled job carries besides the target.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct Fired {
    pub schedule_id: i64,
    pub chat_id: i64,
    pub fire_time: DateTime<Utc>,
    pub target: serde_json::Value,
}

const COLUMNS: &str =
    "id, chat_id, job_type, target, rule, timezone, enabled, last_fired_at, next_fire_at";

fn from_row(row: &Row) -> anyhow::Result<Schedule> {
    let rule_text: String = row.try_get("rule")?;
    let tz_text: String = row.try_get("timezone")?;
    Ok(Schedule {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        job_type: row.try_get("job_type")?,
        target: row.try_get("target")?,
        rule: rule_text
            .parse()
            .with_context(|| format!("stored schedule rule {rule_text:?} is invalid"))?,
        timezone: parse_timezone(&tz_text)
            .with_context(|| format!("stored timezone {tz_text:?} is invalid"))?,
        enabled: row.try_get("enabled")?,
        last_fired_at: row.try_get("last_fired_at")?,
        next_fire_at: row.try_get("next_fire_at")?,
    })
}

/// Creates a schedule; its first fire is the rule's next instant after now.
pub async fn create(pool: &Pool, new: NewSchedule) -> anyhow::Result<Schedule> {
    let next = next_fire_after(&new.rule, new.timezone, Utc::now());
    let client = pool.get().await.context("connecting to the database")?;
    let sql = format!(
        "INSERT INTO schedules (chat_id, job_type, target, rule, timezone, next_fire_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
    );
    let row = client
        .query_one(
            &sql,
            &[
                &new.chat_id,
                &new.job_type,
                &new.target,
                &new.rule.to_string(),
                &new.timezone.name(),
                &next,
            ],
        )
        .await
        .context("creating a schedule")?;
    from_row(&row)
}

/// Schedules of one chat, oldest first.
pub async fn list_for_chat(pool: &Pool, chat_id: i64) -> anyhow::Result<Vec<Schedule>> {
    let client = pool.get().await.context("connecting to the database")?;
    let sql = format!("SELECT {COLUMNS} FROM schedules WHERE chat_id = $1 ORDER BY id");
    let rows = client
        .query(&sql, &[&chat_id])
        .await
        .context("listing schedules")?;
    rows.iter().map(from_row).collect()
}

/// One schedule by id.
pub async fn get(pool: &Pool, id: i64) -> anyhow::Result<Option<Schedule>> {
    let client = pool.get().await.context("connecting to the database")?;
    let sql = format!("SELECT {COLUMNS} FROM schedules WHERE id = $1");
    let row = client
        .query_opt(&sql, &[&id])
        .await
        .context("reading a schedule")?;
    row.as_ref().map(from_row).transpose()
}

/// Enables or pauses a schedule. Re-enabling computes the next fire from now,
/// so a long pause does not fire a backlog.
pub async fn set_enabled(pool: &Pool, id: i64, enabled: bool) -> anyhow::Result<bool> {
    let Some(schedule) = get(pool, id).await? else {
        return Ok(false);
    };
    let next = next_fire_after(&schedule.rule, schedule.timezone, Utc::now());
    let client = pool.get().await.context("connecting to the database")?;
    let updated = client
        .execute(
            "UPDATE schedules SET enabled = $2, next_fire_at = $3, updated_at = now() WHERE id = $1",
            &[&id, &enabled, &next],
        )
        .await
        .context("updating a schedule")?;
    Ok(updated == 1)
}

/// Changes the rule and timezone of a schedule.
pub async fn update_rule(
    pool: &Pool,
    id: i64,
    rule: &ScheduleRule,
    timezone: chrono_tz::Tz,
) -> anyhow::Result<bool> {
    let next = next_fire_after(rule, timezone, Utc::now());
    let client = pool.get().await.context("connecting to the database")?;
    let updated = client
        .execute(
            "UPDATE schedules SET rule = $2, timezone = $3, next_fire_at = $4, updated_at = now()
             WHERE id = $1",
            &[&id, &rule.to_string(), &timezone.name(), &next],
        )
        .await
        .context("updating a schedule")?;
    Ok(updated == 1)
}

/// Deletes a schedule; returns whether it existed.
pub async fn delete(pool: &Pool, id: i64) -> anyhow::Result<bool> {
    let client = pool.get().await.context("connecting to the database")?;
    let deleted = client
        .execute("DELETE FROM schedules WHERE id = $1", &[&id])
        .await
        .context("deleting a schedule")?;
    Ok(deleted == 1)
}

/// Pauses every schedule of a chat (the chat blocked the bot or was deleted).
pub async fn pause_for_chat(pool: &Pool, chat_id: i64) -> anyhow::Result<u64> {
    let client = pool.get().await.context("connecting to the database")?;
    client
        .execute(
            "UPDATE schedules SET enabled = FALSE, updated_at = now() WHERE chat_id = $1 AND enabled",
            &[&chat_id],
        )
        .await
        .context("pausing the chat's schedules")
}

pub(crate) fn row_to_schedule(row: &Row) -> anyhow::Result<Schedule> {
    from_row(row)
}

pub(crate) const SCHEDULE_COLUMNS: &str = COLUMNS;
