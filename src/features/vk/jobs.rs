//! The feature's jobs: verify and save a connection, build a report (on
//! demand, as CSV, or as a scheduled digest). Results go out through the
//! outbound sender; the bot is never called from here.

use std::future::Future;
use std::path::PathBuf;

use anyhow::Context;
use chrono::{NaiveDate, Utc};
use graphile_worker::JobSpec;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::client::{Credentials, StatsLevel, VkClient, VkError};
use super::crypto::Sealer;
use super::period::{self, Period};
use super::texts::{texts, Texts};
use super::{report, store, VkCallback};
use crate::db::Pool;
use crate::jobs::schedules::Fired;
use crate::jobs::{permanent, AppJob, JobCtx};
use crate::mail::EmailJobPayload;
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::{Button, OutMessage, Outbound};
use crate::telegram::texts::{fill, html};

/// What the jobs share (registered as worker state).
#[derive(Debug, Clone)]
pub struct VkState {
    pub client: VkClient,
    /// `None` when no encryption key is configured.
    pub sealer: Option<Sealer>,
    /// Where charts and CSVs are written.
    pub files: PathBuf,
    /// Whether e-mail (SMTP) is configured.
    pub mail: bool,
}

/// Verifies credentials against the token endpoint, then saves the account.
/// The secret travels sealed (base64 of the AES-GCM value).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VkConnect {
    pub chat_id: i64,
    pub client_id: String,
    pub sealed_secret: String,
    pub agency_client_name: Option<String>,
}

/// A report of one account for one period, sent to its owner chat.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct VkReport {
    pub chat_id: i64,
    pub account_id: i64,
    pub from: NaiveDate,
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
    pub account_id: i64,
    /// A period argument: `yesterday` (daily) or `7d` (weekly).
    pub period: String,
}

async fn send(ctx: &JobCtx, message: Outbound) -> anyhow::Result<()> {
    ctx.queue()?.enqueue(message).await.map(|_| ())
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
        let sealer = state
            .sealer
            .as_ref()
            .ok_or_else(|| permanent(anyhow::anyhow!("vk.encryption_key is not set")))?;
        let sealed = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &self.sealed_secret,
        )
        .context("decoding the sealed secret")
        .map_err(permanent)?;
        let creds = Credentials {
            client_id: self.client_id.clone(),
            client_secret: sealer.open(&sealed).map_err(permanent)?,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Report,
    Digest,
    Csv,
}

