//! The VK Ads API (ads.vk.com, v2): tokens, object lists and statistics.
//!
//! A plain client over `vk.api_base_url`. It knows nothing about storage:
//! [`super::store`] keeps one token per account and refreshes it under a
//! database lock. Pacing (429 back-off, `X-RateLimit-*`) is in
//! `throttle`; errors in [`super::error`].

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use reqwest::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

pub use super::error::VkError;
use super::error::{error_of, json_of};
use super::model::{parse_items, parse_object};
pub use super::model::{Base, DayRow, ItemStats, StatsLevel, VkObject};
use super::throttle::{budget_key, Throttle};

/// Most ids one statistics request may carry.
pub const MAX_IDS: usize = 200;
/// Most days one statistics request may span.
pub const MAX_DAYS: i64 = 366;
/// Page size of list endpoints (the API's maximum).
pub const PAGE: usize = 50;

/// Connection credentials; the secret is never logged.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The client id of the API access.
    pub client_id: String,
    /// The client secret of the API access.
    pub client_secret: SecretString,
    /// Set for an agency acting for one of its clients.
    pub agency_client_name: Option<String>,
}

/// A token pair from the token endpoint.
#[derive(Debug, Clone)]
pub struct TokenSet {
    /// The bearer token of API calls.
    pub access_token: SecretString,
    /// Renews the access token (a refresh kills the old access token).
    pub refresh_token: Option<SecretString>,
    /// Lifetime in seconds.
    pub expires_in: i64,
}

/// The VK Ads client. Cheap to clone; clones share the call counter.
#[derive(Debug, Clone)]
pub struct VkClient {
    http: reqwest::Client,
    base: String,
    throttle: Throttle,
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
            throttle: Throttle::new(),
        })
    }

    /// Overrides the 429 back-off step and the rate-limit pause (tests, benches).
    pub fn with_timing(mut self, backoff: Duration, pace: Duration) -> Self {
        self.throttle.backoff = backoff;
        self.throttle.pace = pace;
        self
    }

    /// HTTP requests made so far (all clones together).
    pub fn calls(&self) -> u64 {
        self.throttle.calls()
    }

    /// A new token by client credentials (own or agency client).
    pub async fn token(&self, creds: &Credentials) -> Result<TokenSet, VkError> {
        let mut form = secret_form(creds);
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
        let mut form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose_secret().to_string()),
        ];
        form.extend(secret_form(creds));
        self.token_request(&form).await
    }

    /// Deletes every token of the credentials' user at VK Ads
    /// (`POST /api/v2/oauth2/token/delete.json` with `client_id`,
    /// `client_secret` and, for an agency client, `username`). VK has no
    /// per-token delete: other holders of the same credentials get a new
    /// token on their next call.
    pub async fn delete_tokens(&self, creds: &Credentials) -> Result<(), VkError> {
        let mut form = secret_form(creds);
        if let Some(name) = &creds.agency_client_name {
            form.push(("username", name.clone()));
        }
        let url = format!("{}/api/v2/oauth2/token/delete.json", self.base);
        let response = self
            .throttle
            .send(0, || self.http.post(&url).form(&form))
            .await?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let text = response.text().await?;
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        Err(error_of(status, &body))
    }

    async fn token_request(&self, form: &[(&str, String)]) -> Result<TokenSet, VkError> {
        let url = format!("{}/api/v2/oauth2/token.json", self.base);
        let response = self
            .throttle
            .send(0, || self.http.post(&url).form(form))
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
            .throttle
            .send(budget_key(token), || {
                self.http
                    .get(&url)
                    .query(query)
                    .bearer_auth(token.expose_secret())
            })
            .await?;
        json_of(response).await
    }
}

/// `client_id` and `client_secret` as form fields.
fn secret_form(creds: &Credentials) -> Vec<(&'static str, String)> {
    vec![
        ("client_id", creds.client_id.clone()),
        (
            "client_secret",
            creds.client_secret.expose_secret().to_string(),
        ),
    ]
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
