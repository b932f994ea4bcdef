//! The Telegram core's tables: users and their roles, chats, the audit trail
//! and pending button actions. Features keep their own tables; these are the
//! platform's.

pub mod audit;
pub mod chats;
pub mod pending;
pub mod users;

pub use audit::AuditEntry;
pub use chats::{Chat, ChatKind};
pub use users::{Role, User};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The user or chat the operation is about is not in the database.
    #[error("not found")]
    NotFound,
    /// A value is not one the store accepts (an unknown language code, or a
    /// stored value that no longer parses); the message says which.
    #[error("invalid value: {0}")]
    Invalid(String),
    /// A query failed.
    #[error("database query failed")]
    Db(#[source] tokio_postgres::Error),
    /// No connection could be taken from the pool.
    #[error("no database connection")]
    Pool(#[source] deadpool_postgres::PoolError),
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        Self::Db(error)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        Self::Pool(error)
    }
}
