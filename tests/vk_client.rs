//! The VK Ads client and token store against a fake VK Ads (wiremock) and a
//! real PostgreSQL: tokens, the 5-token limit, refresh under a lock, paginated
//! lists, chunked and split statistics, 429 back-off, expired tokens.

#[path = "vk/fake.rs"]
mod fake;
mod support;

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fake::{FakeVk, FULL_CLIENT, GOOD_SECRET};
use ppc_helper::app::App;
use ppc_helper::features::vk::client::{Credentials, StatsLevel, VkClient, VkError};
use ppc_helper::features::vk::crypto::Sealer;
use ppc_helper::features::vk::jobs::{with_token, VkState};
use ppc_helper::features::vk::store;
use ppc_helper::shutdown::Shutdown;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use support::{test_config, TestDb};

fn creds(client_id: &str, secret: &str) -> Credentials {
    Credentials {
        client_id: client_id.into(),
        client_secret: SecretString::from(secret.to_string()),
        agency_client_name: None,
    }
}

fn client(fake: &FakeVk) -> VkClient {
    VkClient::new(&fake.uri())
        .expect("client")
        .with_timing(Duration::from_millis(50), Duration::from_millis(10))
}

fn sealer() -> Sealer {
    Sealer::new(&SecretBox::new(Box::new([9u8; 32])))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

async fn app() -> (TestDb, App) {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app builds");
    (db, app)
}

/// Connects an account the way the connect job does; returns its id.
async fn connected(app: &App, vk: &VkClient) -> i64 {
    let c = creds("good-client", GOOD_SECRET);
    let token = vk.token(&c).await.expect("token");
    store::save(app.pool(), &sealer(), 42, "Main", &c, &token)
        .await
        .expect("saved")
}

#[tokio::test]
async fn tokens_invalid_client_and_the_five_token_limit() {
    let fake = FakeVk::start(0, 50).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token");
    assert_eq!(
        token.expires_in, 86_400,
        "expires_in may arrive as a string"
    );
    assert!(token.refresh_token.is_some());
    match vk.token(&creds("good-client", "wrong")).await {
        Err(VkError::InvalidCredentials(code)) => assert_eq!(code, "invalid_client"),
        other => panic!("expected invalid credentials, got {other:?}"),
    }
    let limit = vk.token(&creds(FULL_CLIENT, GOOD_SECRET)).await;
    assert!(matches!(limit, Err(VkError::TokenLimit)), "{limit:?}");
    let message = VkError::TokenLimit.to_string();
    assert!(message.contains("5 live tokens"), "{message}");
    let agency = Credentials {
        agency_client_name: Some("shop".into()),
        ..creds("agency", GOOD_SECRET)
    };
    assert!(vk.token(&agency).await.is_ok());
}

#[tokio::test]
async fn one_token_per_account_is_reused_and_refreshed_once_under_the_lock() {
    let fake = FakeVk::start(0, 50).await;
    let vk = client(&fake);
    let (_db, app) = app().await;
    let id = connected(&app, &vk).await;
    let s = sealer();
    let first = store::access_token(app.pool(), &s, &vk, id, None)
        .await
        .expect("token");
    let again = store::access_token(app.pool(), &s, &vk, id, None)
        .await
        .expect("token");
    assert_eq!(first.expose_secret(), again.expose_secret());
    assert_eq!(
        fake.with(|st| (st.issued, st.refreshes)),
        (1, 0),
        "reused, not re-issued"
    );

    // Stored tokens are encrypted.
    let raw = app
        .pool()
        .get()
        .await
        .expect("db")
        .query_one(
            "SELECT access_token_enc, client_secret_enc FROM vk_accounts WHERE id = $1",
            &[&id],
        )
        .await
        .expect("row");
    let (token_enc, secret_enc): (Vec<u8>, Vec<u8>) = (raw.get(0), raw.get(1));
    assert!(!String::from_utf8_lossy(&token_enc).contains("access-"));
    assert!(!String::from_utf8_lossy(&secret_enc).contains(GOOD_SECRET));

    // The token expires: two workers ask at once, only one refreshes.
    app.pool()
        .get()
        .await
        .expect("db")
        .execute(
            "UPDATE vk_accounts SET token_expires_at = now() - interval '1 hour'",
            &[],
        )
        .await
        .expect("expire");
    let (a, b) = tokio::join!(
        store::access_token(app.pool(), &s, &vk, id, None),
        store::access_token(app.pool(), &s, &vk, id, None)
    );
    let (a, b) = (a.expect("a"), b.expect("b"));
    assert_eq!(a.expose_secret(), b.expose_secret());
    assert_ne!(a.expose_secret(), first.expose_secret());
    assert_eq!(
        fake.with(|st| (st.issued, st.refreshes)),
        (1, 1),
        "exactly one refresh"
    );
    app.close().await.expect("close");
}

#[tokio::test]
async fn an_expired_token_is_renewed_and_the_call_repeated_once() {
    let fake = FakeVk::start(3, 50).await;
    let vk = client(&fake);
    let (_db, app) = app().await;
    let id = connected(&app, &vk).await;
    let s = sealer();
    fake.expire_tokens(); // the API now answers 401 expired_token
    let state = VkState {
        client: vk.clone(),
        legacy: None,
        sealer: Some(s.clone()),
        files: std::env::temp_dir(),
        mail: false,
    };
    let campaigns = with_token(app.pool(), &state, &s, id, |t| {
        let vk = vk.clone();
        async move { vk.list(&t, "ad_plans").await }
    })
    .await
    .expect("renewed and listed");
    assert_eq!(campaigns.len(), 3);
    assert_eq!(fake.with(|st| st.refreshes), 1);
    assert_eq!(
        fake.calls("/api/v2/ad_plans.json"),
        2,
        "one 401, one success"
    );
    app.close().await.expect("close");
}

#[tokio::test]
async fn lists_are_paginated_by_fifty() {
    let fake = FakeVk::start(120, 50).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token")
        .access_token;
    let campaigns = vk.list(&token, "ad_plans").await.expect("list");
    assert_eq!(campaigns.len(), 120);
    assert_eq!(campaigns[119].name, "Campaign 119");
    assert_eq!(campaigns[0].status, "blocked");
    assert_eq!(fake.calls("/api/v2/ad_plans.json"), 3);
}

#[tokio::test]
async fn day_stats_split_on_err_limit_exceeded_and_keep_missing_days_missing() {
    let fake = FakeVk::start(120, 50).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token")
        .access_token;
    let ids: Vec<i64> = (0..120).map(fake::campaign_id).collect();
    let (from, to) = (d("2024-05-01"), d("2024-05-30"));
    let stats = vk
        .day_stats(&token, StatsLevel::AdPlans, &ids, from, to)
        .await
        .expect("stats");
    assert_eq!(stats.len(), 120);
    // 120 ids → refused; 60 + 60 → refused; 4 × 30 → answered.
    assert_eq!(fake.calls("/api/v2/statistics/ad_plans/day.json"), 7);
    for item in &stats {
        let expected: Vec<NaiveDate> = from
            .iter_days()
            .take_while(|d| *d <= to)
            .filter(|d| fake::active(item.id, *d))
            .collect();
        let got: Vec<NaiveDate> = item.rows.iter().map(|r| r.date).collect();
        assert_eq!(got, expected, "campaign {}", item.id);
    }
    let one = &stats[1].rows[0].base;
    assert_eq!(
        one.spent.to_string(),
        "101.01",
        "money from strings, as decimals"
    );
    assert_eq!(one.shows, 1100);

    // 400 days are fetched in two windows of at most 366 days.
    let long = vk
        .day_stats(
            &token,
            StatsLevel::AdPlans,
            &ids[..1],
            d("2023-01-01"),
            d("2024-02-04"),
        )
        .await
        .expect("long");
    assert!(long[0].rows.len() > 300);
    let summary = vk
        .summary_stats(&token, StatsLevel::AdPlans, &ids[..2], from, to)
        .await
        .expect("summary");
    assert_eq!(summary.len(), 2);
}

#[tokio::test]
async fn a_request_that_cannot_be_split_reports_the_limit() {
    let fake = FakeVk::start(1, 0).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token")
        .access_token;
    let result = vk
        .day_stats(
            &token,
            StatsLevel::AdPlans,
            &[1000],
            d("2024-05-01"),
            d("2024-05-02"),
        )
        .await;
    assert!(
        matches!(result, Err(VkError::LimitExceeded(_))),
        "{result:?}"
    );
    // one request of 2 days, then 1 + 1 day
    assert_eq!(fake.calls("/api/v2/statistics/ad_plans/day.json"), 2);
}

#[tokio::test]
async fn too_many_requests_are_backed_off_then_answered() {
    let fake = FakeVk::start(5, 50).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token")
        .access_token;
    fake.with(|st| st.throttle_next = 2);
    let started = Instant::now();
    let campaigns = vk
        .list(&token, "ad_plans")
        .await
        .expect("answered after back-off");
    assert_eq!(campaigns.len(), 5);
    assert_eq!(fake.calls("/api/v2/ad_plans.json"), 3);
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1 honoured twice"
    );

    fake.with(|st| st.throttle_next = 100);
    let result = vk.list(&token, "ad_plans").await;
    assert!(
        matches!(result, Err(VkError::RateLimited { .. })),
        "{result:?}"
    );
    assert!(result.err().is_some_and(|e| e.is_transient()));
}

