//! One polling cycle: due alerts grouped by identical request, one search per
//! group, results stored and fanned out to every alert of the group, one
//! message (and optional e-mail) per alert, all enqueued in one batch.
//!
//! Invariants: at most one cycle runs at a time (a session advisory lock); a
//! group that was not searched keeps its alerts due; a 429 stops the cycle and
//! reschedules it after `Retry-After` instead of sleeping.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::client::{EbayError, SearchResult};
use super::filters::{build_query, Query};
use super::notify::{evaluate, hits_message, plain_text, summary_message};
use super::outgoing::{budget, tell_admins, Outgoing};
use super::store::{self, Alert};
use super::texts::texts;
use super::EbayState;
use crate::db::Pool;
use crate::jobs::Queue;
use crate::mail::EmailJobPayload;
use crate::telegram::lang::Lang;
use crate::telegram::sender::Outbound;
use crate::telegram::texts::{fill, html};

/// Searches in flight at once.
const CONCURRENT_SEARCHES: usize = 8;
/// Groups processed (stored, evaluated) at once.
const CONCURRENT_GROUPS: usize = 4;

/// What one cycle did.
#[derive(Debug, Clone, Default)]
pub struct CycleReport {
    /// Search calls made (one per distinct query).
    pub searches: usize,
    /// Alerts served.
    pub alerts: usize,
    /// Chat messages enqueued.
    pub messages: usize,
    /// E-mails enqueued.
    pub emails: usize,
    /// Set when eBay asked to wait: the cycle is rescheduled after it.
    pub retry_after: Option<Duration>,
    /// Intervals multiplied by this (> 1 when the budget is short).
    pub stretch: f64,
    /// Wall time of the search phase (waiting on eBay).
    pub fetch_time: Duration,
    /// Wall time of everything else (database, rules, messages).
    pub own_time: Duration,
}

/// Runs one cycle at `now`. Returns an empty report when another cycle holds
/// the lock, the client is not configured, or a back-off is in force.
pub async fn poll_cycle(
    state: &EbayState,
    pool: &Pool,
    queue: &Queue,
    now: DateTime<Utc>,
) -> anyhow::Result<CycleReport> {
    let mut report = CycleReport {
        stretch: 1.0,
        ..CycleReport::default()
    };
    let Some(client) = &state.client else {
        return Ok(report);
    };
    // A transaction-level lock: released by the rollback even when this future
    // is dropped half-way (the connection rolls back before it is reused).
    let mut lock = pool.get().await?;
    let guard = lock.transaction().await?;
    let locked: bool = guard
        .query_one(
            "SELECT pg_try_advisory_xact_lock(hashtext('ebay_poll'))",
            &[],
        )
        .await?
        .get(0);
    if !locked {
        return Ok(report);
    }
    let result = run_locked(state, client, pool, queue, now, &mut report).await;
    guard.rollback().await?;
    result.map(|()| report)
}

