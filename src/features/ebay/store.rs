//! The feature's tables: alerts, flags, the call budget, observations, item
//! state and cooldowns. All SQL is parameterised; bulk writes use `UNNEST`.

use anyhow::Context;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::Row;

use super::client::ItemSummary;
use super::filters::{build_query, Filters};
use crate::db::Pool;

/// Polling intervals a user may pick, in minutes.
pub const INTERVALS: [i32; 5] = [2, 5, 10, 30, 60];
/// Interval of a new alert.
pub const DEFAULT_INTERVAL: i32 = 10;

/// What makes an item worth a notification.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    /// Any listing not seen before.
    pub any_new: bool,
    /// Price at or below this.
    pub target: Option<Decimal>,
    /// Price fell by at least this many percent since last seen.
    pub drop_percent: Option<Decimal>,
    /// Price below the query's 14-day average.
    pub below_average: bool,
}

/// A price alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub id: i64,
    pub chat_id: i64,
    pub phrase: String,
    pub filters: Filters,
    pub marketplace: String,
    pub query_key: String,
    pub interval_minutes: i32,
    pub rules: Rules,
    pub email: Option<String>,
    pub active: bool,
    /// `None` until the first poll (which sends a summary, not alerts).
    pub last_polled_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, chat_id, phrase, filters, marketplace, query_key, interval_minutes, \
     rule_new, target_price, drop_percent, below_average, email, active, last_polled_at";

fn from_row(row: &Row) -> anyhow::Result<Alert> {
    let filters: serde_json::Value = row.try_get("filters")?;
    Ok(Alert {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        phrase: row.try_get("phrase")?,
        filters: serde_json::from_value(filters).unwrap_or_default(),
        marketplace: row.try_get("marketplace")?,
        query_key: row.try_get("query_key")?,
        interval_minutes: row.try_get("interval_minutes")?,
        rules: Rules {
            any_new: row.try_get("rule_new")?,
            target: row.try_get("target_price")?,
            drop_percent: row.try_get("drop_percent")?,
            below_average: row.try_get("below_average")?,
        },
        email: row.try_get("email")?,
        active: row.try_get("active")?,
        last_polled_at: row.try_get("last_polled_at")?,
    })
}

/// Creates an alert with the default interval and rules (new listings).
pub async fn create(
    pool: &Pool,
    chat_id: i64,
    phrase: &str,
    marketplace: &str,
) -> anyhow::Result<Alert> {
    let key = build_query(phrase, &Filters::default()).key(marketplace);
    let db = pool.get().await?;
    let row = db
        .query_one(
            &format!(
                "INSERT INTO ebay_alerts (chat_id, phrase, marketplace, query_key, interval_minutes) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING {COLUMNS}"
            ),
            &[&chat_id, &phrase, &marketplace, &key, &DEFAULT_INTERVAL],
        )
        .await
        .context("creating an eBay alert")?;
    from_row(&row)
}

