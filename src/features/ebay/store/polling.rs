//! When alerts are polled: the due ones, marking them polled or postponed,
//! and the per-query demand the call budget is estimated from.

use chrono::{DateTime, Utc};

use super::alerts::{from_row, Alert, COLUMNS};
use crate::db::Pool;

/// Active alerts due at `now`.
pub async fn due(pool: &Pool, now: DateTime<Utc>) -> anyhow::Result<Vec<Alert>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            &format!(
                "SELECT {COLUMNS} FROM ebay_alerts WHERE active AND next_poll_at <= $1 ORDER BY id"
            ),
            &[&now],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Marks alerts polled at `now`, next due after their interval × `stretch`.
/// `last_polled_at = now` is also the `seen_at` of the observations they were
/// served, which is how an alert finds the prices it saw last
/// ([`super::prices_seen_at`]).
pub async fn mark_polled(
    pool: &Pool,
    ids: &[i64],
    now: DateTime<Utc>,
    stretch: f64,
) -> anyhow::Result<()> {
    let db = pool.get().await?;
    db.execute(
        "UPDATE ebay_alerts SET last_polled_at = $2, \
         next_poll_at = $2::timestamptz + make_interval(secs => interval_minutes * 60 * $3::float8) - interval '5 seconds' \
         WHERE id = ANY($1)",
        &[&ids, &now, &stretch],
    )
    .await?;
    Ok(())
}

/// Puts alerts off until `until` (after a failed call), keeping their state.
pub async fn postpone(pool: &Pool, ids: &[i64], until: DateTime<Utc>) -> anyhow::Result<()> {
    let db = pool.get().await?;
    db.execute(
        "UPDATE ebay_alerts SET next_poll_at = $2 WHERE id = ANY($1)",
        &[&ids, &until],
    )
    .await?;
    Ok(())
}

/// Per distinct active query, its shortest interval in minutes.
pub async fn demand(pool: &Pool) -> anyhow::Result<Vec<i32>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            "SELECT min(interval_minutes) FROM ebay_alerts WHERE active GROUP BY query_key",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}
