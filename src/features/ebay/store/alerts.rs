//! `ebay_alerts`: an alert's phrase, filters, rules, interval, e-mail and
//! switches. Reads are scoped to the owner chat except [`get_any`] (jobs).

use anyhow::Context;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use tokio_postgres::Row;

use crate::db::Pool;
use crate::features::ebay::filters::{build_query, Filters};

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
    /// Price fell by at least this many percent since this alert last saw it.
    pub drop_percent: Option<Decimal>,
    /// Price below the query's 14-day average.
    pub below_average: bool,
}

/// A price alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Primary key, shown to the user as `#id`.
    pub id: i64,
    /// The owner chat (messages go there).
    pub chat_id: i64,
    /// The search phrase (`q`), at most 300 characters.
    pub phrase: String,
    /// Price range, conditions, buying options, location, excluded words.
    pub filters: Filters,
    /// eBay marketplace (`X-EBAY-C-MARKETPLACE-ID`).
    pub marketplace: String,
    /// Canonical request: alerts with equal keys share one search per cycle.
    pub query_key: String,
    /// One of [`INTERVALS`].
    pub interval_minutes: i32,
    /// What is reported.
    pub rules: Rules,
    /// Where e-mail copies go, if anywhere.
    pub email: Option<String>,
    /// False while paused.
    pub active: bool,
    /// `None` until the first poll (which sends a summary, not alerts).
    pub last_polled_at: Option<DateTime<Utc>>,
    /// Opted in to insights every 30 minutes (sent only when there is data).
    pub insights_half_hourly: bool,
}

pub(super) const COLUMNS: &str = "id, chat_id, phrase, filters, marketplace, query_key, \
     interval_minutes, rule_new, target_price, drop_percent, below_average, email, active, \
     last_polled_at, insights_half_hourly";

pub(super) fn from_row(row: &Row) -> anyhow::Result<Alert> {
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
        insights_half_hourly: row.try_get("insights_half_hourly")?,
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
/// query key. A changed query starts over with a first-cycle summary. The
/// insights opt-in is changed by [`super::set_half_hourly`] only.
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

/// Deletes the chat's alert (its cooldowns go with it); whether it existed.
/// Its insights schedules are removed by the caller (`schedule::remove_all`).
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
