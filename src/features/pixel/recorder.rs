//! Recording hits without waiting on the database.
//!
//! The endpoint pushes each hit into a bounded in-memory buffer and answers at
//! once. One flusher task writes the buffer every [`FLUSH_EVERY`] (sooner when
//! [`FLUSH_ROWS`] are waiting) with one multi-row `INSERT … SELECT unnest(…)`.
//! Tokens are resolved to pixels by the flusher through an in-memory cache
//! (one batched lookup for the misses). A failed write is retried with
//! backoff while new hits keep arriving; when the buffer is full the oldest
//! hits are kept and `pixel_hits_dropped_total` counts the rest.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use uuid::Uuid;

use super::classify::{classify, mask_ip, Kind};
use crate::db::Pool;
use crate::shutdown::Shutdown;

/// The flusher writes at least this often while hits are waiting.
pub const FLUSH_EVERY: Duration = Duration::from_millis(10);
/// This many waiting hits wake the flusher at once.
pub const FLUSH_ROWS: usize = 500;
/// Most hits in one write (a backlog after an outage is written in chunks).
const MAX_WRITE: usize = 5_000;
/// Default bound of the buffer (about 200 bytes a hit: ~40 MB).
pub const DEFAULT_CAPACITY: usize = 200_000;
/// Cache entries before the cache is cleared (bounds memory under enumeration).
const CACHE_LIMIT: usize = 1_000_000;
/// While stopping, a database that stays down this long loses the remaining hits.
const STOP_GRACE: Duration = Duration::from_secs(15);

/// One request for a valid-looking token.
#[derive(Debug, Clone)]
pub struct Hit {
    pub token: Uuid,
    pub at: DateTime<Utc>,
    /// The client's address (before masking), when known.
    pub ip: Option<IpAddr>,
    pub user_agent: String,
}

/// What a token points at.
#[derive(Debug, Clone, Copy)]
struct Resolved {
    pixel_id: i64,
    campaign_id: i64,
    scheduled_at: Option<DateTime<Utc>>,
}

struct Inner {
    buffer: Mutex<VecDeque<Hit>>,
    capacity: usize,
    wake: Notify,
    /// `None`: the token is unknown.
    cache: Mutex<HashMap<Uuid, Option<Resolved>>>,
    anonymize: bool,
    /// Pixels with human or proxy opens written since the notifier last looked.
    opened: Mutex<HashSet<i64>>,
    /// Live [`Producer`] handles.
    producers: AtomicUsize,
}

/// Held by a producer (the HTTP route) while it may still record: the
/// flusher stops only once every producer is dropped, so hits of requests
/// still in flight at shutdown are written too.
pub struct Producer {
    inner: Arc<Inner>,
}

