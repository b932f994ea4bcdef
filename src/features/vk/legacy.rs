//! The optional adapter for the old VK API (`api.vk.com/method/ads.*`,
//! v=5.199) for users who already hold an `ads`-scoped token
//! (`vk.legacy.enabled`). Requests are POSTed as forms so the token never
//! appears in a URL (and so never in an error message or a log line).
//! Error 6 (too many requests per second) and 9 (flood control) are backed off
//! and retried; 601 (daily limit) stops until tomorrow; 5 asks to reconnect.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::NaiveDate;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::client::VkObject;
use super::model::{Base, DayRow, ItemStats};

/// The API version the adapter speaks.
pub const VERSION: &str = "5.199";
/// Most ids one `ads.getStatistics` request may carry.
pub const MAX_IDS: usize = 2000;
const MAX_RETRIES: u32 = 3;

/// What went wrong, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum LegacyError {
    /// Error 5: the token is invalid or revoked.
    #[error("VK rejected the token ({0}): reconnect this account")]
    Reconnect(String),
    /// Errors 6 / 9 persisted after backing off.
    #[error("VK flood control ({0}); retry later")]
    Flood(String),
    /// Error 601: too many actions today; stop until tomorrow.
    #[error("VK daily request limit reached ({0}); statistics resume tomorrow")]
    DailyLimit(String),
    /// Error 600: no permission on this ad account.
    #[error("VK denied access to the ad account ({0})")]
    Permission(String),
    /// Error 100, 603 and others.
    #[error("VK rejected the request: error {code}: {message}")]
    Api {
        /// `error_code`.
        code: i64,
        /// `error_msg`.
        message: String,
    },
    /// Network error or timeout.
    #[error("VK is unreachable: {0}")]
    Http(#[from] reqwest::Error),
    /// The answer is not in the documented shape.
    #[error("unexpected VK answer: {0}")]
    Decode(String),
}

impl LegacyError {
    /// Whether retrying later may help (flood control, network errors).
    pub fn is_transient(&self) -> bool {
        matches!(self, LegacyError::Flood(_) | LegacyError::Http(_))
    }
}

/// An ad account from `ads.getAccounts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyAccount {
    /// The ad account id (`account_id` of later calls).
    pub account_id: i64,
    /// Its name in the ads cabinet.
    pub name: String,
    /// `general` or `agency`.
    pub account_type: String,
    /// `account_status` is 1.
    pub active: bool,
}

/// The old-API client. Cheap to clone.
#[derive(Debug, Clone)]
pub struct LegacyClient {
    http: reqwest::Client,
    base: String,
    backoff: Duration,
}

impl LegacyClient {
    /// A client for `base_url` (`vk.legacy.api_base_url`, e.g. `https://api.vk.com`).
    pub fn new(base_url: &str) -> Result<Self, LegacyError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| LegacyError::Http(e.without_url()))?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            backoff: Duration::from_millis(500),
        })
    }

    /// Overrides the first back-off step for errors 6 and 9 (tests).
    pub fn with_backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The user's ad accounts.
    pub async fn accounts(&self, token: &SecretString) -> Result<Vec<LegacyAccount>, LegacyError> {
        let body = self.call("ads.getAccounts", token, &[]).await?;
        Ok(array(&body)?
            .iter()
            .filter_map(|a| {
                Some(LegacyAccount {
                    account_id: a["account_id"].as_i64()?,
                    name: a["account_name"].as_str().unwrap_or_default().to_string(),
                    account_type: a["account_type"].as_str().unwrap_or_default().to_string(),
                    active: a["account_status"].as_i64() == Some(1),
                })
            })
            .collect())
    }

    /// The campaigns of an ad account (status `active` / `stopped` / `deleted`).
    pub async fn campaigns(
        &self,
        token: &SecretString,
        account_id: i64,
    ) -> Result<Vec<VkObject>, LegacyError> {
        let params = [("account_id", account_id.to_string())];
        let body = self.call("ads.getCampaigns", token, &params).await?;
        Ok(array(&body)?
            .iter()
            .filter_map(|c| {
                let status = match c["status"].as_i64() {
                    Some(1) => "active",
                    Some(2) => "deleted",
                    _ => "stopped",
                };
                Some(VkObject {
                    id: c["id"].as_i64()?,
                    name: c["name"].as_str().unwrap_or_default().to_string(),
                    status: status.into(),
                })
            })
            .collect())
    }

    /// Daily campaign statistics, ≤ 2000 ids per request; days without
    /// activity are absent. The old API has no goals: they count as zero.
    pub async fn campaign_stats(
        &self,
        token: &SecretString,
        account_id: i64,
        ids: &[i64],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ItemStats>, LegacyError> {
        let mut out: BTreeMap<i64, Vec<DayRow>> = BTreeMap::new();
        for chunk in ids.chunks(MAX_IDS) {
            let joined: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let params = [
                ("account_id", account_id.to_string()),
                ("ids_type", "campaign".to_string()),
                ("ids", joined.join(",")),
                ("period", "day".to_string()),
                ("date_from", from.to_string()),
                ("date_to", to.to_string()),
            ];
            let body = self.call("ads.getStatistics", token, &params).await?;
            for item in array(&body)? {
                let Some(id) = item["id"].as_i64() else {
                    continue;
                };
                let rows = item["stats"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| {
                        let date =
                            NaiveDate::parse_from_str(s["day"].as_str()?, "%Y-%m-%d").ok()?;
                        let mut fields = s.clone();
                        fields["shows"] = s["impressions"].clone();
                        Some(DayRow {
                            date,
                            base: Base::parse(&fields),
                        })
                    });
                out.entry(id).or_default().extend(rows);
            }
        }
        Ok(out
            .into_iter()
            .map(|(id, mut rows)| {
                rows.sort_by_key(|r| r.date);
                ItemStats { id, rows }
            })
            .collect())
    }

    async fn call(
        &self,
        method: &str,
        token: &SecretString,
        params: &[(&str, String)],
    ) -> Result<Value, LegacyError> {
        let url = format!("{}/method/{method}", self.base);
        let mut form: Vec<(&str, String)> = params.to_vec();
        form.push(("access_token", token.expose_secret().to_string()));
        form.push(("v", VERSION.to_string()));
        let mut wait = self.backoff;
        for attempt in 0..=MAX_RETRIES {
            let response = self
                .http
                .post(&url)
                .form(&form)
                .send()
                .await
                .map_err(|e| e.without_url())?;
            let body: Value = response
                .json()
                .await
                .map_err(|e| LegacyError::Decode(e.without_url().to_string()))?;
            let error = &body["error"];
            if error.is_null() {
                return Ok(body["response"].clone());
            }
            let code = error["error_code"].as_i64().unwrap_or_default();
            let message = error["error_msg"].as_str().unwrap_or_default().to_string();
            match code {
                // 6: per-second limit, 9: flood control (back off longer).
                6 | 9 if attempt < MAX_RETRIES => {
                    let pause = if code == 9 { wait * 4 } else { wait };
                    tokio::time::sleep(pause).await;
                    wait *= 2;
                }
                6 | 9 => return Err(LegacyError::Flood(message)),
                5 => return Err(LegacyError::Reconnect(message)),
                601 => return Err(LegacyError::DailyLimit(message)),
                600 => return Err(LegacyError::Permission(message)),
                _ => return Err(LegacyError::Api { code, message }),
            }
        }
        Err(LegacyError::Flood("retries exhausted".into()))
    }
}

fn array(body: &Value) -> Result<&Vec<Value>, LegacyError> {
    body.as_array()
        .ok_or_else(|| LegacyError::Decode("response is not a list".into()))
}
