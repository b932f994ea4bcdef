//! The feature's jobs: [`CaptureAccount`] on a browser queue (job key
//! `capture:<account>`, so two requests never start a second browser) and
//! [`CaptureScheduled`] fired by the platform scheduler.
//!
//! Requesters are rows of `adlib_requests`: whoever asked before a capture
//! ends gets its report; a request arriving within `adlibrary.reuse_minutes`
//! of a finished capture gets that capture's report without a new run.

use anyhow::Context;
use graphile_worker::JobSpec;
use serde::{Deserialize, Serialize};

use super::capture::CaptureError;
use super::delivery::{deliver, documents, notify_failure, summary_of};
use super::pipeline::{run_capture, RunOptions};
use super::progress::{CaptureProgress, PageDone};
use super::store;
use crate::db::Pool;
use crate::jobs::schedules::Fired;
use crate::jobs::{permanent, AppJob, JobCtx, Queue};
use crate::telegram::bot::SenderBot;
use crate::telegram::lang::Lang;

/// What the jobs need from the config (registered as job state).
#[derive(Debug, Clone)]
pub struct AdlibState {
    /// Capture, files and report settings (language and timezone are set
    /// per run from the first requester).
    pub options: RunOptions,
    /// `adlibrary.reuse_minutes`.
    pub reuse_minutes: u32,
    /// Whether SMTP is configured (reports are e-mailed only then).
    pub email: bool,
    /// `adlibrary.keep_days`.
    pub keep_days: u32,
}

/// Crontab line of the daily clean-up.
pub const CLEANUP_CRONTAB: &str = "17 3 * * * adlibrary_cleanup";

/// Removes screenshots and reports older than `adlibrary.keep_days` (cron
/// payloads deserialize to the default).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Cleanup {}

impl AppJob for Cleanup {
    const IDENTIFIER: &'static str = "adlibrary_cleanup";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let state = ctx.state::<AdlibState>()?;
        let removed = cleanup(ctx.pool()?, &state.options.files_dir, state.keep_days).await?;
        if removed > 0 {
            tracing::info!(captures = removed, "removed old Ad Library files");
        }
        Ok(())
    }
}

/// Removes the files of captures older than `keep_days`; returns how many
/// captures were expired. Rows stay (they carry the diff history).
pub async fn cleanup(
    pool: &Pool,
    files_dir: &std::path::Path,
    keep_days: u32,
) -> anyhow::Result<usize> {
    let expired = store::expire_captures(pool, keep_days).await?;
    for (id, reports) in &expired {
        let shots = files_dir.join("captures").join(id.to_string());
        if let Err(error) = std::fs::remove_dir_all(&shots) {
            if error.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(path = %shots.display(), %error, "could not remove screenshots");
            }
        }
        for path in reports {
            let _ = std::fs::remove_file(path);
        }
    }
    Ok(expired.len())
}

/// Capture one account and deliver the report to every waiting requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaptureAccount {
    pub account_id: i64,
    /// `browser-<n>`: at most `workers.browser_slots` browsers at once.
    pub queue: String,
}

impl CaptureAccount {
    /// The job for `account_id` with `browser_slots` browser queues.
    pub fn new(account_id: i64, browser_slots: usize) -> Self {
        let slots = browser_slots.max(1) as i64;
        Self {
            account_id,
            queue: format!("browser-{}", account_id.rem_euclid(slots)),
        }
    }
}

impl AppJob for CaptureAccount {
    const IDENTIFIER: &'static str = "adlibrary_capture";

    fn spec(&self) -> JobSpec {
        JobSpec {
            queue_name: Some(self.queue.clone()),
            job_key: Some(format!("capture:{}", self.account_id)),
            max_attempts: Some(2),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let state = ctx.state::<AdlibState>()?;
        // Without a bot (no Telegram token) the capture runs without progress.
        let bot = ctx.state::<SenderBot>().ok();
        capture_and_deliver(ctx.pool()?, ctx.queue()?, state, self.account_id, bot).await
    }
}

/// A scheduled capture: `job_type` `adlibrary_capture_scheduled`, target
/// `{"account_id": n, "browser_slots": n}`. A paused (or removed) account is
/// skipped: no request, no browser run, no message (logged at info).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaptureScheduled(pub Fired);

impl AppJob for CaptureScheduled {
    const IDENTIFIER: &'static str = "adlibrary_capture_scheduled";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let Some(account_id) = self.0.target["account_id"].as_i64() else {
            return Err(permanent(anyhow::anyhow!(
                "schedule {} has no account_id",
                self.0.schedule_id
            )));
        };
        let slots = self.0.target["browser_slots"].as_u64().unwrap_or(1) as usize;
        let pool = ctx.pool()?;
        let (schedule, chat) = (self.0.schedule_id, self.0.chat_id);
        match store::account_by_id(pool, account_id).await? {
            None => {
                tracing::info!(
                    account_id,
                    schedule,
                    chat,
                    "scheduled Ad Library capture skipped: the account is gone"
                );
                return Ok(());
            }
            Some(account) if !account.active => {
                // Paused: no browser run, no request, no message.
                tracing::info!(
                    account_id,
                    schedule,
                    chat,
                    "scheduled Ad Library capture skipped: the account is paused"
                );
                return Ok(());
            }
            Some(_) => {}
        }
        let lang = crate::telegram::caller::language_of_chat(pool, self.0.chat_id).await;
        store::add_request(pool, account_id, self.0.chat_id, lang.code()).await?;
        ctx.queue()?
            .enqueue(CaptureAccount::new(account_id, slots))
            .await?;
        Ok(())
    }
}

