//! Reading past captures: by id, one to reuse, the latest ones with their
//! counts (the "last reports" list).

use chrono::{DateTime, Utc};

use super::{capture, client, Capture, CAPTURE};
use crate::db::Pool;

/// A capture by id.
pub async fn capture_by_id(pool: &Pool, id: i64) -> anyhow::Result<Option<Capture>> {
    let sql = format!("SELECT {CAPTURE} FROM adlib_captures WHERE id = $1");
    let row = client(pool).await?.query_opt(&sql, &[&id]).await?;
    row.as_ref().map(capture).transpose()
}

/// The account's latest capture that finished with a report within the last
/// `minutes` (reused instead of starting the browser again).
pub async fn reusable_capture(
    pool: &Pool,
    account_id: i64,
    minutes: u32,
) -> anyhow::Result<Option<Capture>> {
    let sql = format!(
        "SELECT {CAPTURE} FROM adlib_captures WHERE account_id = $1 AND status IN ('ok', 'degraded')
         AND cardinality(report_paths) > 0 AND finished_at > now() - make_interval(mins => $2)
         ORDER BY id DESC LIMIT 1"
    );
    let minutes = i32::try_from(minutes).unwrap_or(i32::MAX);
    let row = client(pool)
        .await?
        .query_opt(&sql, &[&account_id, &minutes])
        .await?;
    row.as_ref().map(capture).transpose()
}

/// The account's latest captures, newest first.
pub async fn recent_captures(
    pool: &Pool,
    account_id: i64,
    limit: i64,
) -> anyhow::Result<Vec<Capture>> {
    let sql = format!(
        "SELECT {CAPTURE} FROM adlib_captures WHERE account_id = $1 ORDER BY id DESC LIMIT $2"
    );
    let rows = client(pool)
        .await?
        .query(&sql, &[&account_id, &limit])
        .await?;
    rows.iter().map(capture).collect()
}

/// A capture with the totals of its pages, for the "last reports" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureSummary {
    pub id: i64,
    pub started_at: DateTime<Utc>,
    /// `running`, `ok`, `degraded` or `failed`.
    pub status: String,
    pub error: Option<String>,
    /// Whether its files were removed after `adlibrary.keep_days`.
    pub expired: bool,
    /// Competitor pages recorded.
    pub pages: i64,
    /// Ads seen on them.
    pub ads: i64,
    pub new: i64,
    pub running: i64,
    pub stopped: i64,
}

/// The account's latest `limit` captures with their page totals, newest first.
pub async fn capture_history(
    pool: &Pool,
    account_id: i64,
    limit: i64,
) -> anyhow::Result<Vec<CaptureSummary>> {
    let rows = client(pool)
        .await?
        .query(
            "SELECT c.id, c.started_at, c.status, c.error, c.expired, count(cp.page_id),
                    coalesce(sum(cp.ads_seen), 0)::bigint, coalesce(sum(cp.new_ads), 0)::bigint,
                    coalesce(sum(cp.running), 0)::bigint, coalesce(sum(cp.stopped), 0)::bigint
             FROM adlib_captures c LEFT JOIN adlib_capture_pages cp ON cp.capture_id = c.id
             WHERE c.account_id = $1 GROUP BY c.id ORDER BY c.id DESC LIMIT $2",
            &[&account_id, &limit],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(CaptureSummary {
                id: r.try_get(0)?,
                started_at: r.try_get(1)?,
                status: r.try_get(2)?,
                error: r.try_get(3)?,
                expired: r.try_get(4)?,
                pages: r.try_get(5)?,
                ads: r.try_get(6)?,
                new: r.try_get(7)?,
                running: r.try_get(8)?,
                stopped: r.try_get(9)?,
            })
        })
        .collect()
}
