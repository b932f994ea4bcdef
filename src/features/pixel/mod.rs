//! The `pixel` feature: e-mail open tracking.
//!
//! Campaigns → groups → contacts → pixels (128-bit random tokens) → opens.
//! `GET /p/<token>.gif` answers the 43-byte GIF at once and queues the hit
//! ([`recorder`]); a flusher writes hits in batches, a notifier posts each
//! contact's first open to campaigns with live notifications ([`notify`]);
//! the chat side ([`bot`]) creates campaigns, imports contacts ([`import`]),
//! exports the pixels and reports opens ([`report`], [`jobs`]).

pub mod bot;
mod bot_import;
pub mod callback;
pub mod classify;
pub mod endpoint;
pub mod import;
pub mod jobs;
pub mod notify;
pub mod recorder;
pub mod report;
pub mod store;
pub mod texts;

use std::sync::Arc;

use super::{files_dir, FeatureDeps, FeatureParts};
use crate::jobs::JobRegistry;
use jobs::{ExportPixels, PixelJobState, ReportOpens};
use recorder::{Recorder, DEFAULT_CAPACITY};

/// Builds this feature's parts: the bot, the export/report jobs, the pixel
/// route, and the flusher and notifier tasks (both end on `shutdown`).
pub async fn install(
    deps: &FeatureDeps,
    shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<FeatureParts> {
    let config = &deps.config;
    let recorder = Recorder::new(DEFAULT_CAPACITY, config.pixel.anonymize_ip);
    let flusher = recorder.spawn_flusher(deps.pool.clone(), shutdown);
    let notifier = notify::spawn(
        recorder.clone(),
        deps.pool.clone(),
        deps.queue.clone(),
        shutdown,
    );
    let state = PixelJobState {
        public_url: config.http.public_url.clone(),
        dedupe_minutes: config.pixel.dedupe_minutes,
        files_dir: files_dir(config, "pixel"),
    };
    let scratch_dir = Some(state.files_dir.clone());
    let jobs = JobRegistry::new()
        .job::<ExportPixels>()
        .job::<ReportOpens>()
        .with_state(state);
    let bot = bot::PixelBot {
        pool: deps.pool.clone(),
        queue: deps.queue.clone(),
        recorder: recorder.clone(),
        max_import_rows: config.pixel.max_import_rows as usize,
    };
    Ok(FeatureParts {
        bot: Some(Arc::new(bot)),
        jobs,
        routes: Some(endpoint::router(recorder)),
        background: vec![flusher, notifier],
        scratch_dir,
    })
}
