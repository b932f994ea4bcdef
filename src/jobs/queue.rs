//! Enqueueing jobs: one at a time, in batches, or inside the caller's transaction.

use anyhow::Context;
use graphile_worker::tokio_postgres::TokioPostgresDatabase;
use graphile_worker::{RawJobSpec, WorkerUtils};

use super::registry::{AppJob, Runner};
use super::QUEUE_SCHEMA;

/// Handle for adding jobs to the queue. Cheap to clone.
#[derive(Clone)]
pub struct Queue {
    utils: WorkerUtils,
    database: TokioPostgresDatabase,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Queue")
    }
}

impl Queue {
    /// A queue over the app's database (the pool shared with the worker).
    pub fn new(database: TokioPostgresDatabase) -> Self {
        Self {
            utils: WorkerUtils::new(database.clone(), QUEUE_SCHEMA),
            database,
        }
    }

    /// Installs or upgrades the queue's own schema (idempotent).
    pub async fn migrate(&self) -> anyhow::Result<()> {
        self.utils
            .migrate()
            .await
            .context("installing the job queue schema")
    }

    /// Adds one job; returns its id.
    pub async fn enqueue<J: AppJob>(&self, job: J) -> anyhow::Result<i64> {
        let spec = job.spec();
        let added = self
            .utils
            .add_job(Runner(job), spec)
            .await
            .with_context(|| format!("enqueueing a {} job", J::IDENTIFIER))?;
        Ok(*added.id())
    }

    /// Adds one job inside `tx`: it exists only if the transaction commits.
    pub async fn enqueue_in<J: AppJob>(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        job: J,
    ) -> anyhow::Result<i64> {
        let spec = job.spec();
        let added = self
            .utils
            .clone()
            .with_executor(tx)
            .add_job(Runner(job), spec)
            .await
            .with_context(|| format!("enqueueing a {} job", J::IDENTIFIER))?;
        Ok(*added.id())
    }

    /// Adds many jobs in one round trip (one commit for the whole batch).
    pub async fn enqueue_many<J: AppJob>(&self, jobs: Vec<J>) -> anyhow::Result<usize> {
        let mut specs = raw_specs(jobs)?;
        if shares_a_named_queue(&specs) {
            let client = self
                .database
                .pool()
                .get()
                .await
                .context("connecting to the database for the queue's clock")?;
            let client: &tokio_postgres::Client = &client;
            keep_batch_order(&mut specs, database_now(client).await?);
        }
        let added = self
            .utils
            .add_raw_jobs(&specs)
            .await
            .with_context(|| format!("enqueueing {} {} jobs", specs.len(), J::IDENTIFIER))?;
        Ok(added.len())
    }

    /// Adds many jobs inside `tx` in one round trip: they exist only if the
    /// transaction commits.
    pub async fn enqueue_many_in<J: AppJob>(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        jobs: Vec<J>,
    ) -> anyhow::Result<usize> {
        if jobs.is_empty() {
            return Ok(0);
        }
        let mut specs = raw_specs(jobs)?;
        if shares_a_named_queue(&specs) {
            keep_batch_order(&mut specs, database_now(tx).await?);
        }
        let added = self
            .utils
            .clone()
            .with_executor(tx)
            .add_raw_jobs(&specs)
            .await
            .with_context(|| format!("enqueueing {} {} jobs", specs.len(), J::IDENTIFIER))?;
        Ok(added.len())
    }

    /// Adds a job by identifier and JSON payload (used by the scheduler).
    pub async fn enqueue_raw_in(
        &self,
        tx: &tokio_postgres::Transaction<'_>,
        identifier: &str,
        payload: serde_json::Value,
        spec: graphile_worker::JobSpec,
    ) -> anyhow::Result<i64> {
        let added = self
            .utils
            .clone()
            .with_executor(tx)
            .add_raw_job(identifier, payload, spec)
            .await
            .with_context(|| format!("enqueueing a {identifier} job"))?;
        Ok(*added.id())
    }

    /// Access to graphile_worker's utilities (reschedule, fail, unlock…).
    pub fn utils(&self) -> &WorkerUtils {
        &self.utils
    }
}

/// Whether two jobs of the batch go to the same named queue (their order then
/// matters).
fn shares_a_named_queue(specs: &[RawJobSpec]) -> bool {
    let mut seen = std::collections::HashSet::new();
    specs
        .iter()
        .filter_map(|raw| raw.spec.queue_name.as_deref())
        .any(|name| !seen.insert(name))
}

fn raw_specs<J: AppJob>(jobs: Vec<J>) -> anyhow::Result<Vec<RawJobSpec>> {
    jobs.into_iter()
        .map(|job| {
            let spec = job.spec();
            Ok(RawJobSpec {
                identifier: J::IDENTIFIER.to_string(),
                payload: serde_json::to_value(&job)?,
                spec,
            })
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()
        .with_context(|| format!("serialising {} jobs", J::IDENTIFIER))
}

async fn database_now(
    client: &impl tokio_postgres::GenericClient,
) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    Ok(client
        .query_one("SELECT now()", &[])
        .await
        .context("reading the database clock")?
        .get(0))
}

/// Gives the batch's jobs run times a microsecond apart from `now` (the
/// database's clock): a named queue runs jobs by (priority, run time), and
/// jobs inserted together would otherwise share one run time and come out in
/// any order (report part 3 before part 2).
fn keep_batch_order(specs: &mut [RawJobSpec], now: chrono::DateTime<chrono::Utc>) {
    for (index, raw) in specs.iter_mut().enumerate() {
        let base = raw.spec.run_at.unwrap_or(now);
        raw.spec.run_at = Some(base + chrono::Duration::microseconds(index as i64));
    }
}
