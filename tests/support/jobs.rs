//! Job types used only by tests.

use std::time::Duration;

use anyhow::Context;
use graphile_worker::JobSpec;
use ppc_helper::jobs::{permanent, AppJob, JobCtx};
use serde::{Deserialize, Serialize};

/// Creates the table the test jobs write to.
pub async fn create_tables(client: &tokio_postgres::Client) {
    client
        .batch_execute(
            "CREATE TABLE IF NOT EXISTS test_runs (
                 key TEXT NOT NULL, attempt INT NOT NULL, payload JSONB,
                 ran_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp())",
        )
        .await
        .unwrap_or_else(|e| panic!("creating test_runs: {e}"));
}

async fn record(ctx: &JobCtx, key: &str, payload: serde_json::Value) -> anyhow::Result<()> {
    let client = ctx.pool()?.get().await.context("pool")?;
    client
        .execute(
            "INSERT INTO test_runs (key, attempt, payload) VALUES ($1, $2, $3)",
            &[&key, &(ctx.attempt() as i32), &payload],
        )
        .await
        .context("insert")?;
    Ok(())
}

/// Records one row per run, after an optional delay.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub key: String,
    #[serde(default)]
    pub delay_ms: u64,
    #[serde(default)]
    pub job_key: Option<String>,
    /// A named queue: its jobs run one at a time, in order.
    #[serde(default)]
    pub queue: Option<String>,
}

impl AppJob for Record {
    const IDENTIFIER: &'static str = "test_record";

    fn spec(&self) -> JobSpec {
        JobSpec {
            job_key: self.job_key.clone(),
            queue_name: self.queue.clone(),
            max_attempts: Some(3),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        if self.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        }
        record(&ctx, &self.key, serde_json::json!({})).await
    }
}

/// Records its attempt, then fails (permanently or not).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Fail {
    pub key: String,
    pub permanent: bool,
    pub max_attempts: i16,
}

impl AppJob for Fail {
    const IDENTIFIER: &'static str = "test_fail";

    fn spec(&self) -> JobSpec {
        JobSpec {
            max_attempts: Some(self.max_attempts),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        record(&ctx, &self.key, serde_json::json!({})).await?;
        let error = anyhow::anyhow!("the remote side said no").context("calling the fake service");
        if self.permanent {
            Err(permanent(error))
        } else {
            Err(error)
        }
    }
}

/// The payload the scheduler enqueues; records the fire it got.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Scheduled(pub ppc_helper::jobs::schedules::Fired);

impl AppJob for Scheduled {
    const IDENTIFIER: &'static str = "test_scheduled";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let key = format!("schedule-{}", self.0.schedule_id);
        record(&ctx, &key, serde_json::to_value(&self.0)?).await
    }
}
