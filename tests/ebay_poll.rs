//! The polling cycle against the fake eBay, driven directly (no cron): one
//! search per distinct query, one token across cycles, first-cycle summaries,
//! 429 rescheduling, rejected credentials and a short budget told once, drops
//! measured per alert, and two cycles at once searching and notifying once.

#[path = "ebay/env.rs"]
mod env;
#[path = "ebay/fake.rs"]
mod fake;
mod support;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use env::{env, minutes, worker_state, ADMIN};
use fake::{item, FakeEbay, SEARCH_PATH, TOKEN_PATH};
use ppc_helper::features::ebay::poll::poll_cycle;
use ppc_helper::features::ebay::store;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

#[tokio::test(flavor = "multi_thread")]
async fn a_drop_is_measured_against_what_each_alert_saw_when_two_share_a_query() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 5000).await;
    let pool = e.app.pool();
    let (slow_chat, fast_chat) = (2001, 2002);
    for (chat, interval) in [(slow_chat, 10), (fast_chat, 2)] {
        let mut alert = store::create(pool, chat, "lens", "EBAY_US")
            .await
            .expect("alert");
        alert.interval_minutes = interval;
        alert.rules.any_new = false;
        alert.rules.drop_percent = Some(10.into());
        store::save(pool, &alert).await.expect("save");
    }
    fake.set(
        "lens",
        vec![item(1, "Lens A", "100.00"), item(2, "Lens B", "50.00")],
    );
    let t0 = Utc::now();
    assert_eq!(e.cycle(t0).await.alerts, 2, "both summarised");

    // Only the fast alert is due: it sees the drop to 85.
    fake.set(
        "lens",
        vec![item(1, "Lens A", "85.00"), item(2, "Lens B", "50.00")],
    );
    let report = e.cycle(t0 + minutes(3)).await;
    assert_eq!((report.alerts, report.messages), (1, 1));
    let fast = e.sent_to(fast_chat).await;
    assert!(
        fast[1].contains("100.00 → <b>85.00 USD</b> (−15%)"),
        "{fast:?}"
    );

    // Both due: the slow alert last saw 100, so the drop is news to it; the
    // fast one already saw 85 and hears nothing.
    let report = e.cycle(t0 + minutes(11)).await;
    assert_eq!((report.searches, report.alerts, report.messages), (1, 2, 1));
    let slow = e.sent_to(slow_chat).await;
    assert_eq!(slow.len(), 2, "{slow:?}");
    assert!(
        slow[1].contains("100.00 → <b>85.00 USD</b> (−15%)"),
        "{slow:?}"
    );
    assert!(!slow[1].contains("Lens B"), "{slow:?}");
    assert_eq!(
        e.sent_to(fast_chat).await.len(),
        2,
        "nothing new for the fast alert"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_cycles_at_once_search_and_notify_the_due_alerts_once() {
    // Slow searches, so the two cycles really overlap.
    let fake = FakeEbay::start_slow(Duration::from_millis(400)).await;
    let e = env(&fake.uri(), 5000).await;
    let phrases = [
        "canon 50mm",
        "nikon 35mm",
        "sony a7",
        "fuji x100",
        "leica m6",
    ];
    for (i, phrase) in phrases.iter().enumerate() {
        fake.set(phrase, vec![item(i as u32, phrase, "100.00")]);
    }
    for n in 0..20 {
        let mut alert = store::create(e.app.pool(), 2000 + n, phrases[n as usize % 5], "EBAY_US")
            .await
            .expect("alert");
        alert.rules.drop_percent = Some(10.into());
        store::save(e.app.pool(), &alert).await.expect("save");
    }
    // Two workers: each its own state (client, token cache), one database.
    let run_two = |now: DateTime<Utc>, later: DateTime<Utc>| {
        let workers = [(worker_state(&e.app), now), (worker_state(&e.app), later)];
        workers.map(|(state, at)| {
            let (pool, queue) = (e.app.pool().clone(), e.app.queue().clone());
            tokio::spawn(async move {
                let report = poll_cycle(&state, &pool, &queue, at).await.expect("cycle");
                (report, Instant::now())
            })
        })
    };
    let t0 = Utc::now();
    let [a, b] = run_two(t0, t0 + chrono::Duration::seconds(1));
    let ((a, a_done), (b, b_done)) = (a.await.expect("worker a"), b.await.expect("worker b"));
    assert_eq!(a.searches + b.searches, 5, "{a:?} {b:?}");
    assert_eq!(a.messages + b.messages, 20, "one summary per alert");
    let (busy_done, idle_done) = if a.searches > 0 {
        (a_done, b_done)
    } else {
        (b_done, a_done)
    };
    assert!(
        idle_done < busy_done,
        "the second cycle gave way while the first was still searching"
    );
    assert_eq!(fake.count(SEARCH_PATH).await, 5);
    assert_eq!(fake.count(TOKEN_PATH).await, 1);

    // A drop on one query: its four alerts are told once each.
    fake.set("canon 50mm", vec![item(0, "canon 50mm", "80.00")]);
    let t1 = t0 + minutes(11);
    let [a, b] = run_two(t1, t1);
    let ((a, _), (b, _)) = (a.await.expect("worker a"), b.await.expect("worker b"));
    assert_eq!(a.searches + b.searches, 5, "{a:?} {b:?}");
    assert_eq!(a.messages + b.messages, 4, "{a:?} {b:?}");
    assert_eq!(fake.count(SEARCH_PATH).await, 10);
    for n in 0..20 {
        let told = e.sent_to(2000 + n).await;
        let expected = if n % 5 == 0 { 2 } else { 1 };
        assert_eq!(told.len(), expected, "chat {}: {told:?}", 2000 + n);
    }
    let summaries = e.jobs("telegram_send").await.len();
    assert_eq!(summaries, 24, "nothing doubled");
}
