//! A diagnostic job: proves that a worker is taking jobs end to end.
//! `ppc-helper check` enqueues one and waits for its row; the reliability tests
//! use it with a delay to kill a worker in the middle of a job.

use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::registry::AppJob;
use super::{JobCtx, Queue};
use crate::db::Pool;

/// Writes one `job_probes` row keyed by `key` after sleeping `delay_ms`.
/// The key is unique, so however often the job runs its effect happens once.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Probe {
    pub key: String,
    #[serde(default)]
    pub delay_ms: u64,
}

impl AppJob for Probe {
    const IDENTIFIER: &'static str = "platform_probe";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        if self.delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.delay_ms)).await;
        }
        let client = ctx
            .pool()?
            .get()
            .await
            .context("connecting to the database")?;
        client
            .execute(
                "INSERT INTO job_probes (key, worker) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
                &[&self.key, &std::process::id().to_string()],
            )
            .await
            .context("recording the probe")?;
        Ok(())
    }
}

/// Enqueues a probe and waits for a worker to run it; returns the round trip.
pub async fn round_trip(pool: &Pool, queue: &Queue, timeout: Duration) -> anyhow::Result<Duration> {
    let key = format!("check-{}", uuid::Uuid::new_v4());
    let started = Instant::now();
    queue
        .enqueue(Probe {
            key: key.clone(),
            delay_ms: 0,
        })
        .await?;
    let client = pool.get().await.context("connecting to the database")?;
    while started.elapsed() < timeout {
        let done = client
            .query_opt("SELECT 1 FROM job_probes WHERE key = $1", &[&key])
            .await
            .context("reading the probe")?
            .is_some();
        if done {
            let elapsed = started.elapsed();
            client
                .execute("DELETE FROM job_probes WHERE key = $1", &[&key])
                .await
                .context("cleaning up the probe")?;
            return Ok(elapsed);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    anyhow::bail!(
        "no worker ran the probe job within {timeout:?}: is a `run` or `worker` process up?"
    )
}
