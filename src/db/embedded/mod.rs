//! Embedded PostgreSQL cluster: the app's own server when `database.url` is unset.
//!
//! The cluster lives in `data_dir` and uses the system's `initdb`/`pg_ctl`. It
//! listens on a Unix socket only (no TCP), in the data directory or, when that
//! path is too long for a socket, in a short private directory under /tmp.
//! When the process is root the files belong to, and the server runs as,
//! an unprivileged user (`database.os_user`), since PostgreSQL refuses root.

mod binaries;
mod cluster;
mod error;
mod pidfile;
mod runas;

use std::path::{Path, PathBuf};

pub use binaries::{find_binaries, find_binaries_in, PgBinaries, DEBIAN_VERSIONED_ROOT};
pub use error::EmbeddedError;
use runas::RunAs;

/// What [`EmbeddedPostgres::start`] needs.
#[derive(Debug, Clone)]
pub struct EmbeddedOptions {
    /// The cluster's directory; created (mode 0700) if missing.
    pub data_dir: PathBuf,
    /// Unprivileged user owning the cluster; used only when running as root.
    pub os_user: String,
    /// Database created if missing once the server is up.
    pub database: String,
}

impl EmbeddedOptions {
    /// Options for `data_dir` with os user `postgres` and database `ppc_helper`.
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            data_dir: data_dir.into(),
            os_user: "postgres".to_string(),
            database: "ppc_helper".to_string(),
        }
    }
}

/// A running embedded cluster.
///
/// Stop it with [`EmbeddedPostgres::stop`]; if it is dropped instead, an
/// immediate shutdown is attempted synchronously. A server left running by an
/// earlier (killed) process is adopted, and stopped like one started here.
#[derive(Debug)]
pub struct EmbeddedPostgres {
    bins: PgBinaries,
    run_as: RunAs,
    data_dir: PathBuf,
    socket_dir: PathBuf,
    port: u16,
    database: String,
    adopted_pid: Option<i32>,
    stopped: bool,
}

impl EmbeddedPostgres {
    /// Starts (or initialises, or adopts) the cluster in `opts.data_dir` and
    /// creates `opts.database` if it does not exist.
    pub async fn start(opts: EmbeddedOptions) -> Result<EmbeddedPostgres, EmbeddedError> {
        let bins = find_binaries()?;
        let run_as = RunAs::resolve(&opts.os_user)?;
        let data_dir = runas::prepare_data_dir(&opts.data_dir, &run_as)?;
        let socket_dir = cluster::choose_socket_dir(&data_dir);
        let mut cluster = EmbeddedPostgres {
            bins,
            run_as,
            data_dir,
            socket_dir,
            port: cluster::PORT,
            database: opts.database,
            adopted_pid: None,
            // Nothing to stop until a server is running.
            stopped: true,
        };
        match pidfile::running_postmaster(&cluster.data_dir, &cluster.socket_dir).await? {
            Some(running) => {
                tracing::info!(
                    data_dir = %cluster.data_dir.display(),
                    pid = running.pid,
                    "reusing the PostgreSQL server left running by an earlier run"
                );
                cluster.socket_dir = running.socket_dir;
                cluster.port = running.port;
                cluster.adopted_pid = Some(running.pid);
                cluster.stopped = false;
            }
            None => {
                if !cluster::is_initialised(&cluster.data_dir) {
                    cluster::initdb(&cluster.bins, &cluster.run_as, &cluster.data_dir).await?;
                }
                if cluster.socket_dir != cluster.data_dir {
                    runas::prepare_socket_dir(&cluster.socket_dir, &cluster.run_as)?;
                }
                cluster::write_config(&cluster.data_dir, &cluster.socket_dir)?;
                cluster::start(
                    &cluster.bins,
                    &cluster.run_as,
                    &cluster.data_dir,
                    &cluster.socket_dir,
                )
                .await?;
                cluster.stopped = false;
            }
        }
        let database = cluster.database.clone();
        cluster.ensure_database(&database).await?;
        Ok(cluster)
    }

    /// Connection settings for the app database: Unix socket, port, superuser.
    pub fn connect_config(&self) -> tokio_postgres::Config {
        self.connect_config_for(&self.database)
    }

    /// Connection settings for another database of this cluster.
    pub fn connect_config_for(&self, dbname: &str) -> tokio_postgres::Config {
        let mut config = tokio_postgres::Config::new();
        config
            .host_path(&self.socket_dir)
            .port(self.port)
            .user(cluster::SUPERUSER)
            .dbname(dbname)
            .application_name("ppc-helper");
        config
    }

