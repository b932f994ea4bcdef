//! The audit trail: who did what, append-only.

use chrono::{DateTime, Utc};
use tokio_postgres::{GenericClient, Row};

use super::StoreError;
use crate::db::Pool;

/// One audit row.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Increasing id; later entries have larger ids.
    pub id: i64,
    /// The Telegram user who acted; `None` for the system (config, jobs).
    pub actor_id: Option<i64>,
    /// Dotted action name, e.g. `user.role`.
    pub action: String,
    /// Action-specific details (a JSON object).
    pub details: serde_json::Value,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

fn from_row(row: &Row) -> Result<AuditEntry, StoreError> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        actor_id: row.try_get("actor_id")?,
        action: row.try_get("action")?,
        details: row.try_get("details")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Appends an audit entry through `client`, which may be a transaction so the
/// entry commits or rolls back with the change it describes. Returns its id.
///
/// With the shared pool pass `&**connection` (a `deadpool_postgres::Object`)
/// or `&*transaction` (a `deadpool_postgres::Transaction`).
pub async fn record<C>(
    client: &C,
    actor: Option<i64>,
    action: &str,
    details: serde_json::Value,
) -> Result<i64, StoreError>
where
    C: GenericClient + Sync,
{
    let row = client
        .query_one(
            "INSERT INTO audit_log (actor_id, action, details) VALUES ($1, $2, $3) RETURNING id",
            &[&actor, &action, &details],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// The `limit` most recent entries, newest first.
pub async fn recent(pool: &Pool, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT id, actor_id, action, details, created_at FROM audit_log
             ORDER BY created_at DESC, id DESC LIMIT $1",
            &[&limit],
        )
        .await?;
    rows.iter().map(from_row).collect()
}
