//! `ebay_flags` (one-time notices and back-off marks: `credentials`,
//! `backoff`, `budget:<day>`) and the daily call counter `ebay_calls`.

use chrono::{DateTime, Utc};

use crate::db::Pool;

/// Browse calls made today (UTC).
pub async fn calls_today(pool: &Pool) -> anyhow::Result<i64> {
    let db = pool.get().await?;
    let row = db
        .query_opt("SELECT calls FROM ebay_calls WHERE day = CURRENT_DATE", &[])
        .await?;
    Ok(row.map(|r| i64::from(r.get::<_, i32>(0))).unwrap_or(0))
}

/// Sets flag `key` unless set; true when this call set it (tell once).
pub async fn set_flag_once(pool: &Pool, key: &str) -> anyhow::Result<bool> {
    let db = pool.get().await?;
    Ok(db
        .execute(
            "INSERT INTO ebay_flags (key, at) VALUES ($1, now()) ON CONFLICT (key) DO NOTHING",
            &[&key],
        )
        .await?
        == 1)
}

/// Sets flag `key` to `at` (overwriting).
pub async fn set_flag(pool: &Pool, key: &str, at: DateTime<Utc>) -> anyhow::Result<()> {
    let db = pool.get().await?;
    db.execute(
        "INSERT INTO ebay_flags (key, at) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET at = $2",
        &[&key, &at],
    )
    .await?;
    Ok(())
}

/// The time stored under flag `key`.
pub async fn flag(pool: &Pool, key: &str) -> anyhow::Result<Option<DateTime<Utc>>> {
    let db = pool.get().await?;
    let row = db
        .query_opt("SELECT at FROM ebay_flags WHERE key = $1", &[&key])
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Clears flag `key`.
pub async fn clear_flag(pool: &Pool, key: &str) -> anyhow::Result<()> {
    let db = pool.get().await?;
    db.execute("DELETE FROM ebay_flags WHERE key = $1", &[&key])
        .await?;
    Ok(())
}
