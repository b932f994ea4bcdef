//! PostgreSQL: the shared pool, the embedded cluster and migrations.
//!
//! There is one pool for everything: the app's own queries and graphile_worker
//! share it. It comes from [`graphile_worker::TokioPostgresDatabase::from_config`]
//! so the queue also gets its dedicated LISTEN connection.

pub mod embedded;
pub mod migrate;
mod source;

pub use source::{configured_url, connect, Database, DatabaseSource, EMBEDDED_DATABASE};

/// The connection pool shared by the whole app.
pub type Pool = deadpool_postgres::Pool;
