//! The `vk` feature: VK Ads statistics. Accounts are connected with
//! `/vk_connect` (credentials verified, then stored encrypted), reported on
//! with `/vk_stats` or from the account card, and digested on a schedule.
//!
//! - [`client`] (+ [`error`], `throttle`): the VK Ads API (tokens, lists,
//!   statistics, token deletion; rate limits);
//! - [`store`]: accounts, campaigns, the one token per account (row lock);
//! - [`report`]: period vs previous period, text, chart, CSV;
//! - [`legacy`] (+ [`legacy_store`], `legacy_jobs`): the optional old
//!   `ads.*` API (`vk.legacy.enabled`): connect a user token, report on it;
//! - [`jobs`] (+ `reporting`, `disconnect`): connect, report, digest,
//!   disconnect; [`bot`] (+ `dialogue`, `menus`, [`digests`]): menus,
//!   commands, dialogues, digest times.

pub mod bot;
pub mod callback;
pub mod client;
pub mod crypto;
mod dialogue;
pub mod digests;
mod disconnect;
pub mod error;
pub mod jobs;
pub mod legacy;
mod legacy_jobs;
pub mod legacy_store;
mod menus;
pub mod model;
pub mod period;
pub mod report;
mod reporting;
pub mod store;
pub mod texts;
mod throttle;

use std::sync::Arc;

pub use callback::VkCallback;

use super::{FeatureDeps, FeatureParts};
use crate::jobs::JobRegistry;

/// Builds this feature's parts. Without `vk.encryption_key` the feature still
/// starts; `/vk_connect` then explains what the administrator must set.
pub async fn install(
    deps: &FeatureDeps,
    _shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<FeatureParts> {
    let config = &deps.config.vk;
    let sealer = config
        .encryption_key_bytes()
        .map(|key| crypto::Sealer::new(&key));
    if sealer.is_none() {
        tracing::warn!("vk.encryption_key is not set: VK Ads accounts cannot be connected");
    }
    let client = client::VkClient::new(&config.api_base_url)?;
    let legacy = if config.legacy.enabled {
        Some(legacy::LegacyClient::new(&config.legacy.api_base_url)?)
    } else {
        None
    };
    let state = jobs::VkState {
        client,
        legacy,
        sealer: sealer.clone(),
        files: super::files_dir(&deps.config, "vk"),
        mail: deps.mailer.is_some(),
    };
    let scratch_dir = Some(state.files.clone());
    let registry = JobRegistry::new()
        .job::<jobs::VkConnect>()
        .job::<jobs::VkReport>()
        .job::<jobs::VkDigest>()
        .job::<jobs::VkLegacyConnect>()
        .job::<jobs::VkDisconnect>()
        .with_state(state);
    Ok(FeatureParts {
        bot: Some(Arc::new(bot::VkBot {
            sealer,
            mail: deps.mailer.is_some(),
            legacy: config.legacy.enabled,
        })),
        jobs: registry,
        routes: None,
        background: Vec::new(),
        scratch_dir,
    })
}
