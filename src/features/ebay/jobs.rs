//! The feature's jobs: the polling cycle (cron every minute, or rescheduled
//! after a 429) and the insights (on demand, every 30 minutes for alerts that
//! opt in, or daily / weekly from the platform scheduler).

use anyhow::Context;
use chrono::{DateTime, Utc};
use graphile_worker::JobSpec;
use serde::{Deserialize, Serialize};

use super::insights::WINDOW_DAYS;
use super::insights_report::insights_messages;
use super::poll::poll_cycle;
use super::store;
use super::EbayState;
use crate::db::Pool;
use crate::jobs::schedules::{self, Fired};
use crate::jobs::{AppJob, JobCtx};
use crate::telegram::caller::language_of_chat;

/// Crontab line of the polling cycle. The `{}` payload makes graphile_worker
/// add `_cron` to it (a line without one gets a `null` payload).
pub const CRONTAB: &str = "* * * * * ebay_poll {}";
/// Crontab line of the half-hourly insights (each tick queues the alerts
/// whose current 30-minute slot has not been served yet).
pub const INSIGHTS_CRONTAB: &str = "* * * * * ebay_insights_due {}";

/// One polling cycle. Cron payloads (`null` for a crontab line without a
/// payload, or `{"_cron": …}`) deserialize to the default.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Option<PollFields>")]
pub struct EbayPoll {
    /// Set on the rescheduled run after a 429.
    pub retry_at: Option<DateTime<Utc>>,
}

/// The stored fields of [`EbayPoll`] (any payload without them is a cron run).
#[derive(Debug, Default, Deserialize)]
struct PollFields {
    #[serde(default)]
    retry_at: Option<DateTime<Utc>>,
}

impl From<Option<PollFields>> for EbayPoll {
    fn from(fields: Option<PollFields>) -> Self {
        Self {
            retry_at: fields.unwrap_or_default().retry_at,
        }
    }
}

impl EbayPoll {
    /// A cycle to run at `until` (one such job at a time: job key).
    pub fn retry_at(until: DateTime<Utc>) -> Self {
        Self {
            retry_at: Some(until),
        }
    }
}

impl AppJob for EbayPoll {
    const IDENTIFIER: &'static str = "ebay_poll";

    fn spec(&self) -> JobSpec {
        JobSpec {
            run_at: self.retry_at,
            job_key: self.retry_at.map(|_| "ebay_poll_retry".to_string()),
            max_attempts: Some(3),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let state = ctx.state::<EbayState>()?;
        let report = poll_cycle(state, ctx.pool()?, ctx.queue()?, Utc::now())
            .await
            .context("eBay polling cycle")?;
        if report.searches > 0 {
            tracing::info!(
                searches = report.searches,
                alerts = report.alerts,
                messages = report.messages,
                "eBay cycle done"
            );
        }
        Ok(())
    }
}

/// Insights of one alert, sent to `chat_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EbayInsights {
    /// The alert (it must belong to `chat_id`).
    pub alert_id: i64,
    /// Where the insights go.
    pub chat_id: i64,
    /// The 30-minute slot of a half-hourly run; `None` when asked for or fired
    /// by the scheduler. A half-hourly run sends nothing when the alert was
    /// paused or switched off meanwhile, or has no data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot: Option<i64>,
}

impl AppJob for EbayInsights {
    const IDENTIFIER: &'static str = "ebay_insights";

    fn spec(&self) -> JobSpec {
        JobSpec {
            job_key: self
                .slot
                .map(|slot| format!("ebay_insights_{}_{slot}", self.alert_id)),
            max_attempts: Some(crate::jobs::registry::DEFAULT_MAX_ATTEMPTS),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let state = ctx.state::<EbayState>()?;
        let pool = ctx.pool()?;
        let Some(alert) = store::get(pool, self.chat_id, self.alert_id).await? else {
            return Ok(()); // deleted meanwhile
        };
        let half_hourly = self.slot.is_some();
        if half_hourly && !(alert.insights_half_hourly && alert.active) {
            return Ok(());
        }
        let lang = language_of_chat(pool, self.chat_id).await;
        let messages =
            insights_messages(state, pool, &alert, lang, Utc::now(), half_hourly).await?;
        if !messages.is_empty() {
            ctx.queue()?.enqueue_many(messages).await?;
        }
        Ok(())
    }
}

/// The half-hourly insights tick (cron every minute; any payload, `null`
/// included, is ignored).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "serde::de::IgnoredAny")]
pub struct EbayInsightsDue {}

impl From<serde::de::IgnoredAny> for EbayInsightsDue {
    fn from(_: serde::de::IgnoredAny) -> Self {
        Self {}
    }
}

impl AppJob for EbayInsightsDue {
    const IDENTIFIER: &'static str = "ebay_insights_due";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let queued = queue_half_hourly(ctx.pool()?, ctx.queue()?, Utc::now())
            .await
            .context("queueing half-hourly eBay insights")?;
        if queued > 0 {
            tracing::info!(queued, "half-hourly eBay insights queued");
        }
        Ok(())
    }
}

