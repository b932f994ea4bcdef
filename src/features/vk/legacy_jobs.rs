//! The old API (`api.vk.com/method/ads.*`) in the jobs: connecting a user
//! token (verified with `ads.getAccounts`), fetching campaigns and daily
//! statistics for a legacy account's reports and digests, and what its
//! errors mean to the owner: 5 → reconnect, 601 → paused until VK's next
//! day, 6/9 → retried (the client backs off first, then the queue).

use chrono::{NaiveDate, Utc};

use super::crypto::Sealer;
use super::jobs::{chat_timezone, open_sealed, send, VkLegacyConnect, VkState};
use super::legacy::{LegacyAccount, LegacyError};
use super::reporting::Fetched;
use super::texts::{texts, Texts};
use super::{legacy_store, store};
use crate::db::Pool;
use crate::jobs::JobCtx;
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::Outbound;
use crate::telegram::texts::{fill, html};

/// Most ad accounts one token connects.
const MAX_ACCOUNTS: usize = 20;

/// Verifies the token, loads each own ad account's campaigns, then saves
/// the accounts (all or nothing) and tells the chat.
pub(super) async fn connect(ctx: &JobCtx, job: VkLegacyConnect) -> anyhow::Result<()> {
    let state = ctx.state::<VkState>()?;
    let pool = ctx.pool()?;
    let chat = job.chat_id;
    let t = texts(language_of_chat(pool, chat).await);
    let Some(client) = &state.legacy else {
        return send(ctx, Outbound::text(chat, t.legacy_disabled, vec![])).await;
    };
    let sealer = state.sealer()?;
    let token = open_sealed(sealer, &job.sealed_token)?;
    let failed = |error: LegacyError| match error {
        LegacyError::Reconnect(reason) => fill(t.legacy_rejected, &[("reason", &html(&reason))]),
        other => fill(t.connect_failed, &[("reason", &html(&other.to_string()))]),
    };
    let accounts = match client.accounts(&token).await {
        Ok(accounts) => accounts,
        Err(error) => return send(ctx, Outbound::text(chat, failed(error), vec![])).await,
    };
    let (own, agency): (Vec<LegacyAccount>, Vec<LegacyAccount>) = accounts
        .into_iter()
        .partition(|a| a.account_type != "agency");
    let mut loaded = Vec::new();
    for account in own.into_iter().take(MAX_ACCOUNTS) {
        match client.campaigns(&token, account.account_id).await {
            Ok(campaigns) => loaded.push((account, campaigns)),
            Err(error) => return send(ctx, Outbound::text(chat, failed(error), vec![])).await,
        }
    }
    let mut lines = Vec::new();
    if loaded.is_empty() {
        lines.push(t.legacy_no_accounts.to_string());
    }
    for (account, campaigns) in loaded {
        let campaigns: Vec<_> = campaigns
            .into_iter()
            .filter(|c| c.status != "deleted")
            .collect();
        let (id, name) = legacy_store::save(pool, sealer, chat, &account, &token).await?;
        store::store_campaigns(pool, id, &campaigns).await?;
        lines.push(fill(
            t.legacy_connected,
            &[
                ("name", &html(&name)),
                ("account", &account.account_id),
                ("campaigns", &campaigns.len()),
            ],
        ));
    }
    if !agency.is_empty() {
        lines.push(fill(t.legacy_skipped, &[("count", &agency.len())]));
    }
    send(ctx, Outbound::text(chat, lines.join("\n"), vec![])).await
}

/// Why a legacy account cannot be asked now (the adapter is off, or VK's
/// daily limit paused it), as a message to its owner; `None` when it can.
pub(super) async fn blocked(
    pool: &Pool,
    state: &VkState,
    t: &Texts,
    account: &store::Account,
) -> Option<String> {
    let name = html(&account.name);
    if state.legacy.is_none() {
        return Some(fill(t.legacy_off, &[("name", &name)]));
    }
    let until = account.paused_until.filter(|until| *until > Utc::now())?;
    let tz = chat_timezone(pool, account.chat_id).await;
    let local = until
        .with_timezone(&tz)
        .format("%Y-%m-%d %H:%M")
        .to_string();
    Some(fill(
        t.legacy_paused,
        &[("name", &name), ("until", &local), ("timezone", &tz.name())],
    ))
}

/// Campaigns (not deleted; stored for the card) and their daily statistics
/// from the old API. It has no goals: they count as zero.
pub(super) async fn fetch(
    pool: &Pool,
    state: &VkState,
    sealer: &Sealer,
    account: &store::Account,
    from: NaiveDate,
    to: NaiveDate,
) -> anyhow::Result<Fetched> {
    let client = state
        .legacy
        .as_ref()
        .ok_or_else(|| anyhow::anyhow!("vk.legacy.enabled is off"))?;
    let ad_account: i64 = account
        .client_id
        .parse()
        .map_err(|_| anyhow::anyhow!("legacy account {} has no ad account id", account.id))?;
    let token = legacy_store::token(pool, sealer, account.id).await?;
    let campaigns: Vec<_> = client
        .campaigns(&token, ad_account)
        .await?
        .into_iter()
        .filter(|c| c.status != "deleted")
        .collect();
    store::store_campaigns(pool, account.id, &campaigns).await?;
    let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
    if ids.is_empty() {
        return Ok((campaigns, Vec::new()));
    }
    let stats = client
        .campaign_stats(&token, ad_account, &ids, from, to)
        .await?;
    Ok((campaigns, stats))
}

/// The owner's message for an old-API error that will not be retried: 5
/// marks the account for a reconnect, 601 pauses it until VK's next day.
pub(super) async fn error_text(
    pool: &Pool,
    t: &Texts,
    account: &store::Account,
    error: &LegacyError,
) -> anyhow::Result<String> {
    let name = html(&account.name);
    Ok(match error {
        LegacyError::Reconnect(reason) => {
            store::set_status(pool, account.id, "reconnect").await?;
            fill(
                t.legacy_reconnect,
                &[("name", &name), ("reason", &html(reason))],
            )
        }
        LegacyError::DailyLimit(reason) => {
            let until = legacy_store::next_day_start(Utc::now());
            legacy_store::pause(pool, account.id, until).await?;
            let tz = chat_timezone(pool, account.chat_id).await;
            let local = until
                .with_timezone(&tz)
                .format("%Y-%m-%d %H:%M")
                .to_string();
            fill(
                t.legacy_daily_limit,
                &[
                    ("name", &name),
                    ("reason", &html(reason)),
                    ("until", &local),
                    ("timezone", &tz.name()),
                ],
            )
        }
        other => fill(
            t.report_failed,
            &[("name", &name), ("reason", &html(&other.to_string()))],
        ),
    })
}
