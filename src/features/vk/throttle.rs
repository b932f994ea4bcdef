//! Request pacing for the VK Ads API: 429 answers are backed off
//! (`Retry-After`, else doubling steps); `X-RateLimit-*` headers slow the
//! client down before the limits are hit. Budgets are per user, so they are
//! kept per token (by a hash: no token is stored here).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};

use super::error::VkError;

/// How many times a 429 is backed off before giving up.
const MAX_429_RETRIES: u32 = 4;

/// Shared pacing state. Cheap to clone; clones share counters and budgets.
#[derive(Debug, Clone)]
pub(super) struct Throttle {
    /// First 429 back-off step when the answer has no `Retry-After`.
    pub(super) backoff: Duration,
    /// Pause taken when the per-second budget is spent.
    pub(super) pace: Duration,
    calls: Arc<AtomicU64>,
    /// Per token: set when the hourly or daily budget is spent; no request
    /// with that token before then.
    blocked_until: Arc<Mutex<HashMap<u64, Instant>>>,
}

impl Throttle {
    /// A throttle with 1 s back-off and pause steps.
    pub(super) fn new() -> Self {
        Self {
            backoff: Duration::from_secs(1),
            pace: Duration::from_secs(1),
            calls: Arc::new(AtomicU64::new(0)),
            blocked_until: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// HTTP requests made so far.
    pub(super) fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Sends, backing off on 429 (`Retry-After`, else doubling steps). Slows
    /// down before the limits: pauses when at most one request is left in the
    /// current second, and when the hourly or daily budget is spent, refuses
    /// further requests (`RateLimited`) until it renews instead of provoking
    /// 429s. `key` is the budget ([`budget_key`]; 0 for the token endpoint).
    pub(super) async fn send(
        &self,
        key: u64,
        build: impl Fn() -> reqwest::RequestBuilder,
    ) -> Result<Response, VkError> {
        let blocked = self
            .blocked_until
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .copied();
        if let Some(until) = blocked {
            let now = Instant::now();
            if until > now {
                return Err(VkError::RateLimited {
                    retry_after: until - now,
                });
            }
        }
        let mut step = self.backoff;
        for attempt in 0..=MAX_429_RETRIES {
            self.calls.fetch_add(1, Ordering::Relaxed);
            let response = build().send().await?;
            let wait = retry_after(&response).unwrap_or(step);
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                if attempt == MAX_429_RETRIES {
                    return Err(VkError::RateLimited { retry_after: wait });
                }
                tracing::debug!(?wait, "VK Ads answered 429; backing off");
                tokio::time::sleep(wait).await;
                step *= 2;
                continue;
            }
            let spent = if header_u64(&response, "x-ratelimit-daily-remaining") == Some(0) {
                Some(Duration::from_secs(24 * 3600))
            } else if header_u64(&response, "x-ratelimit-hourly-remaining") == Some(0) {
                Some(Duration::from_secs(3600))
            } else {
                None
            };
            if let Some(window) = spent {
                tracing::warn!(?window, "VK Ads request budget spent; pausing requests");
                self.blocked_until
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, Instant::now() + window);
            }
            if header_u64(&response, "x-ratelimit-rps-remaining").is_some_and(|left| left <= 1) {
                tokio::time::sleep(self.pace).await;
            }
            return Ok(response);
        }
        Err(VkError::RateLimited { retry_after: step })
    }
}

/// The rate-limit bucket of a token (its hash; 0 is the token endpoint).
pub(super) fn budget_key(token: &SecretString) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.expose_secret().hash(&mut hasher);
    hasher.finish().max(1)
}

fn header_u64(response: &Response, name: &str) -> Option<u64> {
    response
        .headers()
        .get(name)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn retry_after(response: &Response) -> Option<Duration> {
    header_u64(response, "retry-after").map(Duration::from_secs)
}