/// Queues one [`EbayInsights`] for every active alert that opted in to
/// insights every 30 minutes, has priced observations in the 14-day window
/// and has not been served in the slot of `now`. The slot is claimed and the
/// jobs queued in one transaction: concurrent ticks queue each alert once per
/// slot, and a failed tick leaves the slot unclaimed. Returns how many.
pub async fn queue_half_hourly(
    pool: &Pool,
    queue: &crate::jobs::Queue,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut db = pool.get().await?;
    let tx = db.transaction().await?;
    let since = now - chrono::Duration::days(WINDOW_DAYS);
    let due = store::claim_half_hourly(&tx, now, since).await?;
    let jobs = due
        .iter()
        .map(|d| EbayInsights {
            alert_id: d.alert_id,
            chat_id: d.chat_id,
            slot: Some(d.slot),
        })
        .collect();
    queue.enqueue_many_in(&tx, jobs).await?;
    tx.commit()
        .await
        .context("committing half-hourly insights")?;
    Ok(due.len())
}

/// Insights from a schedule (`job_type` `ebay_insights_scheduled`, target
/// `{"alert_id": n}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EbayInsightsScheduled(pub Fired);

impl AppJob for EbayInsightsScheduled {
    const IDENTIFIER: &'static str = "ebay_insights_scheduled";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let Some(alert_id) = self.0.target["alert_id"].as_i64() else {
            return Err(crate::jobs::permanent(anyhow::anyhow!(
                "schedule {} has no alert_id",
                self.0.schedule_id
            )));
        };
        let pool = ctx.pool()?;
        if store::get(pool, self.0.chat_id, alert_id).await?.is_none() {
            // The alert is gone: its schedule should be too.
            schedules::delete(pool, self.0.schedule_id).await?;
            return Ok(());
        }
        EbayInsights {
            alert_id,
            chat_id: self.0.chat_id,
            slot: None,
        }
        .run(ctx)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cron_payloads_deserialize_null_included() {
        let cron = json!({"_cron": {"ts": "2026-03-01T10:00:00Z", "backfilled": false}});
        for payload in [serde_json::Value::Null, cron, json!({})] {
            let poll: EbayPoll = serde_json::from_value(payload.clone()).expect("a cron cycle");
            assert_eq!(poll.retry_at, None);
            serde_json::from_value::<EbayInsightsDue>(payload).expect("a cron tick");
        }
        let until = Utc::now();
        let stored = serde_json::to_value(EbayPoll::retry_at(until)).expect("serialises");
        let back: EbayPoll = serde_json::from_value(stored).expect("round trip");
        assert_eq!(back.retry_at, Some(until));
        assert_eq!(
            EbayPoll::retry_at(until).spec().job_key.as_deref(),
            Some("ebay_poll_retry")
        );
    }

    #[test]
    fn crontab_lines_parse_with_an_object_payload() {
        for line in [CRONTAB, INSIGHTS_CRONTAB] {
            let parsed = graphile_worker::parse_crontab(line).expect("a valid crontab line");
            assert_eq!(parsed.len(), 1, "{line}");
            assert_eq!(parsed[0].payload, Some(json!({})), "{line}");
        }
    }

    #[test]
    fn half_hourly_runs_have_one_job_key_per_alert_and_slot() {
        let job = |slot| EbayInsights {
            alert_id: 7,
            chat_id: 1,
            slot,
        };
        assert_eq!(
            job(Some(981_234)).spec().job_key.as_deref(),
            Some("ebay_insights_7_981234")
        );
        assert_eq!(job(None).spec().job_key, None);
        let old: EbayInsights =
            serde_json::from_value(json!({"alert_id": 7, "chat_id": 1})).expect("old payload");
        assert_eq!(old.slot, None);
    }
}
