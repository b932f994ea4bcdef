//! The feature's jobs: their payloads and entry points. Connecting with
//! client credentials is here; reports and digests are in
//! `reporting`, the old API's connect and fetch in
//! `legacy_jobs`, disconnecting in `disconnect`. Results go
//! out through the outbound sender; the bot is never called from here.

use std::future::Future;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use graphile_worker::JobSpec;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::client::{Credentials, VkClient, VkError};
use super::crypto::Sealer;
use super::legacy::LegacyClient;
use super::period::{self, Period};
use super::reporting::{run_report, Mode};
use super::texts::texts;
use super::{disconnect, legacy_jobs, store};
use crate::db::Pool;
use crate::jobs::schedules::Fired;
use crate::jobs::{permanent, AppJob, JobCtx};
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::Outbound;
use crate::telegram::texts::{fill, html};

/// What the jobs share (registered as worker state).
#[derive(Debug, Clone)]
pub struct VkState {
    /// The VK Ads API.
    pub client: VkClient,
    /// The old `api.vk.com` API; `None` unless `vk.legacy.enabled`.
    pub legacy: Option<LegacyClient>,
    /// `None` when no encryption key is configured.
    pub sealer: Option<Sealer>,
    /// Where charts and CSVs are written.
    pub files: PathBuf,
    /// Whether e-mail (SMTP) is configured.
    pub mail: bool,
}

impl VkState {
    /// The sealer, or a permanent error when no key is configured.
    pub(super) fn sealer(&self) -> anyhow::Result<&Sealer> {
        self.sealer
            .as_ref()
            .ok_or_else(|| permanent(anyhow::anyhow!("vk.encryption_key is not set")))
    }
}

/// Verifies credentials against the token endpoint, then saves the account.
/// The secret travels sealed (base64 of the AES-GCM value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VkConnect {
    /// The chat that connects (and will own) the account.
    pub chat_id: i64,
    /// The client id of the API access.
    pub client_id: String,
    /// The client secret, sealed, in base64.
    pub sealed_secret: String,
    /// Set for an agency client.
    pub agency_client_name: Option<String>,
}

/// Verifies a token of the old API with `ads.getAccounts`, then saves its
/// own ad accounts. The token travels sealed (base64 of the AES-GCM value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VkLegacyConnect {
    /// The chat that connects (and will own) the accounts.
    pub chat_id: i64,
    /// The user token, sealed, in base64.
    pub sealed_token: String,
}

/// A report of one account for one period, sent to its owner chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VkReport {
    /// The owner chat.
    pub chat_id: i64,
    /// The account.
    pub account_id: i64,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    pub to: NaiveDate,
    /// Send the CSV of daily rows instead of the report.
    #[serde(default)]
    pub csv: bool,
}

/// A scheduled digest: the scheduler's [`Fired`] payload, whose target is a
/// [`DigestTarget`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct VkDigest(pub Fired);

/// The target of a digest schedule.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DigestTarget {
    /// The account.
    pub account_id: i64,
    /// A period argument: `yesterday` (daily) or `7d` (weekly).
    pub period: String,
}

/// Disconnects an account: deletes its tokens at VK Ads (best effort), then
/// the account with its campaigns and digests, and tells the chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VkDisconnect {
    /// The owner chat.
    pub chat_id: i64,
    /// The account.
    pub account_id: i64,
}

/// Queues a message to a chat.
pub(super) async fn send(ctx: &JobCtx, message: Outbound) -> anyhow::Result<()> {
    ctx.queue()?.enqueue(message).await.map(|_| ())
}

/// Opens a value sealed by the dialogue (base64 of the AES-GCM value).
pub(super) fn open_sealed(sealer: &Sealer, sealed: &str) -> anyhow::Result<SecretString> {
    let bytes = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, sealed)
        .context("decoding a sealed value")
        .map_err(permanent)?;
    sealer.open(&bytes).map_err(permanent)
}

impl AppJob for VkConnect {
    const IDENTIFIER: &'static str = "vk_connect";

