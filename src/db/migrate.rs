//! The app's own schema migrations (`migrations/V{n}__{name}.sql`, embedded;
//! `build.rs` rebuilds when the folder changes). graphile_worker installs and
//! migrates its own schema separately.
//!
//! A new migration takes a number above every existing one, whatever feature
//! it belongs to: refinery refuses a database whose applied versions skip a
//! lower file (V21 added after V41 was applied would stop the app).

use anyhow::Context;

use super::Pool;

mod embedded {
    refinery::embed_migrations!("migrations");
}

/// Applies every pending migration; returns how many were applied.
pub async fn run(pool: &Pool) -> anyhow::Result<usize> {
    let mut client = pool
        .get()
        .await
        .context("getting a database connection for migrations")?;
    let client: &mut tokio_postgres::Client = &mut client;
    let report = embedded::migrations::runner()
        .set_abort_divergent(true)
        .run_async(client)
        .await
        .context("applying database migrations")?;
    Ok(report.applied_migrations().len())
}