impl Drop for Producer {
    fn drop(&mut self) {
        self.inner.producers.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The shared recorder: cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("capacity", &self.inner.capacity)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// A recorder holding at most `capacity` unwritten hits.
    pub fn new(capacity: usize, anonymize_ip: bool) -> Recorder {
        Recorder {
            inner: Arc::new(Inner {
                buffer: Mutex::new(VecDeque::with_capacity(capacity.min(16_384))),
                capacity: capacity.max(1),
                wake: Notify::new(),
                cache: Mutex::new(HashMap::new()),
                anonymize: anonymize_ip,
                opened: Mutex::new(HashSet::new()),
                producers: AtomicUsize::new(0),
            }),
        }
    }

    /// Queues a hit; never blocks on I/O. Returns false when the buffer was
    /// full and the hit was dropped.
    pub fn record(&self, hit: Hit) -> bool {
        let waiting = {
            let mut buffer = lock(&self.inner.buffer);
            if buffer.len() >= self.inner.capacity {
                drop(buffer);
                metrics::counter!("pixel_hits_dropped_total").increment(1);
                return false;
            }
            buffer.push_back(hit);
            buffer.len()
        };
        metrics::counter!("pixel_hits_total").increment(1);
        if waiting == FLUSH_ROWS {
            self.inner.wake.notify_one();
        }
        true
    }

    /// Hits waiting to be written.
    pub fn pending(&self) -> usize {
        lock(&self.inner.buffer).len()
    }

    /// Forgets cached tokens of `campaign_id` (after a delete or re-import).
    pub fn invalidate_campaign(&self, campaign_id: i64) {
        lock(&self.inner.cache)
            .retain(|_, entry| entry.is_none_or(|r| r.campaign_id != campaign_id));
    }

    /// Takes the pixels that got human or proxy opens since the last call.
    pub fn take_opened(&self) -> Vec<i64> {
        lock(&self.inner.opened).drain().collect()
    }

    /// Gives back pixels [`Recorder::take_opened`] returned that could not be
    /// handled (the database was down).
    pub fn return_opened(&self, pixels: Vec<i64>) {
        lock(&self.inner.opened).extend(pixels);
    }

    /// A handle producers keep while they may still record.
    pub fn producer(&self) -> Arc<Producer> {
        self.inner.producers.fetch_add(1, Ordering::SeqCst);
        Arc::new(Producer {
            inner: self.inner.clone(),
        })
    }

    /// Starts the flusher. It ends after `shutdown` once every producer
    /// handle is dropped and the buffer is written (or the database stayed
    /// down for [`STOP_GRACE`]).
    pub fn spawn_flusher(&self, pool: Pool, shutdown: &Shutdown) -> tokio::task::JoinHandle<()> {
        let inner = self.inner.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move { flush_loop(inner, pool, shutdown).await })
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

async fn flush_loop(inner: Arc<Inner>, pool: Pool, shutdown: Shutdown) {
    let mut stopping_since: Option<Instant> = None;
    loop {
        if stopping_since.is_none() {
            tokio::select! {
                _ = inner.wake.notified() => {}
                _ = tokio::time::sleep(FLUSH_EVERY) => {}
                _ = shutdown.wait() => { stopping_since = Some(Instant::now()); }
            }
        } else {
            tokio::time::sleep(FLUSH_EVERY).await;
        }
        let batch: Vec<Hit> = {
            let mut buffer = lock(&inner.buffer);
            let n = buffer.len().min(MAX_WRITE);
            buffer.drain(..n).collect()
        };
        if batch.is_empty() {
            let idle = inner.producers.load(Ordering::SeqCst) == 0;
            if stopping_since.is_some_and(|s| idle || s.elapsed() > STOP_GRACE) {
                return;
            }
            continue;
        }
        let mut backoff = Duration::from_millis(50);
        loop {
            match write(&inner, &pool, &batch).await {
                Ok(()) => break,
                Err(error) => {
                    metrics::counter!("pixel_flush_errors_total").increment(1);
                    tracing::warn!(error = %format!("{error:#}"), rows = batch.len(), "writing pixel hits failed; retrying");
                    if stopping_since.is_some_and(|s| s.elapsed() > STOP_GRACE) {
                        let lost = batch.len() + lock(&inner.buffer).len();
                        metrics::counter!("pixel_hits_dropped_total").increment(lost as u64);
                        tracing::error!(
                            lost,
                            "the database stayed down while stopping: pixel hits lost"
                        );
                        return;
                    }
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(2));
                    if stopping_since.is_none() && shutdown.is_triggered() {
                        stopping_since = Some(Instant::now());
                    }
                }
            }
        }
    }
}

/// Resolves the batch's tokens, classifies and writes the hits of known
/// pixels in one statement. Pixels deleted meanwhile are skipped by the join.
async fn write(inner: &Inner, pool: &Pool, batch: &[Hit]) -> anyhow::Result<()> {
    let client = pool.get().await.context("getting a database connection")?;
    let missing: Vec<Uuid> = {
        let cache = lock(&inner.cache);
        let set: HashSet<Uuid> = batch
            .iter()
            .map(|h| h.token)
            .filter(|t| !cache.contains_key(t))
            .collect();
        set.into_iter().collect()
    };
    if !missing.is_empty() {
        let rows = client
            .query(
                "SELECT p.token, p.id, c.campaign_id, c.scheduled_at
                 FROM pixel_pixels p JOIN pixel_contacts c ON c.id = p.contact_id
                 WHERE p.token = ANY($1)",
                &[&missing],
            )
            .await
            .context("looking up pixel tokens")?;
        let mut cache = lock(&inner.cache);
        if cache.len() + missing.len() > CACHE_LIMIT {
            cache.clear();
        }
        for token in &missing {
            cache.insert(*token, None);
        }
        for row in rows {
            let resolved = Resolved {
                pixel_id: row.get(1),
                campaign_id: row.get(2),
                scheduled_at: row.get(3),
            };
            cache.insert(row.get(0), Some(resolved));
        }
    }
    let (mut ids, mut times, mut ips, mut agents, mut kinds) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut opened = Vec::new();
    {
        let cache = lock(&inner.cache);
        for hit in batch {
            let Some(Some(target)) = cache.get(&hit.token) else {
                continue;
            };
            let since = target.scheduled_at.map(|s| (hit.at - s).num_seconds());
            let kind = classify(&hit.user_agent, hit.ip, since);
            if matches!(kind, Kind::Human | Kind::Proxy) {
                opened.push(target.pixel_id);
            }
            ids.push(target.pixel_id);
            times.push(hit.at);
            ips.push(hit.ip.map(|ip| mask_ip(ip, inner.anonymize)));
            agents.push(truncate(&hit.user_agent, 512));
            kinds.push(kind.as_str());
        }
    }
    if ids.is_empty() {
        return Ok(());
    }
    let written = client
        .execute(
            "INSERT INTO pixel_opens (pixel_id, opened_at, ip, user_agent, kind)
             SELECT u.pixel_id, u.opened_at, u.ip, u.user_agent, u.kind
             FROM unnest($1::bigint[], $2::timestamptz[], $3::inet[], $4::text[], $5::text[])
                  AS u(pixel_id, opened_at, ip, user_agent, kind)
             JOIN pixel_pixels p ON p.id = u.pixel_id",
            &[&ids, &times, &ips, &agents, &kinds],
        )
        .await
        .context("writing pixel hits")?;
    metrics::counter!("pixel_hits_written_total").increment(written);
    lock(&inner.opened).extend(opened);
    Ok(())
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit() -> Hit {
        Hit {
            token: Uuid::new_v4(),
            at: Utc::now(),
            ip: None,
            user_agent: String::new(),
        }
    }

    #[test]
    fn a_full_buffer_keeps_the_oldest() {
        let recorder = Recorder::new(2, true);
        let first = hit();
        assert!(recorder.record(first.clone()));
        assert!(recorder.record(hit()));
        assert!(!recorder.record(hit()));
        assert_eq!(recorder.pending(), 2);
        assert_eq!(lock(&recorder.inner.buffer)[0].token, first.token);
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate("ab", 5), "ab");
        assert_eq!(truncate("aéb", 2), "a");
    }
}