/// The alert `id` if it belongs to `chat_id`.
pub async fn get(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<Option<Alert>> {
    let db = pool.get().await?;
    let row = db
        .query_opt(
            &format!("SELECT {COLUMNS} FROM ebay_alerts WHERE id = $1 AND chat_id = $2"),
            &[&id, &chat_id],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Any alert by id (jobs).
pub async fn get_any(pool: &Pool, id: i64) -> anyhow::Result<Option<Alert>> {
    let db = pool.get().await?;
    let row = db
        .query_opt(
            &format!("SELECT {COLUMNS} FROM ebay_alerts WHERE id = $1"),
            &[&id],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// The chat's alerts, oldest first.
pub async fn list(pool: &Pool, chat_id: i64) -> anyhow::Result<Vec<Alert>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            &format!("SELECT {COLUMNS} FROM ebay_alerts WHERE chat_id = $1 ORDER BY id"),
            &[&chat_id],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Saves filters, rules, interval, e-mail and the active flag; recomputes the
/// query key. A changed query starts over with a first-cycle summary.
pub async fn save(pool: &Pool, alert: &Alert) -> anyhow::Result<()> {
    let key = build_query(&alert.phrase, &alert.filters).key(&alert.marketplace);
    let filters = serde_json::to_value(&alert.filters)?;
    let db = pool.get().await?;
    db.execute(
        "UPDATE ebay_alerts SET filters = $3, query_key = $4, interval_minutes = $5, rule_new = $6, \
         target_price = $7, drop_percent = $8, below_average = $9, email = $10, active = $11, \
         last_polled_at = CASE WHEN query_key = $4 THEN last_polled_at END \
         WHERE id = $1 AND chat_id = $2",
        &[
            &alert.id,
            &alert.chat_id,
            &filters,
            &key,
            &alert.interval_minutes,
            &alert.rules.any_new,
            &alert.rules.target,
            &alert.rules.drop_percent,
            &alert.rules.below_average,
            &alert.email,
            &alert.active,
        ],
    )
    .await
    .context("saving an eBay alert")?;
    Ok(())
}

/// Deletes the chat's alert; whether it existed.
pub async fn delete(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<bool> {
    let db = pool.get().await?;
    Ok(db
        .execute(
            "DELETE FROM ebay_alerts WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id],
        )
        .await?
        == 1)
}

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

/// An item's state before this cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemState {
    pub first_seen: DateTime<Utc>,
    pub last_price: Option<Decimal>,
}

/// Stores the observations of one search and updates item state; returns the
/// state each item had before (absent: never seen for this query).
pub async fn record(
    pool: &Pool,
    query_key: &str,
    items: &[ItemSummary],
    now: DateTime<Utc>,
) -> anyhow::Result<std::collections::HashMap<String, ItemState>> {
    let ids: Vec<&str> = items.iter().map(|i| i.item_id.as_str()).collect();
    let titles: Vec<&str> = items.iter().map(|i| i.title.as_str()).collect();
    let prices: Vec<Option<Decimal>> = items.iter().map(|i| i.price).collect();
    let shipping: Vec<Option<Decimal>> = items.iter().map(|i| i.shipping).collect();
    let currencies: Vec<Option<&str>> = items.iter().map(|i| i.currency.as_deref()).collect();
    let conditions: Vec<Option<&str>> = items.iter().map(|i| i.condition.as_deref()).collect();
    let urls: Vec<Option<&str>> = items.iter().map(|i| i.url.as_deref()).collect();
    let mut db = pool.get().await?;
    let tx = db.transaction().await?;
    tx.execute(
        "INSERT INTO ebay_observations (query_key, item_id, title, price, shipping, currency, condition, url, seen_at) \
         SELECT $1::text, *, $9::timestamptz FROM UNNEST($2::text[], $3::text[], $4::numeric[], $5::numeric[], $6::text[], $7::text[], $8::text[])",
        &[&query_key, &ids, &titles, &prices, &shipping, &currencies, &conditions, &urls, &now],
    )
    .await
    .context("storing eBay observations")?;
    let before = tx
        .query(
            "SELECT item_id, first_seen, last_price FROM ebay_items WHERE query_key = $1 AND item_id = ANY($2)",
            &[&query_key, &ids],
        )
        .await?;
    // Duplicated ids in one response would make the upsert touch a row twice.
    let mut seen = std::collections::HashSet::new();
    let (mut up_ids, mut up_prices) = (Vec::new(), Vec::new());
    for item in items {
        if seen.insert(item.item_id.as_str()) {
            up_ids.push(item.item_id.as_str());
            up_prices.push(item.price);
        }
    }
    tx.execute(
        "INSERT INTO ebay_items (query_key, item_id, first_seen, last_seen, last_price) \
         SELECT $1::text, id, $4::timestamptz, $4::timestamptz, price FROM UNNEST($2::text[], $3::numeric[]) AS u(id, price) \
         ON CONFLICT (query_key, item_id) DO UPDATE SET last_seen = $4, last_price = EXCLUDED.last_price",
        &[&query_key, &up_ids, &up_prices, &now],
    )
    .await?;
    tx.commit().await?;
    Ok(before
        .iter()
        .map(|r| {
            (
                r.get::<_, String>(0),
                ItemState {
                    first_seen: r.get(1),
                    last_price: r.get(2),
                },
            )
        })
        .collect())
}

/// Average price over the query's observations since `since`.
pub async fn average_since(
    pool: &Pool,
    query_key: &str,
    since: DateTime<Utc>,
) -> anyhow::Result<Option<Decimal>> {
    let db = pool.get().await?;
    let row = db
        .query_one(
            "SELECT avg(price) FROM ebay_observations WHERE query_key = $1 AND seen_at >= $2 AND price IS NOT NULL",
            &[&query_key, &since],
        )
        .await?;
    Ok(row.get(0))
}

/// Cooldowns of `alerts` still running at `since`: (alert, item, rule) → price.
pub async fn cooldowns(
    pool: &Pool,
    alerts: &[i64],
    since: DateTime<Utc>,
) -> anyhow::Result<std::collections::HashMap<(i64, String, String), Option<Decimal>>> {
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

/// One stored observation with the item's first sighting (insights input).
pub async fn observations_since(
    pool: &Pool,
    query_key: &str,
    since: DateTime<Utc>,
) -> anyhow::Result<Vec<super::insights::Obs>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            "SELECT o.item_id, o.title, o.price, o.currency, o.url, o.seen_at, i.first_seen \
             FROM ebay_observations o JOIN ebay_items i ON i.query_key = o.query_key AND i.item_id = o.item_id \
             WHERE o.query_key = $1 AND o.seen_at >= $2 AND o.price IS NOT NULL",
            &[&query_key, &since],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| super::insights::Obs {
            item_id: r.get(0),
            title: r.get(1),
            price: r.get(2),
            currency: r.get::<_, Option<String>>(3).unwrap_or_default(),
            url: r.get(4),
            seen_at: r.get(5),
            first_seen: r.get(6),
        })
        .collect())
}
