//! `ebay_cooldowns`: when an alert last notified about an item for a rule,
//! and at what price (a further fall lifts the cooldown).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::db::Pool;

/// Cooldowns of `alerts` still running at `since`: (alert, item, rule) → price.
pub async fn cooldowns(
    pool: &Pool,
    alerts: &[i64],
    since: DateTime<Utc>,
) -> anyhow::Result<HashMap<(i64, String, String), Option<Decimal>>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            "SELECT alert_id, item_id, rule, price FROM ebay_cooldowns WHERE alert_id = ANY($1) AND notified_at > $2",
            &[&alerts, &since],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ((r.get(0), r.get(1), r.get(2)), r.get(3)))
        .collect())
}

/// Starts cooldowns for what was just notified: (alert, item, rule, price).
pub async fn start_cooldowns(
    pool: &Pool,
    hits: &[(i64, String, String, Option<Decimal>)],
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    if hits.is_empty() {
        return Ok(());
    }
    let alerts: Vec<i64> = hits.iter().map(|h| h.0).collect();
    let items: Vec<&str> = hits.iter().map(|h| h.1.as_str()).collect();
    let rules: Vec<&str> = hits.iter().map(|h| h.2.as_str()).collect();
    let prices: Vec<Option<Decimal>> = hits.iter().map(|h| h.3).collect();
    let db = pool.get().await?;
    db.execute(
        "INSERT INTO ebay_cooldowns (alert_id, item_id, rule, price, notified_at) \
         SELECT a, i, r, p, $5::timestamptz FROM UNNEST($1::int8[], $2::text[], $3::text[], $4::numeric[]) AS u(a, i, r, p) \
         ON CONFLICT (alert_id, item_id, rule) DO UPDATE SET price = EXCLUDED.price, notified_at = $5",
        &[&alerts, &items, &rules, &prices, &now],
    )
    .await?;
    Ok(())
}
