//! The feature's tables (migration `V40__adlibrary.sql`): accounts, competitor
//! pages, ads keyed by Library ID per page, captures and their requesters.

use std::collections::HashSet;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use super::diff::PageDiff;
use super::input::PageRef;
use super::model::{PageCapture, PageOutcome};
use crate::db::Pool;

/// A client account (shared by the whole team).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// Unique regardless of case.
    pub name: String,
    /// Report e-mail addresses.
    pub emails: Vec<String>,
    /// ISO-2 upper case or `ALL`.
    pub country: String,
    /// Ad Library `media_type`.
    pub media_type: String,
    pub active: bool,
}

/// A competitor page of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competitor {
    /// `view_all_page_id`.
    pub page_id: String,
    pub display_name: Option<String>,
    pub note: Option<String>,
}

/// A finished or running capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub id: i64,
    pub account_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `ok`, `degraded` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub report_paths: Vec<PathBuf>,
}

/// A chat waiting for an account's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub chat_id: i64,
    /// Language code of the requester.
    pub lang: String,
}

const ACCOUNT: &str = "id, name, emails, country, media_type, active";

fn account(row: &Row) -> anyhow::Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        emails: row.try_get("emails")?,
        country: row.try_get("country")?,
        media_type: row.try_get("media_type")?,
        active: row.try_get("active")?,
    })
}

const CAPTURE: &str = "id, account_id, started_at, finished_at, status, error, report_paths";

fn capture(row: &Row) -> anyhow::Result<Capture> {
    let paths: Vec<String> = row.try_get("report_paths")?;
    Ok(Capture {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        status: row.try_get("status")?,
        error: row.try_get("error")?,
        report_paths: paths.into_iter().map(PathBuf::from).collect(),
    })
}

async fn client(pool: &Pool) -> anyhow::Result<deadpool_postgres::Object> {
    pool.get().await.context("connecting to the database")
}

/// Creates an account; `Ok(None)` when the name (in any case) is taken.
pub async fn create_account(
    pool: &Pool,
    name: &str,
    created_by: Option<i64>,
) -> anyhow::Result<Option<Account>> {
    let sql = format!(
        "INSERT INTO adlib_accounts (name, created_by) VALUES ($1, $2)
         ON CONFLICT ((lower(name))) DO NOTHING RETURNING {ACCOUNT}"
    );
    let row = client(pool)
        .await?
        .query_opt(&sql, &[&name, &created_by])
        .await?;
    row.as_ref().map(account).transpose()
}

/// The account with this name, in any case.
pub async fn account_by_name(pool: &Pool, name: &str) -> anyhow::Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT} FROM adlib_accounts WHERE lower(name) = lower($1)");
    let row = client(pool).await?.query_opt(&sql, &[&name]).await?;
    row.as_ref().map(account).transpose()
}

/// The account with this id.
pub async fn account_by_id(pool: &Pool, id: i64) -> anyhow::Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT} FROM adlib_accounts WHERE id = $1");
    let row = client(pool).await?.query_opt(&sql, &[&id]).await?;
    row.as_ref().map(account).transpose()
}

/// One page of accounts by name, and the total count.
pub async fn list_accounts(
    pool: &Pool,
    offset: i64,
    limit: i64,
) -> anyhow::Result<(Vec<Account>, i64)> {
    let c = client(pool).await?;
    let sql =
        format!("SELECT {ACCOUNT} FROM adlib_accounts ORDER BY lower(name) OFFSET $1 LIMIT $2");
    let rows = c.query(&sql, &[&offset, &limit]).await?;
    let total: i64 = c
        .query_one("SELECT count(*) FROM adlib_accounts", &[])
        .await?
        .get(0);
    Ok((
        rows.iter().map(account).collect::<anyhow::Result<_>>()?,
        total,
    ))
}

/// Replaces the report addresses; false when the account is gone.
pub async fn set_emails(pool: &Pool, id: i64, emails: &[String]) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET emails = $2 WHERE id = $1",
            &[&id, &emails],
        )
        .await?;
    Ok(n == 1)
}

