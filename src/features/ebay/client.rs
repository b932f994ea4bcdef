//! eBay Browse API client: the client-credentials token (cached in the
//! database, shared by every worker) and `item_summary/search`.
//!
//! Invariants: at most one token is minted at a time across processes (an
//! advisory lock around the mint); a token is reused until 5 minutes before it
//! expires; a 401 (or errorId 1001) drops it, mints once and retries once.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use tokio::sync::Mutex;

use super::filters::Query;
use crate::db::Pool;

/// Mint a new token this long before the old one expires.
const REFRESH_MARGIN_SECS: i64 = 300;
const SCOPE: &str = "https://api.ebay.com/oauth/api_scope";

/// What went wrong talking to eBay, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum EbayError {
    /// The access token was refused even after minting a fresh one.
    #[error("eBay refused the access token")]
    Unauthorized,
    /// Over quota: try again after `retry_after`.
    #[error("eBay rate limit reached; retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// eBay rejected the request itself (bad filter, bad limit…): do not retry.
    #[error("eBay rejected the request (error {error_id}): {message}")]
    BadRequest { error_id: i64, message: String },
    /// 5xx, timeout or connection failure: retry later.
    #[error("eBay is unavailable: {0}")]
    Unavailable(String),
    /// The token endpoint refused the application's id/secret.
    #[error("eBay credentials rejected: {0}")]
    CredentialsRejected(String),
    /// The shared token could not be read or stored.
    #[error("eBay token storage failed: {0}")]
    Store(String),
}

/// One listing, parsed leniently: only `item_id` and `title` are required.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSummary {
    pub item_id: String,
    pub title: String,
    pub price: Option<Decimal>,
    pub currency: Option<String>,
    pub shipping: Option<Decimal>,
    pub condition: Option<String>,
    pub url: Option<String>,
}

/// A search result page.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub items: Vec<ItemSummary>,
    pub total: i64,
    /// Messages of `warnings[]` (already logged).
    pub warnings: Vec<String>,
}

/// A token and when it expires.
type CachedToken = (String, DateTime<Utc>);

/// The Browse API client. Cheap to clone; clones share the token cache.
#[derive(Clone)]
pub struct EbayClient {
    http: reqwest::Client,
    base: String,
    client_id: String,
    secret: SecretString,
    pool: Pool,
    cached: Arc<Mutex<Option<CachedToken>>>,
}

impl std::fmt::Debug for EbayClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EbayClient")
            .field("base", &self.base)
            .finish()
    }
}

fn unavailable(error: impl std::fmt::Display) -> EbayError {
    EbayError::Unavailable(error.to_string())
}

fn store_err(error: impl std::fmt::Display) -> EbayError {
    EbayError::Store(error.to_string())
}