/// Today in the chat's timezone (UTC when unknown).
pub async fn local_today(pool: &Pool, chat_id: i64) -> NaiveDate {
    let tz = crate::telegram::store::chats::timezone(pool, chat_id)
        .await
        .ok()
        .flatten()
        .and_then(|name| crate::jobs::schedule_rule::parse_timezone(&name).ok())
        .unwrap_or(chrono_tz::UTC);
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

async fn run_report(
    ctx: &JobCtx,
    chat: i64,
    account_id: i64,
    period: Period,
    mode: Mode,
) -> anyhow::Result<()> {
    let state = ctx.state::<VkState>()?;
    let pool = ctx.pool()?;
    let t = texts(language_of_chat(pool, chat).await);
    let Some(account) = store::get(pool, chat, account_id).await? else {
        return send(ctx, Outbound::text(chat, t.account_gone, vec![])).await;
    };
    let sealer = state
        .sealer
        .as_ref()
        .ok_or_else(|| permanent(anyhow::anyhow!("vk.encryption_key is not set")))?;
    let fetch_from = if mode == Mode::Csv {
        period.from
    } else {
        period.previous().from
    };
    let client = &state.client;
    let fetched = async {
        let campaigns = with_token(pool, state, sealer, account.id, |tok| async move {
            client.list(&tok, "ad_plans").await
        })
        .await?;
        store::store_campaigns(pool, account.id, &campaigns).await?;
        let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
        let stats = if ids.is_empty() {
            Vec::new()
        } else {
            let ids = &ids;
            with_token(pool, state, sealer, account.id, |tok| async move {
                client
                    .day_stats(&tok, StatsLevel::AdPlans, ids, fetch_from, period.to)
                    .await
            })
            .await?
        };
        anyhow::Ok((campaigns, stats))
    }
    .await;
    let (campaigns, stats) = match fetched {
        Ok(data) => data,
        Err(error) => return report_error(ctx, t, &account, error).await,
    };
    let stem = format!(
        "{}-{}-{}-{}",
        account.id,
        period.from,
        period.to,
        ctx.job_id()
    );
    std::fs::create_dir_all(&state.files)
        .with_context(|| format!("creating {}", state.files.display()))?;
    if mode == Mode::Csv {
        let path = state.files.join(format!("vk-{stem}.csv"));
        std::fs::write(&path, report::csv(period, &campaigns, &stats)?)
            .context("writing the CSV")?;
        let caption = fill(
            t.csv_caption,
            &[
                ("name", &html(&account.name)),
                ("from", &period.from),
                ("to", &period.to),
            ],
        );
        return send(ctx, document(chat, path, caption, false)).await;
    }
    let today = local_today(pool, chat).await;
    let built = report::build(&account.name, period, today, &campaigns, &stats);
    let mut text = report::render_text(&built, t);
    if mode == Mode::Digest {
        text = format!("{}\n{text}", t.digest_title);
    }
    let (from, to) = period.to_epoch_days();
    let csv_button = Button {
        text: t.btn_csv.into(),
        data: VkCallback::Csv {
            account: account.id,
            from,
            to,
        }
        .data(),
    };
    send(
        ctx,
        Outbound::text(chat, text.clone(), vec![vec![csv_button]]),
    )
    .await?;
    let chart_path = match report::chart(&built, t) {
        Ok(png) => {
            let path = state.files.join(format!("vk-{stem}.png"));
            std::fs::write(&path, png).context("writing the chart")?;
            send(
                ctx,
                document(
                    chat,
                    path.clone(),
                    fill(t.chart_title, &[("name", &html(&account.name))]),
                    true,
                ),
            )
            .await?;
            Some(path)
        }
        Err(error) => {
            tracing::warn!(%error, "VK chart not drawn");
            None
        }
    };
    if let (Mode::Digest, Some(email), true) = (mode, &account.digest_email, state.mail) {
        let payload = EmailJobPayload {
            to: vec![email.clone()],
            subject: format!("VK Ads: {} {} – {}", account.name, period.from, period.to),
            text: strip_tags(&text),
            html: Some(text.replace('\n', "<br>\n")),
            attachment_paths: chart_path.into_iter().collect(),
        };
        ctx.queue()?.enqueue(payload).await?;
    }
    Ok(())
}

fn document(chat: i64, path: PathBuf, caption: String, photo: bool) -> Outbound {
    let message = if photo {
        OutMessage::Photo {
            path,
            caption: Some(caption),
        }
    } else {
        OutMessage::Document {
            path,
            caption: Some(caption),
        }
    };
    Outbound {
        chat_id: chat,
        message,
        broadcast_id: None,
        deferred: false,
    }
}

/// Tells the owner what went wrong; transient errors are retried first.
async fn report_error(
    ctx: &JobCtx,
    t: &Texts,
    account: &store::Account,
    error: anyhow::Error,
) -> anyhow::Result<()> {
    let name = html(&account.name);
    let text = match error.downcast_ref::<VkError>() {
        Some(VkError::InvalidCredentials(reason)) => {
            store::set_status(ctx.pool()?, account.id, "reconnect").await?;
            fill(
                t.needs_reconnect,
                &[("name", &name), ("reason", &html(reason))],
            )
        }
        Some(VkError::TokenLimit) => t.token_limit.to_string(),
        Some(e) if e.is_transient() && ctx.attempt() < ctx.max_attempts() => return Err(error),
        _ => fill(
            t.report_failed,
            &[("name", &name), ("reason", &html(&format!("{error:#}")))],
        ),
    };
    send(ctx, Outbound::text(account.chat_id, text, vec![])).await
}

fn strip_tags(html_text: &str) -> String {
    let mut out = String::with_capacity(html_text.len());
    let mut in_tag = false;
    for c in html_text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
