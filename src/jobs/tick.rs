//! The scheduler tick: a cron job that enqueues each due schedule's job once.

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use graphile_worker::JobSpec;
use serde::{Deserialize, Serialize};

use super::registry::{AppJob, DEFAULT_MAX_ATTEMPTS};
use super::schedule_rule::next_fire_after;
use super::schedules::{row_to_schedule, Fired, SCHEDULE_COLUMNS};
use super::{JobCtx, Queue};
use crate::db::Pool;

/// Crontab line that runs the tick every minute.
pub const CRONTAB: &str = "* * * * * scheduler_tick";

/// Due schedules handled per transaction; the rest wait for the next round.
const BATCH: i64 = 500;

/// The tick job (fired by cron; its payload is ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ScheduleTick {}

impl AppJob for ScheduleTick {
    const IDENTIFIER: &'static str = "scheduler_tick";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let fired = fire_due(ctx.pool()?, ctx.queue()?, Utc::now()).await?;
        if fired > 0 {
            tracing::info!(fired, "scheduler fired due schedules");
        }
        Ok(())
    }
}

/// Enqueues the job of every enabled schedule due at `now` and moves each to
/// its next fire after `now`, so fires missed during downtime fire once.
/// The job key `schedule:<id>:<fire time>` makes a second process firing the
/// same schedule at the same time a no-op. Returns how many schedules fired.
pub async fn fire_due(pool: &Pool, queue: &Queue, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut total = 0;
    loop {
        let fired = fire_batch(pool, queue, now).await?;
        total += fired;
        if fired < BATCH as usize {
            return Ok(total);
        }
    }
}

async fn fire_batch(pool: &Pool, queue: &Queue, now: DateTime<Utc>) -> anyhow::Result<usize> {
    let mut client = pool.get().await.context("connecting to the database")?;
    let tx = client
        .transaction()
        .await
        .context("starting a transaction")?;
    let sql = format!(
        "SELECT {SCHEDULE_COLUMNS} FROM schedules
         WHERE enabled AND next_fire_at <= $1
         ORDER BY next_fire_at LIMIT $2 FOR UPDATE SKIP LOCKED"
    );
    let rows = tx
        .query(&sql, &[&now, &BATCH])
        .await
        .context("reading due schedules")?;
    for row in &rows {
        let schedule = row_to_schedule(row)?;
        let fire_time = schedule.next_fire_at;
        let payload = serde_json::to_value(Fired {
            schedule_id: schedule.id,
            chat_id: schedule.chat_id,
            fire_time,
            target: schedule.target.clone(),
        })?;
        let spec = JobSpec {
            job_key: Some(format!(
                "schedule:{}:{}",
                schedule.id,
                fire_time.to_rfc3339_opts(SecondsFormat::Secs, true)
            )),
            max_attempts: Some(DEFAULT_MAX_ATTEMPTS),
            ..JobSpec::default()
        };
        queue
            .enqueue_raw_in(&tx, &schedule.job_type, payload, spec)
            .await?;
        let next = next_fire_after(&schedule.rule, schedule.timezone, now);
        tx.execute(
            "UPDATE schedules SET last_fired_at = $2, next_fire_at = $3, updated_at = now()
             WHERE id = $1",
            &[&schedule.id, &fire_time, &next],
        )
        .await
        .context("advancing a schedule")?;
    }
    tx.commit().await.context("committing fired schedules")?;
    Ok(rows.len())
}
