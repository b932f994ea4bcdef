//! Reports, CSVs and digests: fetch the account's campaigns and daily
//! statistics (VK Ads, or the old API for a legacy account), build the
//! report, send text + chart (and the e-mail copy of a digest). Failures
//! become a message to the owner; transient ones are retried first.

use std::path::PathBuf;

use anyhow::Context;

use super::client::{ItemStats, StatsLevel, VkError, VkObject};
use super::crypto::Sealer;
use super::jobs::{local_today, send, with_token, VkState};
use super::legacy::LegacyError;
use super::period::Period;
use super::texts::{texts, Texts};
use super::{legacy_jobs, report, store, VkCallback};
use crate::db::Pool;
use crate::jobs::JobCtx;
use crate::mail::EmailJobPayload;
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::{Button, OutMessage, Outbound};
use crate::telegram::texts::{fill, html};

/// What a report job sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// On demand: text with a CSV button, then the chart.
    Report,
    /// Scheduled: like a report, titled, and e-mailed when an address is set.
    Digest,
    /// The CSV of daily rows.
    Csv,
}

/// Campaigns and their daily statistics.
pub(super) type Fetched = (Vec<VkObject>, Vec<ItemStats>);

/// Builds and sends one account's report, digest or CSV for `period`.
pub(super) async fn run_report(
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
    let sealer = state.sealer()?;
    let fetch_from = if mode == Mode::Csv {
        period.from
    } else {
        period.previous().from
    };
    let fetched = if account.is_legacy() {
        if let Some(text) = legacy_jobs::blocked(pool, state, t, &account).await {
            return send(ctx, Outbound::text(chat, text, vec![])).await;
        }
        legacy_jobs::fetch(pool, state, sealer, &account, fetch_from, period.to).await
    } else {
        fetch_ads(pool, state, sealer, &account, fetch_from, period.to).await
    };
    match fetched {
        Ok(data) => deliver(ctx, state, t, &account, period, mode, &data).await,
        Err(error) => report_error(ctx, t, &account, error).await,
    }
}

/// Campaigns (stored for the card) and their daily statistics from VK Ads.
async fn fetch_ads(
    pool: &Pool,
    state: &VkState,
    sealer: &Sealer,
    account: &store::Account,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> anyhow::Result<Fetched> {
    let client = &state.client;
    let campaigns = with_token(pool, state, sealer, account.id, |tok| async move {
        client.list(&tok, "ad_plans").await
    })
    .await?;
    store::store_campaigns(pool, account.id, &campaigns).await?;
    let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok((campaigns, Vec::new()));
    }
    let ids = &ids;
    let stats = with_token(pool, state, sealer, account.id, |tok| async move {
        client
            .day_stats(&tok, StatsLevel::AdPlans, ids, from, to)
            .await
    })
    .await?;
    Ok((campaigns, stats))
}

/// Sends the CSV, or the report text (with the CSV button) and its chart,
/// and e-mails a digest when an address is set.
async fn deliver(
    ctx: &JobCtx,
    state: &VkState,
    t: &Texts,
    account: &store::Account,
    period: Period,
    mode: Mode,
    (campaigns, stats): &Fetched,
) -> anyhow::Result<()> {
    let chat = account.chat_id;
    let goals = !account.is_legacy();
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
        std::fs::write(&path, report::csv(period, campaigns, stats, goals)?)
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
    let today = local_today(ctx.pool()?, chat).await;
    let mut built = report::build(&account.name, period, today, campaigns, stats);
    if !goals {
        built = built.without_goals();
    }
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
            let caption = fill(t.chart_title, &[("name", &html(&account.name))]);
            send(ctx, document(chat, path.clone(), caption, true)).await?;
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

/// Tells the owner what went wrong; transient errors are retried first
/// (the job fails, and the queue runs it again later).
async fn report_error(
    ctx: &JobCtx,
    t: &Texts,
    account: &store::Account,
    error: anyhow::Error,
) -> anyhow::Result<()> {
    let name = html(&account.name);
    let retry = ctx.attempt() < ctx.max_attempts();
    let text = if let Some(legacy) = error.downcast_ref::<LegacyError>() {
        if legacy.is_transient() && retry {
            return Err(error);
        }
        legacy_jobs::error_text(ctx.pool()?, t, account, legacy).await?
    } else {
        match error.downcast_ref::<VkError>() {
            Some(VkError::InvalidCredentials(reason)) => {
                store::set_status(ctx.pool()?, account.id, "reconnect").await?;
                fill(
                    t.needs_reconnect,
                    &[("name", &name), ("reason", &html(reason))],
                )
            }
            Some(VkError::TokenLimit) => t.token_limit.to_string(),
            Some(e) if e.is_transient() && retry => return Err(error),
            _ => fill(
                t.report_failed,
                &[("name", &name), ("reason", &html(&format!("{error:#}")))],
            ),
        }
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
