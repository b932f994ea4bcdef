//! The VK Ads API (ads.vk.com, v2): tokens, object lists and statistics.
//!
//! A plain client over `vk.api_base_url`. It knows nothing about storage:
//! [`super::store`] keeps one token per account and refreshes it under a
//! database lock. Requests respect `X-RateLimit-*` (a pause when the
//! per-second budget is spent) and back off on 429.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use reqwest::{Response, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::model::{parse_items, parse_object};
pub use super::model::{Base, DayRow, ItemStats, StatsLevel, VkObject};

/// Most ids one statistics request may carry.
pub const MAX_IDS: usize = 200;
/// Most days one statistics request may span.
pub const MAX_DAYS: i64 = 366;
/// Page size of list endpoints (the API's maximum).
pub const PAGE: usize = 50;
const MAX_429_RETRIES: u32 = 4;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum VkError {
    /// Client id / secret rejected or revoked: the owner must reconnect.
    #[error("VK Ads rejected the credentials ({0}): reconnect this account")]
    InvalidCredentials(String),
    /// The access token expired or is invalid: refresh it and retry.
    #[error("the VK Ads access token is no longer valid ({0})")]
    TokenExpired(String),
    /// 403 on the token endpoint: the app already holds 5 live tokens.
    #[error("VK Ads allows only 5 live tokens per client id and they are in use: delete old tokens (oauth2/token/delete.json) or wait for them to expire")]
    TokenLimit,
    /// Too many requests even after backing off.
    #[error("VK Ads rate limit reached; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// ERR_LIMIT_EXCEEDED on a request that cannot be split further.
    #[error("VK Ads refused the request as too large: {0}")]
    LimitExceeded(String),
    /// ERR_ACCESS_DENIED: the account may not see these objects.
    #[error("VK Ads denied access: {0}")]
    AccessDenied(String),
    /// ERR_WRONG_PARAMETER / ERR_WRONG_DATE / ERR_WRONG_IDS: a bug on our side or bad input.
    #[error("VK Ads rejected the request: {0}")]
    Invalid(String),
    /// ERR_INTERNAL or a 5xx: retry later.
    #[error("VK Ads failed on its side: {0}")]
    Server(String),
    /// Network error or timeout.
    #[error("VK Ads is unreachable: {0}")]
    Http(#[from] reqwest::Error),
    /// The answer is not in the documented shape.
    #[error("unexpected VK Ads answer: {0}")]
    Decode(String),
}

impl VkError {
    /// Whether retrying later may help (a job should retry, not give up).
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            VkError::RateLimited { .. } | VkError::Server(_) | VkError::Http(_)
        )
    }
}

/// Connection credentials; the secret is never logged.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub client_id: String,
    pub client_secret: SecretString,
    /// Set for an agency acting for one of its clients.
    pub agency_client_name: Option<String>,
}

/// A token pair from the token endpoint.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: SecretString,
    pub refresh_token: Option<SecretString>,
    /// Lifetime in seconds.
    pub expires_in: i64,
}

/// The VK Ads client. Cheap to clone; clones share the call counter.
#[derive(Debug, Clone)]
pub struct VkClient {
    http: reqwest::Client,
    base: String,
    /// First 429 back-off step when the answer has no `Retry-After`.
    backoff: Duration,
    /// Pause taken when the per-second budget is spent.
    pace: Duration,
    calls: Arc<AtomicU64>,
    /// Per token (budgets are per user): set when the hourly or daily budget
    /// is spent; no request with that token before then. Keyed by a hash so
    /// no token is kept here.
    blocked_until: Arc<Mutex<HashMap<u64, Instant>>>,
}

impl VkClient {
    /// A client for `base_url` (e.g. `https://ads.vk.com`), 30 s timeout.
    pub fn new(base_url: &str) -> Result<Self, VkError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            backoff: Duration::from_secs(1),
            pace: Duration::from_secs(1),
            calls: Arc::new(AtomicU64::new(0)),
            blocked_until: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// Overrides the 429 back-off step and the rate-limit pause (tests, benches).
    pub fn with_timing(mut self, backoff: Duration, pace: Duration) -> Self {
        self.backoff = backoff;
        self.pace = pace;
        self
    }

