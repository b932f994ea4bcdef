//! A fake VK Ads API (wiremock) in the documented shapes: tokens (success,
//! invalid_client, the 5-token limit, refresh), paginated lists, day/summary
//! statistics with zero-activity days missing, ERR_LIMIT_EXCEEDED above
//! `max_ids` ids, 429 with rate-limit headers and 401 for expired tokens;
//! `oauth2/token/delete.json` deletes every token (recorded, or refused).
#![allow(dead_code)]

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Client id whose secret is `good-secret`; any other secret is invalid_client.
pub const GOOD_SECRET: &str = "good-secret";
/// The real API's limit of ids per statistics request.
pub const MAX_IDS_REAL: usize = 200;
/// A client id whose tokens are all in use (403).
pub const FULL_CLIENT: &str = "full-client";

/// What the fake knows and counts.
#[derive(Debug, Default)]
pub struct State {
    pub campaigns: usize,
    pub max_ids: usize,
    pub valid_tokens: HashSet<String>,
    pub refresh_tokens: HashSet<String>,
    pub issued: u32,
    pub refreshes: u32,
    /// Every credential is refused (the client secret was revoked).
    pub revoked: bool,
    /// `X-RateLimit-Hourly-Remaining` of the next answers.
    pub hourly_remaining: Option<u32>,
    /// Answer the next N API requests with 429.
    pub throttle_next: u32,
    /// Calls per path.
    pub calls: HashMap<String, u32>,
    /// The form of every `oauth2/token/delete.json` call.
    pub deletes: Vec<HashMap<String, String>>,
    /// Answer `oauth2/token/delete.json` with 500.
    pub fail_delete: bool,
}

/// The running fake.
pub struct FakeVk {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeVk {
    /// A fake with `campaigns` campaigns that refuses more than `max_ids` ids.
    pub async fn start(campaigns: usize, max_ids: usize) -> FakeVk {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            campaigns,
            max_ids,
            ..State::default()
        }));
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder(state.clone()))
            .mount(&server)
            .await;
        FakeVk { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut state)
    }

    /// Calls made to a path (e.g. `/api/v2/ad_plans.json`).
    pub fn calls(&self, path: &str) -> u32 {
        self.with(|s| s.calls.get(path).copied().unwrap_or(0))
    }

    /// Makes every issued access token expired (refresh tokens stay valid).
    pub fn expire_tokens(&self) {
        self.with(|s| s.valid_tokens.clear());
    }
}

/// Campaign ids are 1000 + i.
pub fn campaign_id(i: usize) -> i64 {
    1000 + i as i64
}

/// Whether the fake has activity for `id` on `day` (some days are absent).
pub fn active(id: i64, day: NaiveDate) -> bool {
    (id + i64::from(day.ordinal())) % 7 != 0
}

/// The fake's `base` metrics of `id` on an active day.
pub fn base(id: i64) -> Value {
    json!({
        "shows": 1000 + (id % 10) * 100,
        "clicks": 10 + id % 5,
        "spent": format!("{}.{:02}", 100 + id % 50, id % 100),
        "goals": if id % 4 == 0 { 0 } else { 1 },
        "ctr": 1.0, "cpc": "10.00", "cpm": "100.00", "cpa": "0", "cr": 0
    })
}

struct Responder(Arc<Mutex<State>>);

fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .set_body_json(body)
        .insert_header("X-RateLimit-RPS-Limit", "10")
        .insert_header("X-RateLimit-RPS-Remaining", "9")
        .insert_header("X-RateLimit-Hourly-Remaining", "1000")
        .insert_header("X-RateLimit-Daily-Remaining", "10000")
}

fn form(request: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

fn query(request: &Request) -> HashMap<String, String> {
    request.url.query_pairs().into_owned().collect()
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let path = request.url.path().to_string();
        *st.calls.entry(path.clone()).or_default() += 1;
        if path == "/api/v2/oauth2/token.json" {
            return token(&mut st, &form(request));
        }
        if path == "/api/v2/oauth2/token/delete.json" {
            return delete(&mut st, form(request));
        }
        if st.throttle_next > 0 {
            st.throttle_next -= 1;
            return ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .insert_header("X-RateLimit-RPS-Limit", "10")
                .insert_header("X-RateLimit-RPS-Remaining", "0")
                .set_body_json(
                    json!({"error": {"code": "ERR_LIMIT_EXCEEDED", "message": "rate"}}),
                );
        }
        let auth = request
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default()
            .to_string();
        if !st.valid_tokens.contains(&auth) {
            return json(
                401,
                json!({"code": "expired_token", "message": "Token expired"}),
            );
        }
        let q = query(request);
        match path.as_str() {
            "/api/v2/ad_plans.json" => match st.hourly_remaining {
                Some(left) => {
                    list(&st, &q).insert_header("X-RateLimit-Hourly-Remaining", left.to_string())
                }
                None => list(&st, &q),
            },
            p if p.starts_with("/api/v2/statistics/ad_plans/") => {
                stats(&st, &q, p.ends_with("summary.json"))
            }
            _ => json(
                404,
                json!({"error": {"code": "ERR_WRONG_PARAMETER", "message": "unknown path"}}),
            ),
        }
    }
}

