//! What can go wrong while running the embedded cluster.

use std::path::PathBuf;

/// Why the embedded PostgreSQL cluster could not be started, used or stopped.
///
/// Each variant is something a caller (or the person reading the log) can act
/// on; the message says what to do where there is something to do.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    /// `initdb`, `pg_ctl` or `postgres` could not be found.
    #[error(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found on PATH or in \
         {versioned_root}/*/bin: install them with `apt-get install postgresql`"
    )]
    BinariesMissing {
        /// The Debian per-version root that was searched besides PATH.
        versioned_root: PathBuf,
    },

    /// Running as root, and `database.os_user` names no user on this system.
    #[error(
        "the operating-system user `{user}` (database.os_user) does not exist; PostgreSQL \
         refuses to run as root, so the cluster runs as that user: create it (installing the \
         Debian package `postgresql` creates `postgres`) or set database.os_user to an \
         existing unprivileged user"
    )]
    UserMissing {
        /// The user name that was looked up.
        user: String,
    },

    /// Running as root, and `database.os_user` is itself a root account.
    #[error(
        "database.os_user `{user}` has uid 0; PostgreSQL refuses to run as root: \
         name an unprivileged user"
    )]
    UserIsRoot {
        /// The offending user name.
        user: String,
    },

    /// The cluster's user cannot enter a directory above the data directory.
    #[error(
        "the PostgreSQL user `{user}` cannot enter {dir}, a parent of the data directory: \
         allow it (`chmod o+x {dir}`) or set database.data_dir to a place that user can reach"
    )]
    NotTraversable {
        /// The user the cluster runs as.
        user: String,
        /// The first directory on the way that it cannot search.
        dir: PathBuf,
    },

    /// The directory chosen for the Unix socket cannot be used.
    #[error("cannot use {dir} for the PostgreSQL socket: {reason}")]
    SocketDir {
        /// The socket directory.
        dir: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// `initdb` failed; `log` is its output.
    #[error("initdb failed for {data_dir}:\n{log}")]
    InitDb {
        /// The data directory being initialised.
        data_dir: PathBuf,
        /// initdb's standard output and error.
        log: String,
    },

    /// The server did not start (or a running one never became ready).
    #[error("PostgreSQL did not start: {reason}\nlast lines of {}:\n{log_tail}", log_file.display())]
    Start {
        /// pg_ctl's own words, or what the wait gave up on.
        reason: String,
        /// The server log file.
        log_file: PathBuf,
        /// The last lines of that log.
        log_tail: String,
    },

    /// `pg_ctl stop` failed.
    #[error("stopping PostgreSQL in {data_dir} failed: {output}")]
    Stop {
        /// The data directory of the cluster.
        data_dir: PathBuf,
        /// pg_ctl's output.
        output: String,
    },

    /// A file-system or process operation failed.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done, e.g. "creating directory".
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    /// Connecting to the running cluster failed.
    #[error("connecting to the embedded PostgreSQL cluster failed")]
    Connect(#[source] tokio_postgres::Error),

    /// A statement the cluster manager runs itself (e.g. CREATE DATABASE) failed.
    #[error("embedded PostgreSQL: `{statement}` failed")]
    Sql {
        /// The statement.
        statement: String,
        /// The database error.
        #[source]
        source: tokio_postgres::Error,
    },
}

impl EmbeddedError {
    /// Builds an [`EmbeddedError::Io`].
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
