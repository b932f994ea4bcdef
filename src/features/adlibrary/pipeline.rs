//! One capture of one account, end to end: browser → store → diff → PDF.
//! The job wraps this with dedupe and delivery; tests and the benchmark call
//! it directly.

use std::path::PathBuf;

use anyhow::Context;
use chrono::Utc;

use super::capture::{capture_pages, CaptureSettings, PageTask};
use super::diff::{diff_page, PageDiff};
use super::input::page_url;
use super::model::{PageCapture, PageOutcome};
use super::report::{write_report, Report, ReportAd, Section};
use super::store::{self, Account};
use crate::db::Pool;
use crate::telegram::lang::Lang;

/// Everything a capture needs besides the account.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub settings: CaptureSettings,
    /// `adlibrary.base_url`.
    pub base_url: String,
    /// The feature's files directory (screenshots and reports go below).
    pub files_dir: PathBuf,
    /// Largest report part in bytes (see [`super::max_part_bytes`]).
    pub max_pdf_bytes: u64,
    /// Language of the report.
    pub lang: Lang,
    /// Timezone the report's date is shown in.
    pub timezone: chrono_tz::Tz,
}

/// One competitor's line in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSummary {
    pub page_id: String,
    pub name: Option<String>,
    pub outcome: PageOutcome,
    pub ads: usize,
    pub diff: PageDiff,
}

/// What a finished capture produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub capture_id: i64,
    /// `ok` or `degraded`.
    pub status: &'static str,
    pub report_paths: Vec<PathBuf>,
    pub pages: Vec<PageSummary>,
}

impl RunResult {
    /// Totals (new, running, stopped).
    pub fn totals(&self) -> (usize, usize, usize) {
        self.pages.iter().fold((0, 0, 0), |(n, r, s), p| {
            (
                n + p.diff.new.len(),
                r + p.diff.running.len(),
                s + p.diff.stopped.len(),
            )
        })
    }
}

/// Captures every competitor of `account`, stores ads and diffs, writes the
/// report. `progress(done, total, page)` runs after each page. A browser that
/// cannot start marks the capture `failed` and returns the error.
pub async fn run_capture<F>(
    pool: &Pool,
    account: &Account,
    options: &RunOptions,
    mut progress: F,
) -> anyhow::Result<RunResult>
where
    F: FnMut(usize, usize, &PageCapture) + Send,
{
    let competitors = store::competitors(pool, account.id).await?;
    let capture_id = store::start_capture(pool, account.id).await?;
    let shots = options
        .files_dir
        .join("captures")
        .join(capture_id.to_string());
    let tasks: Vec<PageTask> = competitors
        .iter()
        .map(|c| PageTask {
            page_id: c.page_id.clone(),
            url: page_url(
                &options.base_url,
                &c.page_id,
                &account.country,
                &account.media_type,
            ),
            out_dir: shots.join(&c.page_id),
        })
        .collect();
    let total = tasks.len();
    let pages = match capture_pages(&options.settings, &tasks, |i, page| {
        progress(i + 1, total, page)
    })
    .await
    {
        Ok(pages) => pages,
        Err(error) => {
            let text = error.to_string();
            store::finish_capture(pool, capture_id, "failed", Some(&text), &[]).await?;
            return Err(anyhow::Error::new(error).context("starting the browser"));
        }
    };
    let mut summaries = Vec::with_capacity(pages.len());
    for (page, competitor) in pages.iter().zip(&competitors) {
        let previous = store::previous_ids(pool, account.id, &page.page_id, capture_id).await?;
        let diff = diff_page(previous.as_ref(), &page.outcome, &page.ads);
        store::record_page(pool, capture_id, page, &diff).await?;
        summaries.push(PageSummary {
            page_id: page.page_id.clone(),
            name: page
                .page_name
                .clone()
                .or_else(|| competitor.display_name.clone()),
            outcome: page.outcome.clone(),
            ads: page.ads.len(),
            diff,
        });
    }
    let report = build_report(account, options, &pages, &summaries);
    let stem = format!(
        "{}-{}-{}",
        slug(&account.name),
        Utc::now().format("%Y%m%d-%H%M"),
        capture_id
    );
    let dir = options.files_dir.join("reports");
    let paths = match write_report(&report, &dir, &stem, options.max_pdf_bytes) {
        Ok(paths) => paths,
        Err(error) => {
            store::finish_capture(pool, capture_id, "failed", Some(&format!("{error:#}")), &[])
                .await?;
            return Err(error.context("writing the report"));
        }
    };
    let status = store::capture_status(&pages);
    store::finish_capture(pool, capture_id, status, None, &paths)
        .await
        .context("finishing the capture")?;
    Ok(RunResult {
        capture_id,
        status,
        report_paths: paths,
        pages: summaries,
    })
}

fn build_report(
    account: &Account,
    options: &RunOptions,
    pages: &[PageCapture],
    summaries: &[PageSummary],
) -> Report {
    let now = Utc::now().with_timezone(&options.timezone);
    let sections = pages
        .iter()
        .zip(summaries)
        .map(|(page, summary)| Section {
            page_id: page.page_id.clone(),
            name: summary.name.clone(),
            outcome: page.outcome.clone(),
            ads: page
                .ads
                .iter()
                .map(|ad| ReportAd {
                    library_id: ad.library_id.clone(),
                    started: ad.started_running,
                    is_new: summary.diff.is_new(&ad.library_id),
                    status: ad.status.clone(),
                    image: ad.screenshot.clone(),
                })
                .collect(),
            stopped: summary.diff.stopped.clone(),
            running: summary.diff.running.len(),
            truncated: page.truncated,
        })
        .collect();
    Report {
        account: account.name.clone(),
        generated: now.format("%d %b %Y %H:%M %Z").to_string(),
        today: now.date_naive(),
        lang: options.lang,
        sections,
    }
}

/// A file-name-safe form of an account name (ASCII letters and digits).
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if s.is_empty() {
        "account".into()
    } else {
        s.chars().take(40).collect()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs() {
        assert_eq!(super::slug("Acme Shoes (EU)"), "acme-shoes-eu");
        assert_eq!(super::slug("Ромашка"), "account");
    }
}