    /// A `postgres://` URL for the app database, with the socket directory in
    /// the `host` query parameter; `tokio_postgres::Config::from_str` accepts it.
    pub fn url(&self) -> String {
        format!(
            "postgres://{}@/{}?host={}&port={}",
            cluster::SUPERUSER,
            percent_encode(&self.database),
            percent_encode(&self.socket_dir.display().to_string()),
            self.port
        )
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.socket_dir
    }

    /// The cluster's (canonical) data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The port naming the socket file (`.s.PGSQL.<port>`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser name the connections use.
    pub fn superuser(&self) -> &'static str {
        cluster::SUPERUSER
    }

    /// The postmaster pid when the server was left running by an earlier run.
    pub fn adopted_pid(&self) -> Option<i32> {
        self.adopted_pid
    }

    /// Creates database `name` (a copy of `template1`); fails if it exists.
    pub async fn create_database(&self, name: &str) -> Result<(), EmbeddedError> {
        self.admin(&format!("CREATE DATABASE {}", quote_ident(name)))
            .await
    }

    /// Creates database `name` as a copy of `template`, which must have no
    /// open connections (e.g. a migrated database the tests clone).
    pub async fn create_database_from(
        &self,
        name: &str,
        template: &str,
    ) -> Result<(), EmbeddedError> {
        self.admin(&format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(name),
            quote_ident(template)
        ))
        .await
    }

    /// Drops database `name` if it exists, closing its open connections.
    pub async fn drop_database(&self, name: &str) -> Result<(), EmbeddedError> {
        self.admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(name)
        ))
        .await
    }

    /// Stops the server (`pg_ctl stop -m fast`) and waits until it is down.
    pub async fn stop(mut self) -> Result<(), EmbeddedError> {
        self.stopped = true;
        cluster::stop(&self.bins, &self.run_as, &self.data_dir, "fast").await?;
        if self.socket_dir != self.data_dir {
            // Only succeeds once empty; a leftover directory in /tmp is harmless.
            let _ = std::fs::remove_dir(&self.socket_dir);
        }
        Ok(())
    }

    async fn ensure_database(&self, name: &str) -> Result<(), EmbeddedError> {
        let client = self.admin_client().await?;
        let query = "SELECT 1 FROM pg_database WHERE datname = $1";
        let rows = client
            .query(query, &[&name])
            .await
            .map_err(|source| EmbeddedError::Sql {
                statement: query.to_string(),
                source,
            })?;
        if !rows.is_empty() {
            return Ok(());
        }
        let statement = format!("CREATE DATABASE {}", quote_ident(name));
        match client.batch_execute(&statement).await {
            Ok(()) => Ok(()),
            // Another process starting at the same time created it first.
            Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE) => {
                Ok(())
            }
            Err(source) => Err(EmbeddedError::Sql { statement, source }),
        }
    }

    async fn admin(&self, statement: &str) -> Result<(), EmbeddedError> {
        self.admin_client()
            .await?
            .batch_execute(statement)
            .await
            .map_err(|source| EmbeddedError::Sql {
                statement: statement.to_string(),
                source,
            })
    }

    /// A connection to the `postgres` maintenance database.
    async fn admin_client(&self) -> Result<tokio_postgres::Client, EmbeddedError> {
        let (client, connection) = self
            .connect_config_for("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .map_err(EmbeddedError::Connect)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "embedded PostgreSQL admin connection ended");
            }
        });
        Ok(client)
    }
}

impl Drop for EmbeddedPostgres {
    fn drop(&mut self) {
        if self.stopped {
            return;
        }
        let status = cluster::stop_command(&self.bins, &self.run_as, &self.data_dir, "immediate")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => {
                tracing::info!(data_dir = %self.data_dir.display(), "PostgreSQL stopped on drop");
            }
            outcome => tracing::warn!(
                data_dir = %self.data_dir.display(),
                ?outcome,
                "could not stop the embedded PostgreSQL on drop"
            ),
        }
    }
}

/// A double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted() {
        assert_eq!(quote_ident(r#"a"b"#), r#""a""b""#);
    }

    #[test]
    fn percent_encoding_keeps_unreserved() {
        assert_eq!(percent_encode("/tmp/a b"), "%2Ftmp%2Fa%20b");
    }
}
