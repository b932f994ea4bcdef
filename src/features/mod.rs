//! The features. Each owns its folder (tables, SQL, jobs, handlers, texts,
//! callbacks) and plugs into the platform through [`FeatureParts`]; `app.rs`
//! is the one place that lists them.

pub mod adlibrary;
pub mod ebay;
pub mod pixel;
pub mod scratch;
pub mod vk;

use std::sync::Arc;

use axum::Router;

use crate::config::Config;
use crate::db::Pool;
use crate::jobs::{JobRegistry, Queue};
use crate::mail::Mailer;
use crate::telegram::core::Feature;

/// What a feature may use from the platform.
#[derive(Clone)]
pub struct FeatureDeps {
    pub config: Arc<Config>,
    pub pool: Pool,
    pub queue: Queue,
    /// `None` when SMTP is not configured.
    pub mailer: Option<Mailer>,
}

/// What a feature adds to the platform. Every part is optional: a feature
/// whose bot part is `None` is not shown in the menu.
#[derive(Default)]
pub struct FeatureParts {
    /// Commands, buttons and dialogues.
    pub bot: Option<Arc<dyn Feature>>,
    /// Job types, crontab lines and job state.
    pub jobs: JobRegistry,
    /// HTTP routes mounted on the app's server.
    pub routes: Option<Router>,
    /// Background tasks to stop on shutdown (e.g. a write buffer's flusher).
    pub background: Vec<tokio::task::JoinHandle<()>>,
    /// A folder of short-lived files (charts, exports) for the daily sweep
    /// ([`scratch`]) to clear after [`scratch::KEEP_DAYS`].
    pub scratch_dir: Option<std::path::PathBuf>,
}

/// Directory for a feature's generated files (reports, charts, exports):
/// `files/<feature>` next to the embedded database directory. Created on use.
pub fn files_dir(config: &Config, feature: &str) -> std::path::PathBuf {
    let data = &config.database.data_dir;
    let base = data.parent().unwrap_or(data.as_path());
    base.join("files").join(feature)
}