    fn spec(&self) -> JobSpec {
        JobSpec {
            max_attempts: Some(1),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let state = ctx.state::<VkState>()?;
        let pool = ctx.pool()?;
        let t = texts(language_of_chat(pool, self.chat_id).await);
        let sealer = state.sealer()?;
        let creds = Credentials {
            client_id: self.client_id.clone(),
            client_secret: open_sealed(sealer, &self.sealed_secret)?,
            agency_client_name: self.agency_client_name.clone(),
        };
        let verified = match state.client.token(&creds).await {
            Ok(token) => state
                .client
                .list(&token.access_token, "ad_plans")
                .await
                .map(|c| (token, c)),
            Err(error) => Err(error),
        };
        let text = match verified {
            Ok((token, campaigns)) => {
                let name = self
                    .agency_client_name
                    .clone()
                    .unwrap_or_else(|| format!("VK Ads {}", self.client_id));
                let id = store::save(pool, sealer, self.chat_id, &name, &creds, &token).await?;
                store::store_campaigns(pool, id, &campaigns).await?;
                fill(
                    t.connected,
                    &[("name", &html(&name)), ("campaigns", &campaigns.len())],
                )
            }
            Err(VkError::InvalidCredentials(reason)) => {
                fill(t.rejected, &[("reason", &html(&reason))])
            }
            Err(VkError::TokenLimit) => t.token_limit.to_string(),
            Err(error) => fill(t.connect_failed, &[("reason", &html(&error.to_string()))]),
        };
        send(&ctx, Outbound::text(self.chat_id, text, vec![])).await
    }
}

impl AppJob for VkLegacyConnect {
    const IDENTIFIER: &'static str = "vk_legacy_connect";

    fn spec(&self) -> JobSpec {
        JobSpec {
            max_attempts: Some(1),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        legacy_jobs::connect(&ctx, self).await
    }
}

impl AppJob for VkReport {
    const IDENTIFIER: &'static str = "vk_report";

    fn spec(&self) -> JobSpec {
        JobSpec {
            job_key: Some(format!(
                "vk_report:{}:{}:{}:{}:{}",
                self.chat_id, self.account_id, self.from, self.to, self.csv
            )),
            max_attempts: Some(4),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let period = Period {
            from: self.from,
            to: self.to,
        };
        let mode = if self.csv { Mode::Csv } else { Mode::Report };
        run_report(&ctx, self.chat_id, self.account_id, period, mode).await
    }
}

impl AppJob for VkDigest {
    const IDENTIFIER: &'static str = "vk_digest";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let fired = self.0;
        let target: DigestTarget = serde_json::from_value(fired.target.clone())
            .context("reading the digest target")
            .map_err(permanent)?;
        let today = local_today(ctx.pool()?, fired.chat_id).await;
        let period = period::parse(&target.period, today)
            .context("the digest period")
            .map_err(permanent)?;
        run_report(&ctx, fired.chat_id, target.account_id, period, Mode::Digest).await
    }
}

impl AppJob for VkDisconnect {
    const IDENTIFIER: &'static str = "vk_disconnect";

    fn spec(&self) -> JobSpec {
        JobSpec {
            job_key: Some(format!("vk_disconnect:{}", self.account_id)),
            max_attempts: Some(3),
            ..JobSpec::default()
        }
    }

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        disconnect::run(&ctx, self).await
    }
}

/// The chat's timezone (UTC when unknown or unset).
pub async fn chat_timezone(pool: &Pool, chat_id: i64) -> chrono_tz::Tz {
    crate::telegram::store::chats::timezone(pool, chat_id)
        .await
        .ok()
        .flatten()
        .and_then(|name| crate::jobs::schedule_rule::parse_timezone(&name).ok())
        .unwrap_or(chrono_tz::UTC)
}

/// Today in the chat's timezone (UTC when unknown).
pub async fn local_today(pool: &Pool, chat_id: i64) -> NaiveDate {
    let tz = chat_timezone(pool, chat_id).await;
    Utc::now().with_timezone(&tz).date_naive()
}

/// Runs `call` with the account's token; when the API says the token expired,
/// renews it (under the account lock) and runs `call` once more.
pub async fn with_token<T, F, Fut>(
    pool: &Pool,
    state: &VkState,
    sealer: &Sealer,
    account: i64,
    call: F,
) -> anyhow::Result<T>
where
    F: Fn(SecretString) -> Fut,
    Fut: Future<Output = Result<T, VkError>>,
{
    let token = store::access_token(pool, sealer, &state.client, account, None).await?;
    match call(token.clone()).await {
        Err(VkError::TokenExpired(_)) => {
            let renewed =
                store::access_token(pool, sealer, &state.client, account, Some(&token)).await?;
            Ok(call(renewed).await?)
        }
        other => Ok(other?),
    }
}
