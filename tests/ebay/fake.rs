//! A fake eBay (wiremock) speaking the documented wire format: the OAuth
//! token endpoint and Browse `item_summary/search`, with listings per `q`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN_PATH: &str = "/identity/v1/oauth2/token";
pub const SEARCH_PATH: &str = "/buy/browse/v1/item_summary/search";

/// The fake: listings per search phrase (`q`), tokens `tok-1`, `tok-2`…
pub struct FakeEbay {
    pub server: MockServer,
    pub listings: Arc<Mutex<HashMap<String, Vec<Value>>>>,
    pub mints: Arc<AtomicUsize>,
}

/// A realistic item summary with every field eBay documents.
pub fn item(id: u32, title: &str, price: &str) -> Value {
    json!({
        "itemId": format!("v1|{id}|0"),
        "legacyItemId": id.to_string(),
        "title": title,
        "price": {"value": price, "currency": "USD"},
        "marketingPrice": {"originalPrice": {"value": "999.00", "currency": "USD"}, "discountPercentage": "10"},
        "buyingOptions": ["FIXED_PRICE"],
        "condition": "Used",
        "conditionId": "3000",
        "image": {"imageUrl": format!("https://i.ebayimg.test/{id}.jpg")},
        "itemWebUrl": format!("https://www.ebay.test/itm/{id}"),
        "seller": {"username": "seller1", "feedbackPercentage": "99.5", "feedbackScore": 1200},
        "shippingOptions": [{"shippingCostType": "FIXED", "shippingCost": {"value": "4.99", "currency": "USD"}}],
        "itemLocation": {"postalCode": "951**", "country": "US"},
        "categories": [{"categoryId": "3323", "categoryName": "Lenses"}],
        "itemCreationDate": "2026-03-01T10:00:00.000Z"
    })
}

impl FakeEbay {
    /// Token lifetime 7200 s.
    pub async fn start() -> FakeEbay {
        Self::start_with(7200).await
    }

    /// Tokens live `expires_in` seconds.
    pub async fn start_with(expires_in: i64) -> FakeEbay {
        Self::start_full(expires_in, Duration::ZERO).await
    }

    /// Every search answers after `delay` (so concurrent cycles overlap).
    pub async fn start_slow(delay: Duration) -> FakeEbay {
        Self::start_full(7200, delay).await
    }

    async fn start_full(expires_in: i64, delay: Duration) -> FakeEbay {
        let server = MockServer::start().await;
        let mints = Arc::new(AtomicUsize::new(0));
        let counter = mints.clone();
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(move |_: &Request| {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                ResponseTemplate::new(200).set_body_json(json!({
                    "access_token": format!("tok-{n}"),
                    "expires_in": expires_in,
                    "token_type": "Application Access Token"
                }))
            })
            .mount(&server)
            .await;
        let listings: Arc<Mutex<HashMap<String, Vec<Value>>>> = Arc::default();
        let shared = listings.clone();
        Mock::given(method("GET"))
            .and(path(SEARCH_PATH))
            .respond_with(move |request: &Request| {
                let authorized = request
                    .headers
                    .get("authorization")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.starts_with("Bearer tok-"));
                if !authorized {
                    return ResponseTemplate::new(401).set_body_json(json!({"errors": [
                        {"errorId": 1001, "domain": "OAuth", "category": "REQUEST", "message": "Invalid access token"}
                    ]}));
                }
                let q = request
                    .url
                    .query_pairs()
                    .find(|(k, _)| k == "q")
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default();
                let items = shared.lock().unwrap().get(&q).cloned().unwrap_or_default();
                ResponseTemplate::new(200)
                    .set_body_json(json!({
                        "href": request.url.to_string(),
                        "total": items.len(),
                        "limit": 200,
                        "offset": 0,
                        "itemSummaries": items
                    }))
                    .set_delay(delay)
            })
            .mount(&server)
            .await;
        FakeEbay {
            server,
            listings,
            mints,
        }
    }

    /// What a search for `q` returns from now on.
    pub fn set(&self, q: &str, items: Vec<Value>) {
        self.listings.lock().unwrap().insert(q.to_string(), items);
    }

    /// Base URL for `ebay.api_base_url`.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// Requests received on `path`.
    pub async fn count(&self, path: &str) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == path)
            .count()
    }
}
