//! The `ebay` feature: price alerts for search phrases on eBay (new listings,
//! price drops, target prices, below the 14-day average) and 14-day price
//! insights with a chart. See `docs/features/ebay.md`.
//!
//! Rooms: [`client`] (OAuth + Browse), [`filters`] (the request), [`store`]
//! (tables), [`poll`] (the cycle), [`notify`] (rules and messages),
//! [`insights`] (pure statistics), [`insights_report`] (text and chart),
//! [`insights_schedule`] (insights every 30 minutes, daily or weekly),
//! [`jobs`], [`bot`], [`cards`], [`texts`].

pub mod bot;
pub mod callback;
pub mod cards;
pub mod client;
pub mod filters;
pub mod input;
pub mod insights;
pub mod insights_report;
pub mod insights_schedule;
pub mod jobs;
pub mod notify;
mod outgoing;
pub mod poll;
pub mod store;
pub mod texts;

use std::path::PathBuf;
use std::sync::Arc;

use secrecy::SecretString;

use super::{FeatureDeps, FeatureParts};
use crate::jobs::JobRegistry;
use client::EbayClient;

/// What the feature's jobs need (worker state).
#[derive(Clone, Debug)]
pub struct EbayState {
    /// `None` when `ebay.client_id` is empty.
    pub client: Option<EbayClient>,
    /// `telegram.admins`, told about rejected credentials and a short budget.
    pub admins: Vec<i64>,
    pub daily_call_budget: u32,
    pub cooldown_hours: u32,
    /// Where charts are written.
    pub files_dir: PathBuf,
    /// Whether SMTP is configured (e-mail copies are queued only then).
    pub mail_enabled: bool,
}

impl EbayState {
    /// The state for `deps` (the client only when configured).
    pub fn new(deps: &FeatureDeps) -> Self {
        let config = &deps.config.ebay;
        let client = (!config.client_id.is_empty()).then(|| {
            let secret = config
                .client_secret
                .clone()
                .unwrap_or_else(|| SecretString::from(String::new()));
            EbayClient::new(
                &config.api_base_url,
                &config.client_id,
                secret,
                deps.pool.clone(),
            )
        });
        Self {
            client,
            admins: deps.config.telegram.admins.clone(),
            daily_call_budget: config.daily_call_budget,
            cooldown_hours: config.cooldown_hours,
            files_dir: super::files_dir(&deps.config, "ebay"),
            mail_enabled: deps.mailer.is_some(),
        }
    }
}

/// Builds this feature's parts; nothing when `ebay.client_id` is empty.
pub async fn install(
    deps: &FeatureDeps,
    _shutdown: &crate::shutdown::Shutdown,
) -> anyhow::Result<FeatureParts> {
    if deps.config.ebay.client_id.is_empty() {
        return Ok(FeatureParts::default());
    }
    let state = EbayState::new(deps);
    let scratch_dir = Some(state.files_dir.clone());
    let jobs = JobRegistry::new()
        .job::<jobs::EbayPoll>()
        .job::<jobs::EbayInsights>()
        .job::<jobs::EbayInsightsScheduled>()
        .job::<jobs::EbayInsightsDue>()
        .cron(jobs::CRONTAB)
        .cron(jobs::INSIGHTS_CRONTAB)
        .with_state(state);
    Ok(FeatureParts {
        bot: Some(Arc::new(bot::EbayBot {
            marketplace: deps.config.ebay.marketplace.clone(),
        })),
        jobs,
        routes: None,
        background: Vec::new(),
        scratch_dir,
    })
}