fn token(st: &mut State, form: &HashMap<String, String>) -> ResponseTemplate {
    let grant = form
        .get("grant_type")
        .map(String::as_str)
        .unwrap_or_default();
    if grant == "refresh_token" {
        let given = form.get("refresh_token").cloned().unwrap_or_default();
        if !st.refresh_tokens.contains(&given) {
            return json(
                401,
                json!({"error": "invalid_grant", "error_description": "unknown refresh token"}),
            );
        }
        st.refreshes += 1;
    } else {
        if form.get("client_id").map(String::as_str) == Some(FULL_CLIENT) {
            return json(
                403,
                json!({"error": "token_limit_exceeded", "error_description": "too many tokens"}),
            );
        }
        if st.revoked || form.get("client_secret").map(String::as_str) != Some(GOOD_SECRET) {
            return json(
                401,
                json!({"code": "invalid_client", "message": "Invalid client credentials"}),
            );
        }
        if grant == "agency_client_credentials" && form.get("agency_client_name").is_none() {
            return json(400, json!({"error": "invalid_request"}));
        }
        st.issued += 1;
    }
    let n = st.issued + st.refreshes;
    let (access, refresh) = (format!("access-{n}"), format!("refresh-{n}"));
    st.valid_tokens.insert(access.clone());
    st.refresh_tokens.insert(refresh.clone());
    json(
        200,
        json!({
            "access_token": access, "token_type": "bearer", "scope": "read_ads",
            "expires_in": "86400", "refresh_token": refresh
        }),
    )
}

/// Deletes every token of the user (documented: `client_id`, `client_secret`,
/// optional `username` / `user_id`).
fn delete(st: &mut State, form: HashMap<String, String>) -> ResponseTemplate {
    let good = form.get("client_secret").map(String::as_str) == Some(GOOD_SECRET);
    st.deletes.push(form);
    if st.fail_delete {
        return json(
            500,
            json!({"error": {"code": "ERR_INTERNAL", "message": "try later"}}),
        );
    }
    if !good {
        return json(
            401,
            json!({"code": "invalid_client", "message": "Invalid client credentials"}),
        );
    }
    st.valid_tokens.clear();
    st.refresh_tokens.clear();
    ResponseTemplate::new(204)
}

fn list(st: &State, q: &HashMap<String, String>) -> ResponseTemplate {
    let limit: usize = q.get("limit").and_then(|v| v.parse().ok()).unwrap_or(20);
    let offset: usize = q.get("offset").and_then(|v| v.parse().ok()).unwrap_or(0);
    if limit > 50 {
        return json(
            400,
            json!({"error": {"code": "ERR_WRONG_PARAMETER", "message": "limit"}}),
        );
    }
    let items: Vec<Value> = (offset..(offset + limit).min(st.campaigns))
        .map(|i| {
            json!({
                "id": campaign_id(i),
                "name": format!("Campaign {i:03}"),
                "status": if i % 3 == 0 { "blocked" } else { "active" },
            })
        })
        .collect();
    json(
        200,
        json!({"count": st.campaigns, "offset": offset, "limit": limit, "items": items}),
    )
}

fn stats(st: &State, q: &HashMap<String, String>, summary: bool) -> ResponseTemplate {
    let ids: Vec<i64> = q
        .get("id")
        .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    let date = |k: &str| {
        q.get(k)
            .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    };
    let (Some(from), Some(to)) = (date("date_from"), date("date_to")) else {
        return json(
            400,
            json!({"error": {"code": "ERR_WRONG_DATE", "message": "dates"}}),
        );
    };
    if ids.len() > st.max_ids || (to - from).num_days() >= 366 {
        return json(
            400,
            json!({"error": {"code": "ERR_LIMIT_EXCEEDED", "message": "too many ids or days"}}),
        );
    }
    let items: Vec<Value> = ids
        .iter()
        .map(|&id| {
            let rows: Vec<Value> = from
                .iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| active(id, *d))
                .map(|d| json!({"date": d.to_string(), "base": base(id)}))
                .collect();
            if summary {
                json!({"id": id, "total": {"base": base(id)}})
            } else {
                json!({"id": id, "rows": rows, "total": {"base": base(id)}})
            }
        })
        .collect();
    json(200, json!({"items": items, "total": {"base": {}}}))
}
