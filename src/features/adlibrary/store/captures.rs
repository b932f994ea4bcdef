//! A capture's life: started, each page's ads and diff recorded, finished,
//! and its files expired after `adlibrary.keep_days`.

use std::collections::HashSet;
use std::path::PathBuf;

use super::client;
use crate::db::Pool;
use crate::features::adlibrary::diff::PageDiff;
use crate::features::adlibrary::model::{PageCapture, PageOutcome};

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
