//! Queue benchmark: 20,000 no-op jobs through the configured pool, plus the
//! enqueue→start latency of single jobs on an idle pool. Reference in the same
//! run: a plain-SQL `SKIP LOCKED` queue (one job per statement) on the same
//! database. Run with `bench/queue.sh`.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::jobs::{AppJob, JobCtx, JobRegistry};
use ppc_helper::shutdown::Shutdown;
use serde::{Deserialize, Serialize};

const JOBS: usize = 20_000;

/// Collected start latencies (µs) and a done counter.
#[derive(Debug, Clone, Default)]
struct Stats(Arc<Mutex<(Vec<u64>, usize)>>);

#[derive(Debug, Clone, Serialize, Deserialize)]
struct NoOp {
    enqueued_at_us: i64,
}

impl AppJob for NoOp {
    const IDENTIFIER: &'static str = "bench_noop";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let latency = now_us() - self.enqueued_at_us;
        let stats = ctx.state::<Stats>()?;
        let mut guard = stats.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        guard.0.push(latency.max(0) as u64);
        guard.1 += 1;
        Ok(())
    }
}

fn now_us() -> i64 {
    chrono::Utc::now().timestamp_micros()
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("tempdir")?;
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        data_dir: dir.path().join("pg"),
        os_user: "postgres".into(),
        database: "bench".into(),
    })
    .await?;
    let mut config = Config::default();
    let url = cluster.url();
    config.database.url = Some(url.clone().into());
    let workers = config.workers.clone();
    println!(
        "settings: workers.count={} local_queue_size={} max_connections={}",
        workers.count, workers.local_queue_size, config.database.max_connections
    );

    let reference = reference_queue(&url, workers.count).await?;

    let stats = Stats::default();
    let app = App::build(config, Shutdown::new()).await?;
    let queue = app.queue().clone();
    let seams = Seams {
        extra_jobs: JobRegistry::new().job::<NoOp>().with_state(stats.clone()),
        ..Seams::default()
    };
    let running = app.start(Mode::Worker, seams).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Throughput: batch-enqueue everything, wait for the pool to drain it.
    let started = Instant::now();
    for chunk in (0..JOBS).collect::<Vec<_>>().chunks(1_000) {
        let jobs = chunk
            .iter()
            .map(|_| NoOp {
                enqueued_at_us: now_us(),
            })
            .collect();
        queue.enqueue_many(jobs).await?;
    }
    let enqueued = started.elapsed();
    loop {
        let done = stats.0.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.1;
        if done >= JOBS {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let total = started.elapsed();
    stats
        .0
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .0
        .clear();

    // Idle latency: one job at a time on an idle pool.
    for _ in 0..300 {
        queue
            .enqueue(NoOp {
                enqueued_at_us: now_us(),
            })
            .await?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut latencies = stats
        .0
        .lock()
        .map_err(|_| anyhow::anyhow!("poisoned"))?
        .0
        .clone();
    latencies.sort_unstable();

    println!(
        "ppc-helper queue: {JOBS} jobs enqueued in {:.2} s ({:.0} jobs/s), processed in {:.2} s: {:.0} jobs/s",
        enqueued.as_secs_f64(),
        JOBS as f64 / enqueued.as_secs_f64(),
        total.as_secs_f64(),
        JOBS as f64 / total.as_secs_f64()
    );
    println!(
        "ppc-helper idle enqueue→start latency over {} jobs: p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99)
    );
    println!(
        "reference plain-SQL SKIP LOCKED queue ({} workers, one job per statement): {:.0} jobs/s",
        workers.count, reference
    );
    println!(
        "ratio ppc-helper / reference: {:.2}",
        (JOBS as f64 / total.as_secs_f64()) / reference
    );

    running.shutdown().trigger();
    running.wait().await?;
    cluster.stop().await?;
    Ok(())
}

/// The simplest durable queue PostgreSQL allows: claim-and-delete one row per
/// statement with `SKIP LOCKED`, `workers` connections in parallel.
async fn reference_queue(url: &str, workers: usize) -> anyhow::Result<f64> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    client
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS bench_ref;
             CREATE TABLE bench_ref (id BIGSERIAL PRIMARY KEY, payload JSONB NOT NULL);
             INSERT INTO bench_ref (payload)
               SELECT jsonb_build_object('n', n) FROM generate_series(1, {JOBS}) n;"
        ))
        .await?;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..workers.max(1) {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
            tokio::spawn(connection);
            let claim = client
                .prepare(
                    "DELETE FROM bench_ref WHERE id = (
                       SELECT id FROM bench_ref ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
                     RETURNING id",
                )
                .await?;
            while client.query_opt(&claim, &[]).await?.is_some() {}
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    let rate = JOBS as f64 / started.elapsed().as_secs_f64();
    client.batch_execute("DROP TABLE bench_ref").await?;
    Ok(rate)
}
