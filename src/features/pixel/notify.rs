//! Live notifications: every [`NOTIFY_EVERY`], the first human or proxy
//! opens written since the last pass are claimed (once per contact, ever) and
//! each campaign with live notifications gets one message listing them — so
//! at most one message per campaign per period. The claim and the messages
//! commit together. At start, opens written before a restart but never
//! announced are picked up from the database.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::Context;

use super::recorder::Recorder;
use super::store::{self, FirstOpen};
use super::texts::texts;
use crate::db::Pool;
use crate::jobs::Queue;
use crate::shutdown::Shutdown;
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::Outbound;
use crate::telegram::texts::{fill, html};

/// The notifier's period: the batching window of live notifications.
pub const NOTIFY_EVERY: Duration = Duration::from_secs(10);
/// Contacts listed in one message; the rest are counted.
const LISTED: usize = 30;

/// Starts the notifier; it ends on `shutdown`.
pub fn spawn(
    recorder: Recorder,
    pool: Pool,
    queue: Queue,
    shutdown: &Shutdown,
) -> tokio::task::JoinHandle<()> {
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        match store::unannounced_pixels(&pool).await {
            Ok(pixels) => recorder.return_opened(pixels),
            Err(error) => tracing::warn!(
                error = %format!("{error:#}"),
                "could not look for opens left unannounced by the last run"
            ),
        }
        let mut ticks = tokio::time::interval(NOTIFY_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = shutdown.wait() => return,
            }
            let pixels = recorder.take_opened();
            if pixels.is_empty() {
                continue;
            }
            if let Err(error) = pass(&pool, &queue, &pixels).await {
                tracing::warn!(error = %format!("{error:#}"), "live open notifications failed; retrying");
                recorder.return_opened(pixels);
            }
        }
    })
}

async fn pass(pool: &Pool, queue: &Queue, pixels: &[i64]) -> anyhow::Result<()> {
    let mut client = pool.get().await.context("database connection")?;
    let tx = client
        .transaction()
        .await
        .context("starting a transaction")?;
    let firsts = store::claim_first_opens(&tx, pixels).await?;
    let mut by_campaign: BTreeMap<i64, Vec<FirstOpen>> = BTreeMap::new();
    for first in firsts {
        by_campaign
            .entry(first.campaign_id)
            .or_default()
            .push(first);
    }
    let mut messages = Vec::new();
    for opens in by_campaign.into_values() {
        let chat = opens[0].chat_id;
        let t = texts(language_of_chat(pool, chat).await);
        messages.push(Outbound::text(chat, message(t, &opens), Vec::new()));
    }
    for message in messages {
        queue.enqueue_in(&tx, message).await?;
    }
    tx.commit().await.context("committing the notifications")?;
    Ok(())
}

/// One campaign's message.
pub fn message(t: &super::texts::Texts, opens: &[FirstOpen]) -> String {
    let mut text = fill(t.live_title, &[("name", &html(&opens[0].campaign))]);
    for open in opens.iter().take(LISTED) {
        let who = if open.name.is_empty() {
            html(&open.email)
        } else {
            format!("{} &lt;{}&gt;", html(&open.name), html(&open.email))
        };
        text.push_str(&format!("\n• {who} · {}", html(&open.group)));
    }
    if opens.len() > LISTED {
        text.push('\n');
        text.push_str(&fill(t.more, &[("more", &(opens.len() - LISTED))]));
    }
    text
}