    /// HTTP requests made so far (all clones together).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// A new token by client credentials (own or agency client).
    pub async fn token(&self, creds: &Credentials) -> Result<TokenSet, VkError> {
        let mut form = vec![
            ("client_id", creds.client_id.clone()),
            (
                "client_secret",
                creds.client_secret.expose_secret().to_string(),
            ),
        ];
        match &creds.agency_client_name {
            Some(name) => {
                form.push(("grant_type", "agency_client_credentials".into()));
                form.push(("agency_client_name", name.clone()));
            }
            None => form.push(("grant_type", "client_credentials".into())),
        }
        self.token_request(&form).await
    }

    /// A fresh pair for a refresh token (the old access token stops working).
    pub async fn refresh(
        &self,
        creds: &Credentials,
        refresh_token: &SecretString,
    ) -> Result<TokenSet, VkError> {
        let form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose_secret().to_string()),
            ("client_id", creds.client_id.clone()),
            (
                "client_secret",
                creds.client_secret.expose_secret().to_string(),
            ),
        ];
        self.token_request(&form).await
    }

    async fn token_request(&self, form: &[(&str, String)]) -> Result<TokenSet, VkError> {
        let url = format!("{}/api/v2/oauth2/token.json", self.base);
        let response = self
            .send_with_backoff(0, || self.http.post(&url).form(form))
            .await?;
        if response.status() == StatusCode::FORBIDDEN {
            return Err(VkError::TokenLimit);
        }
        let body = json_of(response).await?;
        let access = body["access_token"]
            .as_str()
            .ok_or_else(|| VkError::Decode("token answer without access_token".into()))?;
        let expires_in = match &body["expires_in"] {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
        .unwrap_or(86_400);
        Ok(TokenSet {
            access_token: SecretString::from(access.to_string()),
            refresh_token: body["refresh_token"]
                .as_str()
                .map(|s| SecretString::from(s.to_string())),
            expires_in,
        })
    }

    /// Every object of a list endpoint (`ad_plans`, `ad_groups`, `banners`,
    /// `agency/clients`), paging by 50; deleted objects are left out.
    pub async fn list(&self, token: &SecretString, what: &str) -> Result<Vec<VkObject>, VkError> {
        let mut out = Vec::new();
        let mut offset = 0usize;
        loop {
            let mut query = vec![("limit", PAGE.to_string()), ("offset", offset.to_string())];
            if what != "agency/clients" {
                query.push(("fields", "id,name,status".into()));
                query.push(("_status__ne", "deleted".into()));
            }
            let body = self
                .get(token, &format!("/api/v2/{what}.json"), &query)
                .await?;
            let items = body["items"]
                .as_array()
                .ok_or_else(|| VkError::Decode(format!("{what}: no items")))?;
            out.extend(items.iter().filter_map(parse_object));
            let count = body["count"].as_u64().unwrap_or(0) as usize;
            offset += items.len();
            if items.is_empty() || offset >= count {
                return Ok(out);
            }
        }
    }

    /// Daily base statistics of `ids` from `from` to `to` (inclusive), one
    /// entry per id with rows sorted by date (days without activity absent).
    /// Chunked to ≤ 200 ids and ≤ 366 days; split further on ERR_LIMIT_EXCEEDED.
    pub async fn day_stats(
        &self,
        token: &SecretString,
        level: StatsLevel,
        ids: &[i64],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ItemStats>, VkError> {
        let mut merged: BTreeMap<i64, BTreeMap<NaiveDate, Base>> = BTreeMap::new();
        let mut work: Vec<(Vec<i64>, NaiveDate, NaiveDate)> = Vec::new();
        for chunk in ids.chunks(MAX_IDS) {
            let mut start = from;
            while start <= to {
                let end = (start + chrono::Days::new(MAX_DAYS as u64 - 1)).min(to);
                work.push((chunk.to_vec(), start, end));
                start = end + chrono::Days::new(1);
            }
        }
        while let Some((ids, from, to)) = work.pop() {
            let path = format!("/api/v2/statistics/{}/day.json", level.path());
            let query = stats_query(&ids, from, to);
            match self.get(token, &path, &query).await {
                Ok(body) => {
                    for item in parse_items(&body)? {
                        let days = merged.entry(item.id).or_default();
                        for row in item.rows {
                            days.insert(row.date, row.base);
                        }
                    }
                }
                Err(VkError::LimitExceeded(message)) => {
                    let days = (to - from).num_days() + 1;
                    if ids.len() > 1 {
                        let (a, b) = ids.split_at(ids.len() / 2);
                        work.push((a.to_vec(), from, to));
                        work.push((b.to_vec(), from, to));
                    } else if days > 1 {
                        let mid = from + chrono::Days::new(days as u64 / 2 - 1);
                        work.push((ids.clone(), from, mid));
                        work.push((ids, mid + chrono::Days::new(1), to));
                    } else {
                        return Err(VkError::LimitExceeded(message));
                    }
                }
                Err(other) => return Err(other),
            }
        }
        Ok(merged
            .into_iter()
            .map(|(id, days)| ItemStats {
                id,
                rows: days
                    .into_iter()
                    .map(|(date, base)| DayRow { date, base })
                    .collect(),
            })
            .collect())
    }

    /// Totals per id over the period (`summary.json`), ≤ 200 ids per request.
    pub async fn summary_stats(
        &self,
        token: &SecretString,
        level: StatsLevel,
        ids: &[i64],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(i64, Base)>, VkError> {
        let mut out = Vec::new();
        for chunk in ids.chunks(MAX_IDS) {
            let path = format!("/api/v2/statistics/{}/summary.json", level.path());
            let body = self
                .get(token, &path, &stats_query(chunk, from, to))
                .await?;
            for item in body["items"].as_array().into_iter().flatten() {
                let id = item["id"].as_i64().unwrap_or_default();
                out.push((id, Base::parse(&item["total"]["base"])));
            }
        }
        Ok(out)
    }

    async fn get(
        &self,
        token: &SecretString,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Value, VkError> {
        let url = format!("{}{path}", self.base);
        let response = self
            .send_with_backoff(budget_key(token), || {
                self.http
                    .get(&url)
                    .query(query)
                    .bearer_auth(token.expose_secret())
            })
            .await?;
        json_of(response).await
    }

    /// Sends, backing off on 429 (`Retry-After`, else doubling steps). Slows
    /// down before the limits: pauses when at most one request is left in the
    /// current second, and when the hourly or daily budget is spent, refuses
    /// further requests (`RateLimited`) until it renews instead of provoking 429s.
    async fn send_with_backoff(
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
fn budget_key(token: &SecretString) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.expose_secret().hash(&mut hasher);
    hasher.finish().max(1)
}

fn stats_query(ids: &[i64], from: NaiveDate, to: NaiveDate) -> Vec<(&'static str, String)> {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    vec![
        ("id", ids.join(",")),
        ("date_from", from.to_string()),
        ("date_to", to.to_string()),
        ("metrics", "base".into()),
    ]
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

/// The JSON body of a successful answer, or the error it describes.
async fn json_of(response: Response) -> Result<Value, VkError> {
    let status = response.status();
    let text = response.text().await?;
    let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    if status.is_success() {
        return match body {
            Value::Null => Err(VkError::Decode(format!("not JSON (HTTP {status})"))),
            body => Ok(body),
        };
    }
    Err(error_of(status, &body))
}

fn error_of(status: StatusCode, body: &Value) -> VkError {
    // 401 bodies are `{code, message}`; OAuth ones `{error, error_description}`;
    // API errors `{error: {code, message}}`.
    let nested = &body["error"];
    let code = nested["code"]
        .as_str()
        .or_else(|| body["code"].as_str())
        .or_else(|| nested.as_str())
        .unwrap_or_default()
        .to_string();
    let message = nested["message"]
        .as_str()
        .or_else(|| body["message"].as_str())
        .or_else(|| body["error_description"].as_str())
        .unwrap_or_default();
    let what = if message.is_empty() {
        code.clone()
    } else {
        format!("{code}: {message}")
    };
    match code.as_str() {
        "invalid_client" | "revoked_token" | "invalid_grant" | "unauthorized_client" => {
            VkError::InvalidCredentials(code)
        }
        "invalid_token" | "expired_token" => VkError::TokenExpired(code),
        "ERR_LIMIT_EXCEEDED" => VkError::LimitExceeded(what),
        "ERR_ACCESS_DENIED" => VkError::AccessDenied(what),
        "ERR_WRONG_PARAMETER" | "ERR_WRONG_DATE" | "ERR_WRONG_IDS" => VkError::Invalid(what),
        _ if status == StatusCode::UNAUTHORIZED => VkError::TokenExpired(what),
        _ if status == StatusCode::FORBIDDEN => VkError::AccessDenied(what),
        _ if status.is_server_error() || code == "ERR_INTERNAL" => VkError::Server(what),
        _ => VkError::Invalid(format!("HTTP {status} {what}")),
    }
}
