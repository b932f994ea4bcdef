//! Running the worker pool.

use std::time::Duration;

use anyhow::Context;
use graphile_worker::tokio_postgres::TokioPostgresDatabase;
use graphile_worker::{LocalQueueConfig, WorkerOptions, WorkerRecoveryConfig};
use tokio::task::JoinHandle;

use super::registry::JobRegistry;
use super::QUEUE_SCHEMA;
use crate::shutdown::Shutdown;

/// How the pool runs; built from the `workers` config section.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Jobs run at once.
    pub concurrency: usize,
    /// Jobs fetched per round trip (graphile_worker's local queue).
    pub local_queue_size: usize,
    /// Time running jobs get to finish after shutdown is requested.
    pub grace: Duration,
    /// Heartbeat period of this worker.
    pub heartbeat: Duration,
    /// A worker silent for this long is dead; its jobs run again.
    pub dead_after: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            concurrency: 8,
            local_queue_size: 200,
            grace: Duration::from_secs(30),
            heartbeat: Duration::from_secs(30),
            dead_after: Duration::from_secs(300),
        }
    }
}

/// A running worker pool.
pub struct WorkerHandle {
    task: JoinHandle<anyhow::Result<()>>,
}

impl WorkerHandle {
    /// Waits until the pool has stopped (after shutdown and draining).
    pub async fn join(self) -> anyhow::Result<()> {
        self.task.await.context("the worker task panicked")?
    }
}

/// Starts the pool; it stops taking jobs when `shutdown` fires and lets running
/// jobs finish within `settings.grace`.
pub async fn start(
    database: TokioPostgresDatabase,
    registry: JobRegistry,
    settings: &WorkerSettings,
    shutdown: &Shutdown,
) -> anyhow::Result<WorkerHandle> {
    let recovery = WorkerRecoveryConfig::default()
        .enabled(true)
        .heartbeat_interval(settings.heartbeat)
        .sweep_interval(settings.heartbeat.max(Duration::from_secs(1)))
        .sweep_threshold(settings.dead_after)
        .recovery_delay(Duration::ZERO);
    let options = WorkerOptions::default()
        .database(database)
        .schema(QUEUE_SCHEMA)
        .concurrency(settings.concurrency.max(1))
        .local_queue(LocalQueueConfig::default().with_size(settings.local_queue_size.max(1)))
        // The app owns signal handling: one shutdown path for every task.
        .listen_os_shutdown_signals(false)
        .shutdown_signal(shutdown.wait_owned())
        .shutdown_grace_period(settings.grace)
        .worker_recovery(recovery);
    let options = registry.apply(options)?;
    let worker = options.init().await.context("starting the job worker")?;
    let task = tokio::spawn(async move {
        worker
            .run()
            .await
            .map_err(|error| anyhow::anyhow!("job worker stopped with an error: {error}"))
    });
    Ok(WorkerHandle { task })
}