impl EbayClient {
    /// A client for `base` (e.g. `https://api.ebay.com` or a local fake).
    pub fn new(base: &str, client_id: &str, secret: SecretString, pool: Pool) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            http,
            base: base.trim_end_matches('/').to_string(),
            client_id: client_id.to_string(),
            secret,
            pool,
            cached: Arc::new(Mutex::new(None)),
        }
    }

    /// A valid token: the in-process copy, the shared one, or a new one.
    pub async fn token(&self) -> Result<String, EbayError> {
        let fresh = |exp: &DateTime<Utc>| {
            *exp > Utc::now() + chrono::Duration::seconds(REFRESH_MARGIN_SECS)
        };
        let mut cached = self.cached.lock().await;
        if let Some((token, exp)) = cached.as_ref() {
            if fresh(exp) {
                return Ok(token.clone());
            }
        }
        let mut db = self.pool.get().await.map_err(store_err)?;
        let tx = db.transaction().await.map_err(store_err)?;
        // Serialises minting across processes; readers of a fresh row are not blocked long.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext('ebay_token'))", &[])
            .await
            .map_err(store_err)?;
        let row = tx
            .query_opt(
                "SELECT access_token, expires_at FROM ebay_token WHERE id = 1",
                &[],
            )
            .await
            .map_err(store_err)?;
        if let Some(row) = row {
            let (token, exp): (String, DateTime<Utc>) = (row.get(0), row.get(1));
            if fresh(&exp) {
                tx.commit().await.map_err(store_err)?;
                *cached = Some((token.clone(), exp));
                return Ok(token);
            }
        }
        let (token, exp) = self.mint().await?;
        tx.execute(
            "INSERT INTO ebay_token (id, access_token, expires_at) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET access_token = $1, expires_at = $2, minted_at = now()",
            &[&token, &exp],
        )
        .await
        .map_err(store_err)?;
        tx.execute(
            "INSERT INTO ebay_calls (day, mints) VALUES (CURRENT_DATE, 1) \
             ON CONFLICT (day) DO UPDATE SET mints = ebay_calls.mints + 1",
            &[],
        )
        .await
        .map_err(store_err)?;
        tx.commit().await.map_err(store_err)?;
        *cached = Some((token.clone(), exp));
        Ok(token)
    }

    /// Forgets `stale` everywhere (a newer token minted meanwhile is kept).
    pub async fn drop_token(&self, stale: &str) -> Result<(), EbayError> {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|(t, _)| t == stale) {
            *cached = None;
        }
        let db = self.pool.get().await.map_err(store_err)?;
        db.execute("DELETE FROM ebay_token WHERE access_token = $1", &[&stale])
            .await
            .map_err(store_err)?;
        Ok(())
    }

    async fn mint(&self) -> Result<(String, DateTime<Utc>), EbayError> {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.client_id,
            self.secret.expose_secret()
        ));
        let response = self
            .http
            .post(format!("{}/identity/v1/oauth2/token", self.base))
            .header("Authorization", format!("Basic {basic}"))
            .form(&[("grant_type", "client_credentials"), ("scope", SCOPE)])
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        let retry_after = retry_after(&response);
        let body: Value = response.json().await.unwrap_or(Value::Null);
        if status.is_success() {
            let token = body["access_token"].as_str().unwrap_or_default();
            if token.is_empty() {
                return Err(unavailable("token response without access_token"));
            }
            let secs = body["expires_in"].as_i64().unwrap_or(7200);
            return Ok((
                token.to_string(),
                Utc::now() + chrono::Duration::seconds(secs),
            ));
        }
        if status.as_u16() == 429 {
            return Err(EbayError::RateLimited { retry_after });
        }
        if status.is_server_error() {
            return Err(unavailable(format!("token endpoint answered {status}")));
        }
        let code = body["error"].as_str().unwrap_or("unknown_error");
        let detail = body["error_description"].as_str().unwrap_or("");
        Err(EbayError::CredentialsRejected(format!("{code}: {detail}")))
    }

    /// One search (sort `newlyListed`, limit 200), minting/retrying once on 401.
    pub async fn search(
        &self,
        query: &Query,
        marketplace: &str,
    ) -> Result<SearchResult, EbayError> {
        let token = self.token().await?;
        match self.search_once(&token, query, marketplace).await {
            Err(EbayError::Unauthorized) => {
                self.drop_token(&token).await?;
                let token = self.token().await?;
                self.search_once(&token, query, marketplace).await
            }
            other => other,
        }
    }

    async fn search_once(
        &self,
        token: &str,
        query: &Query,
        marketplace: &str,
    ) -> Result<SearchResult, EbayError> {
        let mut params = vec![
            ("q", query.q.as_str()),
            ("sort", "newlyListed"),
            ("limit", "200"),
        ];
        if !query.filter.is_empty() {
            params.push(("filter", query.filter.as_str()));
        }
        count_call(&self.pool).await?;
        let response = self
            .http
            .get(format!("{}/buy/browse/v1/item_summary/search", self.base))
            .bearer_auth(token)
            .header("X-EBAY-C-MARKETPLACE-ID", marketplace)
            .query(&params)
            .send()
            .await
            .map_err(unavailable)?;
        let status = response.status();
        let retry_after = retry_after(&response);
        let body: Value = response.json().await.unwrap_or(Value::Null);
        let first_error = body["errors"].as_array().and_then(|e| e.first()).cloned();
        let error_id = first_error
            .as_ref()
            .and_then(|e| e["errorId"].as_i64())
            .unwrap_or(0);
        if status.as_u16() == 401 || error_id == 1001 {
            return Err(EbayError::Unauthorized);
        }
        if status.as_u16() == 429 {
            return Err(EbayError::RateLimited { retry_after });
        }
        if status.is_server_error() {
            return Err(unavailable(format!("search answered {status}")));
        }
        if !status.is_success() {
            let message = first_error
                .as_ref()
                .and_then(|e| e["message"].as_str())
                .unwrap_or("no message")
                .to_string();
            return Err(EbayError::BadRequest { error_id, message });
        }
        Ok(parse_search(&body))
    }
}

