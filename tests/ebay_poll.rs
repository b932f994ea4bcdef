//! The polling cycle against the fake eBay, driven directly (no cron): one
//! search per distinct query, one token across cycles, first-cycle summaries,
//! 429 rescheduling, rejected credentials and a short budget told once.

#[path = "ebay/fake.rs"]
mod fake;
mod support;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use fake::{item, FakeEbay, SEARCH_PATH, TOKEN_PATH};
use ppc_helper::app::App;
use ppc_helper::features::ebay::poll::{poll_cycle, CycleReport};
use ppc_helper::features::ebay::{store, EbayState};
use ppc_helper::features::FeatureDeps;
use ppc_helper::shutdown::Shutdown;
use serde_json::{json, Value};
use support::{test_config, TestDb};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ADMIN: i64 = 1000;

struct Env {
    _db: TestDb,
    app: App,
    state: EbayState,
}

async fn env(base: &str, budget: u32) -> Env {
    let db = TestDb::new().await;
    let mut config = test_config(&db);
    config.ebay.api_base_url = base.to_string();
    config.ebay.client_id = "app-id".into();
    config.ebay.client_secret = Some("secret".to_string().into());
    config.ebay.daily_call_budget = budget;
    config.telegram.admins = vec![ADMIN];
    let app = App::build(config, Shutdown::new())
        .await
        .expect("app builds");
    let deps = FeatureDeps {
        config: Arc::new(app.config().clone()),
        pool: app.pool().clone(),
        queue: app.queue().clone(),
        mailer: None,
    };
    let state = EbayState::new(&deps);
    Env {
        _db: db,
        app,
        state,
    }
}

impl Env {
    async fn cycle(&self, now: DateTime<Utc>) -> CycleReport {
        poll_cycle(&self.state, self.app.pool(), self.app.queue(), now)
            .await
            .expect("cycle")
    }

    /// Payloads of queued jobs of `task`.
    async fn jobs(&self, task: &str) -> Vec<Value> {
        let db = self.app.pool().get().await.expect("db");
        db.query(
            "SELECT j.payload FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id WHERE t.identifier = $1 ORDER BY j.id",
            &[&task],
        )
        .await
        .expect("jobs")
        .iter()
        .map(|r| r.get(0))
        .collect()
    }

    async fn sent_to(&self, chat: i64) -> Vec<String> {
        self.jobs("telegram_send")
            .await
            .into_iter()
            .filter(|p| p["chat_id"] == json!(chat))
            .map(|p| {
                p["message"]["text"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }
}

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

#[tokio::test(flavor = "multi_thread")]
async fn twenty_alerts_over_five_queries_make_five_calls_per_cycle_with_one_token() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 5000).await;
    let phrases = [
        "canon 50mm",
        "nikon 35mm",
        "sony a7",
        "fuji x100",
        "leica m6",
    ];
    for (i, phrase) in phrases.iter().enumerate() {
        fake.set(
            phrase,
            (0..30)
                .map(|n| item(i as u32 * 100 + n, phrase, &format!("{}.00", 100 + n)))
                .collect(),
        );
    }
    for n in 0..20 {
        store::create(e.app.pool(), 2000 + n, phrases[n as usize % 5], "EBAY_US")
            .await
            .expect("alert");
    }
    let start = Utc::now();
    let first = e.cycle(start).await;
    assert_eq!((first.searches, first.alerts, first.messages), (5, 20, 20));
    let summary = &e.sent_to(2000).await[0];
    assert!(summary.contains("30 listings match now"), "{summary}");
    assert!(summary.contains("100.00 USD"), "cheapest first: {summary}");
    for k in 1..=4 {
        let report = e.cycle(start + minutes(11 * k)).await;
        assert_eq!(
            (report.searches, report.alerts, report.messages),
            (5, 20, 0),
            "cycle {k}"
        );
    }
    // Not due yet: nothing is searched.
    assert_eq!(e.cycle(start + minutes(45)).await.searches, 0);
    assert_eq!(fake.count(SEARCH_PATH).await, 25);
    assert_eq!(fake.count(TOKEN_PATH).await, 1);
    let db = e.app.pool().get().await.expect("db");
    let observations: i64 = db
        .query_one("SELECT count(*) FROM ebay_observations", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(observations, 5 * 30 * 5, "every observation stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limit_reschedules_the_cycle_after_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(fake::TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t", "expires_in": 7200})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(SEARCH_PATH))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "90"))
        .mount(&server)
        .await;
    let e = env(&server.uri(), 5000).await;
    let alert = store::create(e.app.pool(), 2000, "lens", "EBAY_US")
        .await
        .expect("alert");
    let now = Utc::now();
    let report = e.cycle(now).await;
    assert_eq!(report.retry_after, Some(Duration::from_secs(90)));
    let retry = e.jobs("ebay_poll").await;
    assert_eq!(retry.len(), 1, "one rescheduled cycle");
    let db = e.app.pool().get().await.expect("db");
    let run_at: DateTime<Utc> = db
        .query_one(
            "SELECT run_at FROM graphile_worker.jobs WHERE task_identifier = 'ebay_poll'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(
        (run_at - now - chrono::Duration::seconds(90))
            .num_seconds()
            .abs()
            <= 1,
        "{run_at}"
    );
    // Still due, not marked as polled; no search during the back-off.
    let still = store::get(e.app.pool(), 2000, alert.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.last_polled_at, None);
    let calls = server.received_requests().await.unwrap().len();
    assert_eq!(
        e.cycle(now + chrono::Duration::seconds(30)).await.searches,
        0
    );
    assert_eq!(server.received_requests().await.unwrap().len(), calls);
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_credentials_are_told_to_admins_once_and_polling_backs_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(fake::TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": "client authentication failed"}),
        ))
        .mount(&server)
        .await;
    let e = env(&server.uri(), 5000).await;
    store::create(e.app.pool(), 2000, "lens", "EBAY_US")
        .await
        .expect("alert");
    let now = Utc::now();
    e.cycle(now).await;
    e.cycle(now + minutes(1)).await; // backing off: no token request
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    e.cycle(now + minutes(31)).await; // tries again, still rejected, not told again
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
    let told = e.sent_to(ADMIN).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("eBay credentials rejected"), "{}", told[0]);
    assert!(e.sent_to(2000).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_short_budget_stretches_intervals_and_is_told_once() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 20).await;
    for n in 0..3 {
        let mut alert = store::create(e.app.pool(), 2000 + n, &format!("item {n}"), "EBAY_US")
            .await
            .unwrap();
        alert.interval_minutes = 2;
        store::save(e.app.pool(), &alert).await.unwrap();
    }
    let now = Utc::now();
    let report = e.cycle(now).await;
    assert!(report.stretch > 1.0, "{report:?}");
    assert_eq!(report.searches, 3);
    let db = e.app.pool().get().await.expect("db");
    let next: DateTime<Utc> = db
        .query_one("SELECT min(next_poll_at) FROM ebay_alerts", &[])
        .await
        .unwrap()
        .get(0);
    assert!(next > now + minutes(3), "interval stretched: {next}");
    e.cycle(next).await;
    let told = e.sent_to(ADMIN).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("daily call budget (20)"), "{}", told[0]);
}
