//! `ebay_observations` (every listing of every poll) and `ebay_items` (per
//! query: first and last sighting, latest price): writing a poll's results,
//! the prices an alert saw at its last poll, averages and the insights input.

use std::collections::{HashMap, HashSet};

use anyhow::Context;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::db::Pool;
use crate::features::ebay::client::ItemSummary;
use crate::features::ebay::insights::Obs;

/// An item's state for its query before this cycle.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemState {
    /// When any alert of the query first saw it ("new" detection).
    pub first_seen: DateTime<Utc>,
}

/// Stores the observations of one search (`seen_at = now`) and updates item
/// state; returns the state each item had before (absent: never seen for this
/// query).
pub async fn record(
    pool: &Pool,
    query_key: &str,
    items: &[ItemSummary],
    now: DateTime<Utc>,
) -> anyhow::Result<HashMap<String, ItemState>> {
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
            "SELECT item_id, first_seen FROM ebay_items WHERE query_key = $1 AND item_id = ANY($2)",
            &[&query_key, &ids],
        )
        .await?;
    // Duplicated ids in one response would make the upsert touch a row twice.
    let mut seen = HashSet::new();
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
                },
            )
        })
        .collect())
}

/// The priced listings of the query's poll at exactly `at`, item → price.
///
/// An alert's `last_polled_at` is the `seen_at` of the poll that served it, so
/// this is what *that alert* saw last, whatever other alerts of the same query
/// saw in between (the "drop since last seen" rule). A duplicated item keeps
/// its first price, like the rules do.
pub async fn prices_seen_at(
    pool: &Pool,
    query_key: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<HashMap<String, Decimal>> {
    let db = pool.get().await?;
    let rows = db
        .query(
            "SELECT DISTINCT ON (item_id) item_id, price FROM ebay_observations \
             WHERE query_key = $1 AND seen_at = $2 AND price IS NOT NULL ORDER BY item_id, id",
            &[&query_key, &at],
        )
        .await
        .context("reading the prices an eBay alert saw last")?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
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

/// The query's priced observations since `since`, each with the item's first
/// sighting (insights input).
pub async fn observations_since(
    pool: &Pool,
    query_key: &str,
    since: DateTime<Utc>,
) -> anyhow::Result<Vec<Obs>> {
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
        .map(|r| Obs {
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