/// Sets the country filter (already validated); false when the account is gone.
pub async fn set_country(pool: &Pool, id: i64, country: &str) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET country = $2 WHERE id = $1",
            &[&id, &country],
        )
        .await?;
    Ok(n == 1)
}

/// Adds a competitor to an account; false when it was there already.
pub async fn add_competitor(
    pool: &Pool,
    account_id: i64,
    page: &PageRef,
    note: Option<&str>,
) -> anyhow::Result<bool> {
    let mut c = client(pool).await?;
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO adlib_pages (page_id) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&page.page_id],
    )
    .await?;
    let n = tx
        .execute(
            "INSERT INTO adlib_account_pages (account_id, page_id, note) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&account_id, &page.page_id, &note],
        )
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Removes a competitor from an account; false when it was not there.
pub async fn remove_competitor(
    pool: &Pool,
    account_id: i64,
    page_id: &str,
) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "DELETE FROM adlib_account_pages WHERE account_id = $1 AND page_id = $2",
            &[&account_id, &page_id],
        )
        .await?;
    Ok(n == 1)
}

/// An account's competitors in the order they were added.
pub async fn competitors(pool: &Pool, account_id: i64) -> anyhow::Result<Vec<Competitor>> {
    let rows = client(pool)
        .await?
        .query(
            "SELECT p.page_id, p.display_name, ap.note FROM adlib_account_pages ap
             JOIN adlib_pages p USING (page_id) WHERE ap.account_id = $1
             ORDER BY ap.added_at, p.page_id",
            &[&account_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Competitor {
                page_id: r.try_get(0)?,
                display_name: r.try_get(1)?,
                note: r.try_get(2)?,
            })
        })
        .collect()
}

/// Starts a capture of an account.
pub async fn start_capture(pool: &Pool, account_id: i64) -> anyhow::Result<i64> {
    let row = client(pool)
        .await?
        .query_one(
            "INSERT INTO adlib_captures (account_id) VALUES ($1) RETURNING id",
            &[&account_id],
        )
        .await?;
    Ok(row.get(0))
}

/// The Library IDs of `page_id` in the account's latest capture before
/// `before` in which that page was captured fine; `None` when there is none.
pub async fn previous_ids(
    pool: &Pool,
    account_id: i64,
    page_id: &str,
    before: i64,
) -> anyhow::Result<Option<HashSet<String>>> {
    let c = client(pool).await?;
    let last = c
        .query_opt(
            "SELECT cp.capture_id FROM adlib_capture_pages cp
             JOIN adlib_captures c ON c.id = cp.capture_id
             WHERE c.account_id = $1 AND cp.page_id = $2 AND cp.status = 'ok' AND c.id < $3
             ORDER BY c.id DESC LIMIT 1",
            &[&account_id, &page_id, &before],
        )
        .await?;
    let Some(last) = last else { return Ok(None) };
    let capture_id: i64 = last.get(0);
    let rows = c
        .query(
            "SELECT library_id FROM adlib_capture_ads WHERE capture_id = $1 AND page_id = $2",
            &[&capture_id, &page_id],
        )
        .await?;
    Ok(Some(rows.iter().map(|r| r.get(0)).collect()))
}