/// Registers `chat_id` as a requester and enqueues the capture.
pub async fn request_capture(
    pool: &Pool,
    queue: &Queue,
    account_id: i64,
    chat_id: i64,
    lang: Lang,
    browser_slots: usize,
) -> anyhow::Result<()> {
    store::add_request(pool, account_id, chat_id, lang.code()).await?;
    queue
        .enqueue(CaptureAccount::new(account_id, browser_slots))
        .await?;
    Ok(())
}

/// The job's body (public for tests): reuse a recent report or capture, with
/// progress messages edited through `bot` when there is one, then deliver.
pub async fn capture_and_deliver(
    pool: &Pool,
    queue: &Queue,
    state: &AdlibState,
    account_id: i64,
    bot: Option<&SenderBot>,
) -> anyhow::Result<()> {
    let Some(account) = store::account_by_id(pool, account_id).await? else {
        return Ok(()); // deleted meanwhile
    };
    if let Some(reused) = store::reusable_capture(pool, account_id, state.reuse_minutes).await? {
        let requests = store::take_requests(pool, account_id, reused.id).await?;
        let summary = summary_of(pool, reused.id).await?;
        for request in &requests {
            let lang = Lang::from_code(&request.lang).unwrap_or_default();
            queue
                .enqueue_many(documents(
                    request.chat_id,
                    lang,
                    &account,
                    &summary,
                    &reused.report_paths,
                ))
                .await?;
        }
        return Ok(());
    }
    let waiting = pending_chats(pool, account_id).await?;
    let lang = waiting.first().map(|(_, lang)| *lang).unwrap_or_default();
    let mut options = state.options.clone();
    options.lang = lang;
    if let Some((chat, _)) = waiting.first() {
        if let Ok(Some(tz)) = crate::telegram::store::chats::timezone(pool, *chat).await {
            options.timezone = tz.parse().unwrap_or(chrono_tz::UTC);
        }
    }
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<PageDone>();
    let total = store::competitors(pool, account_id).await?.len();
    let mut progress = match bot {
        Some(bot) => Some(CaptureProgress::open(bot, &account.name, &waiting, total).await),
        None => None,
    };
    // Edits wait on Telegram; the browser must not, so pages go through a channel.
    let joiners = pool.clone();
    let forward = tokio::spawn(async move {
        while let Some(page) = rx.recv().await {
            if let Some(progress) = progress.as_mut() {
                // Chats that asked while the capture runs get this report too.
                if let Ok(chats) = pending_chats(&joiners, account_id).await {
                    progress.join(&chats).await;
                }
                progress.page(&page).await;
            }
        }
        progress
    });
    let result = run_capture(pool, &account, &options, move |done, total, page| {
        let _ = tx.send(PageDone::of(done, total, page));
    })
    .await;
    if let Ok(Some(mut progress)) = forward.await {
        if let Ok(chats) = pending_chats(pool, account_id).await {
            progress.join(&chats).await;
        }
        match &result {
            Ok(result) => {
                let ads = result.pages.iter().map(|p| p.ads).sum();
                progress.finished(result.pages.len(), ads).await;
            }
            Err(_) => progress.failed().await,
        }
    }
    match result {
        Ok(result) => deliver(pool, queue, state, &account, &result).await,
        Err(error) => {
            let capture_id = store::recent_captures(pool, account_id, 1)
                .await?
                .first()
                .map(|c| c.id)
                .unwrap_or(0);
            let requests = store::take_requests(pool, account_id, capture_id).await?;
            notify_failure(queue, &account, &requests, &error).await?;
            let missing_driver = error.chain().any(|e| {
                matches!(
                    e.downcast_ref::<CaptureError>(),
                    Some(CaptureError::DriverMissing { .. })
                )
            });
            if missing_driver {
                Err(permanent(error))
            } else {
                Err(permanent(
                    error.context("capture failed; requesters were told"),
                ))
            }
        }
    }
}

async fn pending_chats(pool: &Pool, account_id: i64) -> anyhow::Result<Vec<(i64, Lang)>> {
    let client = pool.get().await.context("connecting to the database")?;
    let rows = client
        .query(
            "SELECT chat_id, min(lang) FROM adlib_requests WHERE account_id = $1 AND served_at IS NULL
             GROUP BY chat_id ORDER BY min(id)",
            &[&account_id],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get(0),
                Lang::from_code(r.get::<_, &str>(1)).unwrap_or_default(),
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_queues_follow_the_slots() {
        assert_eq!(CaptureAccount::new(7, 3).queue, "browser-1");
        assert_eq!(CaptureAccount::new(7, 0).queue, "browser-0");
        let spec = CaptureAccount::new(42, 2).spec();
        assert_eq!(spec.job_key.as_deref(), Some("capture:42"));
        assert_eq!(spec.queue_name.as_deref(), Some("browser-0"));
    }
}
