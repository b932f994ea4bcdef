//! Test harness: one private PostgreSQL cluster per test run (or
//! `TEST_DATABASE_URL`), a fresh database per test, migrations applied.
#![allow(dead_code)]

pub mod cluster;
pub mod jobs;
pub mod telegram;

use std::time::Duration;

use ppc_helper::config::Config;

pub use cluster::TestDb;

/// A config for an in-process app on `db`: small, fast timings.
pub fn test_config(db: &TestDb) -> Config {
    let mut config = Config::default();
    config.database.url = Some(db.url().into());
    config.database.max_connections = 8;
    config.workers.count = 4;
    config.workers.shutdown_grace_secs = 10;
    config.workers.heartbeat_secs = 1;
    config.workers.dead_after_secs = 5;
    config.http.listen = "127.0.0.1:0".parse().unwrap_or(config.http.listen);
    config
}

/// Polls `check` every 50 ms until it returns true or `timeout` passes.
pub async fn eventually<F, Fut>(timeout: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = std::time::Instant::now();
    while started.elapsed() < timeout {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out after {timeout:?} waiting for: {what}");
}