/// Stores one page's capture and diff in one transaction: the ads (upserted by
/// Library ID per page), what this capture saw, and the page's counts.
pub async fn record_page(
    pool: &Pool,
    capture_id: i64,
    page: &PageCapture,
    diff: &PageDiff,
) -> anyhow::Result<()> {
    let mut c = client(pool).await?;
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO adlib_pages (page_id, display_name) VALUES ($1, $2)
         ON CONFLICT (page_id) DO UPDATE SET display_name = COALESCE(EXCLUDED.display_name, adlib_pages.display_name)",
        &[&page.page_id, &page.page_name],
    )
    .await?;
    for ad in &page.ads {
        let shot = ad
            .screenshot
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned());
        tx.execute(
            "INSERT INTO adlib_ads (page_id, library_id, started_running, status, platforms, ad_text, screenshot_path)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (page_id, library_id) DO UPDATE SET last_seen = now(),
               started_running = COALESCE(EXCLUDED.started_running, adlib_ads.started_running),
               status = EXCLUDED.status, platforms = EXCLUDED.platforms,
               ad_text = EXCLUDED.ad_text, screenshot_path = EXCLUDED.screenshot_path",
            &[&page.page_id, &ad.library_id, &ad.started_running, &ad.status, &ad.platforms, &ad.text, &shot],
        )
        .await?;
        tx.execute(
            "INSERT INTO adlib_capture_ads (capture_id, page_id, library_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&capture_id, &page.page_id, &ad.library_id],
        )
        .await?;
    }
    let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
    tx.execute(
        "INSERT INTO adlib_capture_pages (capture_id, page_id, status, reason, ads_seen, new_ads, running, stopped)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (capture_id, page_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason,
           ads_seen = EXCLUDED.ads_seen, new_ads = EXCLUDED.new_ads, running = EXCLUDED.running, stopped = EXCLUDED.stopped",
        &[
            &capture_id,
            &page.page_id,
            &page.outcome.code(),
            &page.outcome.reason(),
            &count(page.ads.len()),
            &count(diff.new.len()),
            &count(diff.running.len()),
            &count(diff.stopped.len()),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Ends a capture: `ok` when every page was, else `degraded`, or `failed`
/// with `error`.
pub async fn finish_capture(
    pool: &Pool,
    capture_id: i64,
    status: &str,
    error: Option<&str>,
    report_paths: &[PathBuf],
) -> anyhow::Result<()> {
    let paths: Vec<String> = report_paths
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    client(pool)
        .await?
        .execute(
            "UPDATE adlib_captures SET finished_at = now(), status = $2, error = $3, report_paths = $4 WHERE id = $1",
            &[&capture_id, &status, &error, &paths],
        )
        .await?;
    Ok(())
}

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

/// Registers a chat waiting for the account's next report.
pub async fn add_request(
    pool: &Pool,
    account_id: i64,
    chat_id: i64,
    lang: &str,
) -> anyhow::Result<i64> {
    let row = client(pool)
        .await?
        .query_one(
            "INSERT INTO adlib_requests (account_id, chat_id, lang) VALUES ($1, $2, $3) RETURNING id",
            &[&account_id, &chat_id, &lang],
        )
        .await?;
    Ok(row.get(0))
}

/// Marks every waiting request of the account as served by `capture_id` and
/// returns them (one per chat).
pub async fn take_requests(
    pool: &Pool,
    account_id: i64,
    capture_id: i64,
) -> anyhow::Result<Vec<Request>> {
    let rows = client(pool)
        .await?
        .query(
            "UPDATE adlib_requests SET served_by = $2, served_at = now()
             WHERE account_id = $1 AND served_at IS NULL RETURNING id, chat_id, lang",
            &[&account_id, &capture_id],
        )
        .await?;
    let mut seen = HashSet::new();
    Ok(rows
        .iter()
        .map(|r| Request {
            id: r.get(0),
            chat_id: r.get(1),
            lang: r.get(2),
        })
        .filter(|r| seen.insert(r.chat_id))
        .collect())
}

/// Whether any page outcome makes the capture degraded.
pub fn capture_status(pages: &[PageCapture]) -> &'static str {
    if pages.iter().all(|p| p.outcome == PageOutcome::Ok) {
        "ok"
    } else {
        "degraded"
    }
}

/// Captures that finished more than `keep_days` ago and still list files:
/// their report paths are cleared and returned with their ids, so the caller
/// can remove the files (screenshots live under `captures/<id>`).
pub async fn expire_captures(
    pool: &Pool,
    keep_days: u32,
) -> anyhow::Result<Vec<(i64, Vec<PathBuf>)>> {
    let days = i32::try_from(keep_days).unwrap_or(i32::MAX);
    let rows = client(pool)
        .await?
        .query(
            "UPDATE adlib_captures c SET report_paths = '{}', expired = TRUE
             FROM (SELECT id, report_paths FROM adlib_captures
                   WHERE NOT expired AND finished_at < now() - make_interval(days => $1) FOR UPDATE) old
             WHERE c.id = old.id RETURNING c.id, old.report_paths",
            &[&days],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let paths: Vec<String> = r.get(1);
            (r.get(0), paths.into_iter().map(PathBuf::from).collect())
        })
        .collect())
}
