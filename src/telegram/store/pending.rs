//! Pending button actions: what a button will do, stored server-side because
//! callback data holds at most 64 bytes. The button carries only the id.
//!
//! An action is one-shot (taking it deletes it), bound to the user who was
//! shown the button, and expires after its time to live.

use std::time::Duration;

use super::StoreError;
use crate::db::Pool;

/// Stores `action` for `actor` for `ttl` and returns its id for the button.
pub async fn create(
    pool: &Pool,
    actor: i64,
    action: serde_json::Value,
    ttl: Duration,
) -> Result<i32, StoreError> {
    let client = pool.get().await?;
    // Expiry is computed by the database clock, the same clock `take` uses.
    let row = client
        .query_one(
            "INSERT INTO pending_actions (actor_id, action, expires_at)
             VALUES ($1, $2, now() + $3 * interval '1 second') RETURNING id",
            &[&actor, &action, &ttl.as_secs_f64()],
        )
        .await?;
    Ok(row.try_get(0)?)
}

/// Takes the action `id` for `actor`: returns it and deletes it, so a second
/// press gets `None`. `None` too when it expired (it is deleted then), never
/// existed, or belongs to another user (it is left for its owner).
pub async fn take(
    pool: &Pool,
    id: i32,
    actor: i64,
) -> Result<Option<serde_json::Value>, StoreError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "DELETE FROM pending_actions WHERE id = $1 AND actor_id = $2
             RETURNING action, expires_at > now() AS live",
            &[&id, &actor],
        )
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let live: bool = row.try_get("live")?;
    if !live {
        return Ok(None);
    }
    Ok(Some(row.try_get("action")?))
}

/// Deletes every expired action; returns how many. Run periodically.
pub async fn purge_expired(pool: &Pool) -> Result<u64, StoreError> {
    let client = pool.get().await?;
    Ok(client
        .execute("DELETE FROM pending_actions WHERE expires_at <= now()", &[])
        .await?)
}
