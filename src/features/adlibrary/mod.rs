//! The `adlibrary` feature: competitor ads from the Meta Ad Library,
//! screenshotted per ad into a PDF report per client account.
//!
//! - [`input`]: what users paste (Ad Library URL, page id) → [`input::PageRef`];
//! - [`store`]: accounts, competitor pages, ads by Library ID, captures;
//! - [`capture`]: the browser (thirtyfour + chromedriver) that scrolls a page
//!   and screenshots every ad card;
//! - [`diff`]: new / still running / stopped since the previous capture;
//! - [`report`]: the PDF (printpdf), split into parts under a size limit;
//! - [`pipeline`]: one capture end to end; [`jobs`]: dedupe and delivery;
//! - [`bot`]: commands and menus.

pub mod bot;
pub mod callback;
pub mod capture;
pub mod delivery;
pub mod diff;
pub mod input;
pub mod jobs;
pub mod menus;
pub mod model;
pub mod pipeline;
pub mod progress;
pub mod report;
pub mod store;
pub mod texts;

use std::sync::Arc;

use super::{files_dir, FeatureDeps, FeatureParts};
use crate::config::Config;
use crate::jobs::JobRegistry;

/// The job state built from the config.
pub fn state(config: &Config, email: bool) -> jobs::AdlibState {
    let a = &config.adlibrary;
    jobs::AdlibState {
        options: pipeline::RunOptions {
            settings: capture::CaptureSettings::from_config(a),
            base_url: a.base_url.clone(),
            files_dir: files_dir(config, "adlibrary"),
            max_pdf_bytes: max_part_bytes(config, email),
            lang: crate::telegram::lang::Lang::En,
            timezone: chrono_tz::UTC,
        },
        reuse_minutes: a.reuse_minutes,
        email,
        keep_days: a.keep_days,
    }
}

/// The largest report part: `adlibrary.max_pdf_mb` (Telegram's limit) and,
/// when reports are e-mailed, at most `smtp.max_attachment_mb`, so the very
/// same parts go to the chat and by e-mail.
pub fn max_part_bytes(config: &Config, email: bool) -> u64 {
    let mut mb = config.adlibrary.max_pdf_mb;
    if email {
        mb = mb.min(config.smtp.max_attachment_mb);
    }
    u64::from(mb) * 1024 * 1024
}

/// Builds this feature's parts: the bot, the capture jobs and their state.
pub async fn install(
    deps: &FeatureDeps,
    _shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<FeatureParts> {
    let config = &deps.config;
    let jobs = JobRegistry::new()
        .job::<jobs::CaptureAccount>()
        .job::<jobs::CaptureScheduled>()
        .job::<jobs::Cleanup>()
        .cron(jobs::CLEANUP_CRONTAB)
        .with_state(state(config, deps.mailer.is_some()));
    Ok(FeatureParts {
        bot: Some(Arc::new(bot::AdlibBot {
            browser_slots: config.workers.browser_slots,
            files_dir: files_dir(config, "adlibrary"),
        })),
        jobs,
        routes: None,
        background: Vec::new(),
        // Screenshots and reports follow `adlibrary.keep_days` (`Cleanup`).
        scratch_dir: None,
    })
}