#[tokio::test]
async fn a_spent_hourly_budget_stops_requests_before_the_api_refuses_them() {
    let fake = FakeVk::start(5, 50).await;
    let vk = client(&fake);
    let token = vk
        .token(&creds("good-client", GOOD_SECRET))
        .await
        .expect("token")
        .access_token;
    fake.with(|st| st.hourly_remaining = Some(0));
    assert_eq!(
        vk.list(&token, "ad_plans")
            .await
            .expect("last allowed call")
            .len(),
        5
    );
    let result = vk.list(&token, "ad_plans").await;
    match result {
        Err(VkError::RateLimited { retry_after }) => {
            assert!(retry_after > Duration::from_secs(3500), "{retry_after:?}")
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(
        fake.calls("/api/v2/ad_plans.json"),
        1,
        "no request sent while the budget is spent"
    );
}

#[tokio::test]
async fn deleting_tokens_posts_the_credentials_and_reports_failures() {
    let fake = FakeVk::start(0, 50).await;
    let vk = client(&fake);
    let good = creds("good-client", GOOD_SECRET);
    vk.token(&good).await.expect("token");
    vk.delete_tokens(&good).await.expect("deleted");
    assert!(fake.with(|st| st.valid_tokens.is_empty()));
    let agency = Credentials {
        agency_client_name: Some("shop".into()),
        ..good.clone()
    };
    vk.delete_tokens(&agency).await.expect("deleted");
    let wrong = vk.delete_tokens(&creds("good-client", "wrong")).await;
    assert!(
        matches!(wrong, Err(VkError::InvalidCredentials(_))),
        "{wrong:?}"
    );
    fake.with(|st| st.fail_delete = true);
    let failed = vk.delete_tokens(&good).await;
    assert!(matches!(failed, Err(VkError::Server(_))), "{failed:?}");
    let forms = fake.with(|st| st.deletes.clone());
    assert_eq!(forms.len(), 4);
    assert_eq!(
        forms[0].get("client_secret").map(String::as_str),
        Some(GOOD_SECRET)
    );
    assert_eq!(forms[0].get("username"), None);
    assert_eq!(forms[1].get("username").map(String::as_str), Some("shop"));
    for request in fake.server.received_requests().await.unwrap_or_default() {
        assert!(
            !request.url.as_str().contains(GOOD_SECRET),
            "secret in a URL"
        );
    }
}