async fn run_locked(
    state: &EbayState,
    client: &super::client::EbayClient,
    pool: &Pool,
    queue: &Queue,
    now: DateTime<Utc>,
    report: &mut CycleReport,
) -> anyhow::Result<()> {
    let started = Instant::now();
    if store::flag(pool, "backoff")
        .await?
        .is_some_and(|until| until > now)
    {
        return Ok(());
    }
    let due = store::due(pool, now).await?;
    if due.is_empty() {
        return Ok(());
    }
    let mut groups: Vec<(String, Vec<Alert>)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for alert in due {
        match index.get(&alert.query_key) {
            Some(&i) => groups[i].1.push(alert),
            None => {
                index.insert(alert.query_key.clone(), groups.len());
                groups.push((alert.query_key.clone(), vec![alert]));
            }
        }
    }
    let mut out = Outgoing::default();
    out.load_langs(pool, &groups).await?;
    let (allowed, stretch) = budget(state, pool, now, groups.len(), &mut out).await?;
    report.stretch = stretch;
    groups.truncate(allowed);

    // Phase 1: the searches.
    let fetch_started = Instant::now();
    let stop = AtomicBool::new(false);
    // Owned items: a stream of borrowed ones trips the `Send` check of job futures.
    let requests: Vec<(usize, Query, String)> = groups
        .iter()
        .enumerate()
        .map(|(i, (_, alerts))| {
            let first = &alerts[0];
            (
                i,
                build_query(&first.phrase, &first.filters),
                first.marketplace.clone(),
            )
        })
        .collect();
    let fetched: Vec<(usize, Result<SearchResult, EbayError>)> = futures::stream::iter(requests)
        .map(|(i, query, marketplace)| {
            let stop = &stop;
            async move {
                if stop.load(Ordering::Relaxed) {
                    return (i, Err(EbayError::Unavailable("cycle stopped".into())));
                }
                let result = client.search(&query, &marketplace).await;
                if matches!(
                    result,
                    Err(EbayError::RateLimited { .. } | EbayError::CredentialsRejected(_))
                ) {
                    stop.store(true, Ordering::Relaxed);
                }
                (i, result)
            }
        })
        .buffer_unordered(CONCURRENT_SEARCHES)
        .collect()
        .await;
    report.fetch_time = fetch_started.elapsed();

    // Phase 2: store, evaluate, compose.
    let mut ok = Vec::new();
    for (i, result) in fetched {
        let alerts = &groups[i].1;
        let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
        match result {
            Ok(found) => {
                report.searches += 1;
                ok.push((i, found));
            }
            Err(EbayError::RateLimited { retry_after }) => {
                report.searches += 1;
                let wait = report
                    .retry_after
                    .map_or(retry_after, |w| w.max(retry_after));
                report.retry_after = Some(wait);
            }
            Err(EbayError::CredentialsRejected(reason)) => {
                store::set_flag(pool, "backoff", now + chrono::Duration::minutes(30)).await?;
                if store::set_flag_once(pool, "credentials").await? {
                    tell_admins(state, pool, &mut out, |lang| {
                        fill(
                            texts(lang).credentials_rejected,
                            &[("reason", &html(&reason))],
                        )
                    })
                    .await?;
                }
            }
            Err(EbayError::BadRequest { error_id, message }) => {
                report.searches += 1;
                tracing::warn!(error_id, %message, "eBay refused a search; pausing its alerts");
                for alert in alerts {
                    let mut paused = alert.clone();
                    paused.active = false;
                    store::save(pool, &paused).await?;
                    let lang = out.lang(pool, alert.chat_id).await;
                    let text = fill(
                        texts(lang).search_rejected,
                        &[("id", &alert.id), ("message", &html(&message))],
                    );
                    out.messages
                        .push(Outbound::text(alert.chat_id, text, Vec::new()));
                }
            }
            Err(error) => {
                tracing::warn!(%error, "eBay search failed; retrying in 2 minutes");
                store::postpone(pool, &ids, now + chrono::Duration::minutes(2)).await?;
            }
        }
    }
    if report.searches > 0 && store::flag(pool, "credentials").await?.is_some() {
        store::clear_flag(pool, "credentials").await?;
    }
    let composed: Vec<anyhow::Result<Composed>> = futures::stream::iter(ok)
        .map(|(i, found)| {
            let alerts = &groups[i].1;
            let key = &groups[i].0;
            let langs = &out.langs;
            async move { process_group(state, pool, langs, key, alerts, &found, now, stretch).await }
        })
        .buffer_unordered(CONCURRENT_GROUPS)
        .collect()
        .await;
    for group in composed {
        let group = group?;
        report.alerts += group.alerts;
        for (chat, text, email) in group.messages {
            out.messages
                .push(Outbound::text(chat, text.clone(), Vec::new()));
            if let (Some((to, subject)), true) = (email, state.mail_enabled) {
                out.emails.push(EmailJobPayload {
                    to: vec![to],
                    subject,
                    text: plain_text(&text),
                    html: Some(text.replace('\n', "<br>\n")),
                    attachment_paths: Vec::new(),
                });
            }
        }
    }
    if let Some(wait) = report.retry_after {
        let until = now + chrono::Duration::from_std(wait)?;
        store::set_flag(pool, "backoff", until).await?;
        queue
            .enqueue(super::jobs::EbayPoll::retry_at(until))
            .await?;
    }
    report.messages = out.messages.len();
    report.emails = out.emails.len();
    if !out.messages.is_empty() {
        queue
            .enqueue_many(std::mem::take(&mut out.messages))
            .await?;
    }
    if !out.emails.is_empty() {
        queue.enqueue_many(std::mem::take(&mut out.emails)).await?;
    }
    report.own_time = started.elapsed().saturating_sub(report.fetch_time);
    Ok(())
}

