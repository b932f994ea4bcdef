//! Queue state per job type, for `/metrics` and the admin `/jobs` command.

use anyhow::Context;
use chrono::{DateTime, Utc};

use crate::db::Pool;

/// Counts of one job type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskSummary {
    pub task: String,
    /// Waiting to run (including retries that are not yet due).
    pub queued: i64,
    /// Locked by a worker right now.
    pub running: i64,
    /// Out of attempts: needs Retry or Discard.
    pub failed: i64,
}

/// A job that ran out of attempts.
#[derive(Debug, Clone)]
pub struct FailedJob {
    pub id: i64,
    pub task: String,
    pub attempts: i16,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// Counts per job type, sorted by type.
pub async fn per_task(pool: &Pool) -> anyhow::Result<Vec<TaskSummary>> {
    let client = pool.get().await.context("connecting to the database")?;
    let rows = client
        .query(
            "SELECT task_identifier,
                    count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts),
                    count(*) FILTER (WHERE locked_at IS NOT NULL),
                    count(*) FILTER (WHERE locked_at IS NULL AND attempts >= max_attempts)
             FROM graphile_worker.jobs GROUP BY task_identifier ORDER BY task_identifier",
            &[],
        )
        .await
        .context("summarising the job queue")?;
    rows.iter()
        .map(|row| {
            Ok(TaskSummary {
                task: row.try_get(0)?,
                queued: row.try_get(1)?,
                running: row.try_get(2)?,
                failed: row.try_get(3)?,
            })
        })
        .collect()
}

/// The most recent permanently failed jobs.
pub async fn recent_failures(pool: &Pool, limit: i64) -> anyhow::Result<Vec<FailedJob>> {
    let client = pool.get().await.context("connecting to the database")?;
    let rows = client
        .query(
            "SELECT id, task_identifier, attempts, last_error, updated_at
             FROM graphile_worker.jobs
             WHERE locked_at IS NULL AND attempts >= max_attempts
             ORDER BY updated_at DESC LIMIT $1",
            &[&limit],
        )
        .await
        .context("listing failed jobs")?;
    rows.iter()
        .map(|row| {
            Ok(FailedJob {
                id: row.try_get(0)?,
                task: row.try_get(1)?,
                attempts: row.try_get(2)?,
                last_error: row.try_get(3)?,
                updated_at: row.try_get(4)?,
            })
        })
        .collect()
}