/// Counts one Browse call against today's budget.
async fn count_call(pool: &Pool) -> Result<(), EbayError> {
    let db = pool.get().await.map_err(store_err)?;
    db.execute(
        "INSERT INTO ebay_calls (day, calls) VALUES (CURRENT_DATE, 1) \
         ON CONFLICT (day) DO UPDATE SET calls = ebay_calls.calls + 1",
        &[],
    )
    .await
    .map_err(store_err)?;
    Ok(())
}

fn retry_after(response: &reqwest::Response) -> Duration {
    let secs = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(60);
    Duration::from_secs(secs.clamp(1, 3600))
}

fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::String(s) => s.trim().parse().ok(),
        Value::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

/// Parses a search response; items without `itemId` or `title` are skipped,
/// unknown fields ignored, `warnings[]` logged.
pub fn parse_search(body: &Value) -> SearchResult {
    let warnings: Vec<String> = body["warnings"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|w| {
                    format!(
                        "{} {}",
                        w["errorId"].as_i64().unwrap_or(0),
                        w["message"].as_str().unwrap_or("")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for warning in &warnings {
        tracing::warn!(warning, "eBay search warning");
    }
    let items = body["itemSummaries"]
        .as_array()
        .map(|list| list.iter().filter_map(parse_item).collect())
        .unwrap_or_default();
    SearchResult {
        items,
        total: body["total"].as_i64().unwrap_or(0),
        warnings,
    }
}

fn parse_item(item: &Value) -> Option<ItemSummary> {
    let item_id = item["itemId"].as_str().filter(|s| !s.is_empty())?;
    let title = item["title"].as_str()?;
    let shipping = item["shippingOptions"].as_array().and_then(|options| {
        options
            .iter()
            .find_map(|o| decimal(&o["shippingCost"]["value"]))
    });
    let text = |v: &Value| v.as_str().map(str::to_string);
    Some(ItemSummary {
        item_id: item_id.to_string(),
        title: title.to_string(),
        price: decimal(&item["price"]["value"]),
        currency: text(&item["price"]["currency"]),
        shipping,
        condition: text(&item["condition"]),
        url: text(&item["itemWebUrl"]),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lenient_parsing_keeps_items_with_id_and_title() {
        let body = json!({
            "total": 3,
            "itemSummaries": [
                {"itemId": "v1|1|0", "title": "A", "price": {"value": "12.50", "currency": "USD"},
                 "shippingOptions": [{"shippingCost": {"value": "3.99", "currency": "USD"}}],
                 "condition": "New", "itemWebUrl": "https://e/1", "extra": {"x": 1}},
                {"itemId": "v1|2|0", "title": "B"},
                {"title": "no id"},
                {"itemId": "v1|3|0", "title": "C", "price": {"value": "oops"}}
            ],
            "warnings": [{"errorId": 12002, "message": "filter ignored"}]
        });
        let result = parse_search(&body);
        assert_eq!(result.items.len(), 3);
        assert_eq!(result.items[0].price, Some(Decimal::new(1250, 2)));
        assert_eq!(result.items[0].shipping, Some(Decimal::new(399, 2)));
        assert_eq!(result.items[1].price, None);
        assert_eq!(result.items[2].price, None);
        assert_eq!(result.warnings, vec!["12002 filter ignored".to_string()]);
        assert!(parse_search(&json!({})).items.is_empty());
    }
}