/// E-mail copy: address and subject.
type EmailTo = Option<(String, String)>;

/// One group's composed messages: (chat, HTML, e-mail copy).
struct Composed {
    alerts: usize,
    messages: Vec<(i64, String, EmailTo)>,
}

#[allow(clippy::too_many_arguments)]
async fn process_group(
    state: &EbayState,
    pool: &Pool,
    langs: &HashMap<i64, Lang>,
    key: &str,
    alerts: &[Alert],
    found: &SearchResult,
    now: DateTime<Utc>,
    stretch: f64,
) -> anyhow::Result<Composed> {
    // What each drop-watching alert saw at its previous poll: one read per
    // distinct poll time (alerts polled together share it). Those observations
    // predate `now`, so the read runs alongside storing this poll's.
    let last_seen = async {
        let mut seen_at: HashMap<DateTime<Utc>, HashMap<String, rust_decimal::Decimal>> =
            HashMap::new();
        for alert in alerts.iter().filter(|a| a.rules.drop_percent.is_some()) {
            if let Some(at) = alert.last_polled_at.filter(|at| !seen_at.contains_key(at)) {
                seen_at.insert(at, store::prices_seen_at(pool, key, at).await?);
            }
        }
        anyhow::Ok(seen_at)
    };
    let (before, seen_at) =
        futures::try_join!(store::record(pool, key, &found.items, now), last_seen)?;
    let average = if alerts.iter().any(|a| a.rules.below_average) {
        store::average_since(pool, key, now - chrono::Duration::days(14)).await?
    } else {
        None
    };
    let nothing_seen = HashMap::new();
    let ids: Vec<i64> = alerts.iter().map(|a| a.id).collect();
    let since = now - chrono::Duration::hours(i64::from(state.cooldown_hours));
    let cooled = store::cooldowns(pool, &ids, since).await?;
    let mut messages = Vec::new();
    let mut started = Vec::new();
    for alert in alerts {
        let lang = langs.get(&alert.chat_id).copied().unwrap_or_default();
        let email = alert.email.clone().map(|to| {
            let subject = fill(texts(lang).email_subject, &[("phrase", &alert.phrase)]);
            (to, subject)
        });
        if alert.last_polled_at.is_none() {
            messages.push((
                alert.chat_id,
                summary_message(lang, alert, &found.items),
                email,
            ));
            continue;
        }
        let last_seen = alert
            .last_polled_at
            .and_then(|at| seen_at.get(&at))
            .unwrap_or(&nothing_seen);
        let hits = evaluate(alert, &found.items, &before, last_seen, average, &cooled);
        if hits.is_empty() {
            continue;
        }
        for hit in &hits {
            started.push((
                alert.id,
                hit.item.item_id.clone(),
                hit.rule.code().to_string(),
                hit.item.price,
            ));
        }
        messages.push((alert.chat_id, hits_message(lang, alert, &hits), email));
    }
    store::start_cooldowns(pool, &started, now).await?;
    store::mark_polled(pool, &ids, now, stretch).await?;
    Ok(Composed {
        alerts: alerts.len(),
        messages,
    })
}
