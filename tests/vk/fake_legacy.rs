//! A fake of the old VK API (`api.vk.com/method/ads.*`, wiremock) in the
//! documented shapes: `ads.getAccounts`, `ads.getCampaigns`,
//! `ads.getStatistics` (`period=day`, days without activity absent),
//! `{"error": {"error_code", "error_msg", "request_params"}}` errors: 5 for a
//! wrong or revoked token, 6 / 9 for the next N calls, 601 for statistics
//! once the daily limit is "spent", 100 for bad parameters.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The token the fake accepts.
pub const LEGACY_TOKEN: &str = "vk1.a.legacy-good-token_0123456789";
/// The own ad account of the token.
pub const AD_ACCOUNT: i64 = 7001;

/// What the fake knows and counts.
#[derive(Debug)]
pub struct State {
    /// The token that works (others get error 5).
    pub token: String,
    /// `(account_id, name, account_type)` of `ads.getAccounts`.
    pub accounts: Vec<(i64, String, String)>,
    /// Campaigns per ad account (the last one is deleted).
    pub campaigns: usize,
    /// The next N calls answer error 6 (too many requests per second).
    pub flood_next: u32,
    /// `ads.getStatistics` answers 601 (too many actions today).
    pub daily_limit: bool,
    /// Calls per method, and their forms.
    pub calls: Vec<(String, HashMap<String, String>)>,
}

/// The running fake.
pub struct FakeLegacy {
    pub server: MockServer,
    pub state: Arc<Mutex<State>>,
}

impl FakeLegacy {
    /// A fake whose token sees one own ad account (plus an agency cabinet)
    /// with `campaigns` campaigns.
    pub async fn start(campaigns: usize) -> FakeLegacy {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            token: LEGACY_TOKEN.into(),
            accounts: vec![
                (AD_ACCOUNT, "Shop cabinet".into(), "general".into()),
                (7002, "Agency".into(), "agency".into()),
            ],
            campaigns,
            flood_next: 0,
            daily_limit: false,
            calls: Vec::new(),
        }));
        Mock::given(wiremock::matchers::any())
            .respond_with(Responder(state.clone()))
            .mount(&server)
            .await;
        FakeLegacy { server, state }
    }

    pub fn uri(&self) -> String {
        self.server.uri()
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut state)
    }

    /// Calls made to a method (e.g. `ads.getStatistics`).
    pub fn calls(&self, method: &str) -> usize {
        self.with(|s| s.calls.iter().filter(|(m, _)| m == method).count())
    }
}

/// Campaign ids are 500 + i.
pub fn campaign_id(i: usize) -> i64 {
    500 + i as i64
}

/// Whether a campaign has activity on a day (some days are absent).
pub fn active(id: i64, day: NaiveDate) -> bool {
    (id + i64::from(day.ordinal())) % 5 != 0
}

struct Responder(Arc<Mutex<State>>);

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({ "response": body }))
}

fn error(code: i64, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "error": {"error_code": code, "error_msg": message, "request_params": []}
    }))
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut st = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let method = request
            .url
            .path()
            .strip_prefix("/method/")
            .unwrap_or_default()
            .to_string();
        let form: HashMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        st.calls.push((method.clone(), form.clone()));
        if request.method.as_str() != "POST" || form.get("v").map(String::as_str) != Some("5.199") {
            return error(
                100,
                "One of the parameters specified was missing or invalid",
            );
        }
        if form.get("access_token") != Some(&st.token) {
            return error(5, "User authorization failed: invalid access_token");
        }
        if st.flood_next > 0 {
            st.flood_next -= 1;
            return error(6, "Too many requests per second");
        }
        let account = form.get("account_id").and_then(|v| v.parse::<i64>().ok());
        match method.as_str() {
            "ads.getAccounts" => ok(Value::Array(
                st.accounts
                    .iter()
                    .map(|(id, name, kind)| {
                        json!({"account_id": id, "account_type": kind, "account_status": 1,
                               "account_name": name, "access_role": "admin"})
                    })
                    .collect(),
            )),
            "ads.getCampaigns" if account == Some(AD_ACCOUNT) => ok(Value::Array(
                (0..st.campaigns)
                    .map(|i| {
                        let status = if i + 1 == st.campaigns { 2 } else { i64::from(i % 2 == 0) };
                        json!({"id": campaign_id(i), "name": format!("Old {i:02}"), "status": status,
                               "type": "normal", "day_limit": "0", "all_limit": "0"})
                    })
                    .collect(),
            )),
            "ads.getStatistics" if account == Some(AD_ACCOUNT) => {
                if st.daily_limit {
                    return error(601, "Permission denied. You have requested too many actions this day. Try later.");
                }
                stats(&form)
            }
            _ => error(100, "One of the parameters specified was missing or invalid"),
        }
    }
}

fn stats(form: &HashMap<String, String>) -> ResponseTemplate {
    let date = |k: &str| {
        form.get(k)
            .and_then(|v| NaiveDate::parse_from_str(v, "%Y-%m-%d").ok())
    };
    let (Some(from), Some(to)) = (date("date_from"), date("date_to")) else {
        return error(100, "date_from and date_to are required");
    };
    if form.get("ids_type").map(String::as_str) != Some("campaign")
        || form.get("period").map(String::as_str) != Some("day")
    {
        return error(100, "ids_type / period");
    }
    let ids: Vec<i64> = form
        .get("ids")
        .map(|v| v.split(',').filter_map(|s| s.parse().ok()).collect())
        .unwrap_or_default();
    if ids.len() > 2000 {
        return error(100, "too many ids");
    }
    let items: Vec<Value> = ids
        .iter()
        .map(|&id| {
            let days: Vec<Value> = from
                .iter_days()
                .take_while(|d| *d <= to)
                .filter(|d| active(id, *d))
                .map(|d| {
                    json!({"day": d.to_string(), "impressions": 1000 + id % 7 * 10,
                           "clicks": 5 + id % 3, "spent": format!("{}.50", 40 + id % 9),
                           "reach": 800, "ctr": "0.600"})
                })
                .collect();
            json!({"id": id, "type": "campaign", "stats": days})
        })
        .collect();
    ok(Value::Array(items))
}
