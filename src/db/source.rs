//! Where the database comes from: a configured URL or the embedded cluster.

use std::str::FromStr;

use anyhow::Context;
use graphile_worker::tokio_postgres::TokioPostgresDatabase;
use secrecy::ExposeSecret;

use super::embedded::{EmbeddedOptions, EmbeddedPostgres};
use super::Pool;
use crate::config::DatabaseConfig;

/// Name of the app database inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "ppc_helper";

/// How the app reached its database.
pub enum DatabaseSource {
    /// `database.url` was set.
    External,
    /// The app runs its own cluster; stopped by [`Database::close`].
    Embedded(Box<EmbeddedPostgres>),
}

/// The connected database: the shared pool plus the handle graphile_worker uses.
pub struct Database {
    /// Pool shared by the app and the queue.
    pub pool: Pool,
    /// graphile_worker's handle over the same pool, with its LISTEN connection.
    pub queue_db: TokioPostgresDatabase,
    source: DatabaseSource,
}

impl Database {
    /// Whether this process owns an embedded cluster.
    pub fn is_embedded(&self) -> bool {
        matches!(self.source, DatabaseSource::Embedded(_))
    }

    /// Closes the pool and stops the embedded cluster, if any.
    pub async fn close(self) -> anyhow::Result<()> {
        self.pool.close();
        if let DatabaseSource::Embedded(cluster) = self.source {
            cluster
                .stop()
                .await
                .context("stopping the embedded PostgreSQL cluster")?;
        }
        Ok(())
    }
}

/// Connects to `database.url`, or starts the embedded cluster when it is unset.
pub async fn connect(cfg: &DatabaseConfig, url: Option<&str>) -> anyhow::Result<Database> {
    let (pg_config, source) = match url {
        Some(url) => {
            let pg_config = tokio_postgres::Config::from_str(url)
                .context("parsing database.url as a PostgreSQL connection string")?;
            (pg_config, DatabaseSource::External)
        }
        None => {
            let cluster = EmbeddedPostgres::start(EmbeddedOptions {
                data_dir: cfg.data_dir.clone(),
                os_user: cfg.os_user.clone(),
                database: EMBEDDED_DATABASE.to_string(),
            })
            .await
            .with_context(|| {
                format!(
                    "starting the embedded PostgreSQL cluster in {}",
                    cfg.data_dir.display()
                )
            })?;
            (
                cluster.connect_config(),
                DatabaseSource::Embedded(Box::new(cluster)),
            )
        }
    };
    let queue_db = TokioPostgresDatabase::from_config(pg_config, cfg.max_connections)
        .context("building the database pool")?;
    let pool = queue_db.pool().clone();
    let database = Database {
        pool,
        queue_db,
        source,
    };
    // Fail early with the real reason instead of at the first query.
    if let Err(error) = database.pool.get().await {
        let error = anyhow::Error::new(error).context("connecting to PostgreSQL");
        let _ = database.close().await;
        return Err(error);
    }
    Ok(database)
}

/// Resolves the database URL from config (secret) into a plain string when set.
pub fn configured_url(url: Option<&secrecy::SecretString>) -> Option<String> {
    url.map(|u| u.expose_secret().to_string())
        .filter(|u| !u.trim().is_empty())
}
