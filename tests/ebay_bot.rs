//! The eBay feature end to end: the bot through the Bot API emulator, the
//! fake eBay, the real queue and a real SMTP sink. Add an alert (bad input
//! changes nothing), first-cycle summary, a price drop → one grouped message,
//! no repeat within the cooldown, e-mail copies, insights with a chart,
//! insights on schedule (every 30 minutes, daily, weekly), delete.

#[path = "ebay/fake.rs"]
mod fake;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;
mod support;

use std::time::Duration;

use chrono::Utc;
use fake::{item, FakeEbay};
use ppc_helper::features::ebay::callback::EbCallback;
use ppc_helper::features::ebay::client::EbayClient;
use ppc_helper::features::ebay::insights_schedule::InsightsPlan;
use ppc_helper::features::ebay::jobs::{queue_half_hourly, EbayInsightsScheduled};
use ppc_helper::features::ebay::poll::poll_cycle;
use ppc_helper::features::ebay::EbayState;
use ppc_helper::jobs::schedules::Fired;
use smtp_sink::Sink;
use support::eventually;
use support::telegram::{Harness, ADMIN};

fn parsed(raw: &[u8]) -> (String, String) {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("parses");
    let subject = message.subject().unwrap_or_default().to_string();
    let body = message
        .body_text(0)
        .map(|b| b.to_string())
        .unwrap_or_default();
    (subject, body)
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alert_from_creation_to_notifications_insights_and_deletion() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let sink = Sink::start();
    let fake = FakeEbay::start().await;
    let files = tempfile::tempdir().expect("tempdir");
    let uri = fake.uri();
    let smtp = sink.config();
    let data_dir = files.path().join("pg");
    let h = Harness::start_with(move |c| {
        c.ebay.api_base_url = uri;
        c.ebay.client_id = "app-id".into();
        c.ebay.client_secret = Some("secret".to_string().into());
        c.smtp = smtp;
        c.database.data_dir = data_dir;
    })
    .await;
    let admin = h.admin.clone();

    // Bad input: a clear message, nothing created.
    h.say(&admin, "/alert_add");
    h.expect(ADMIN, "Send the search phrase after the command")
        .await;
    h.say(&admin, &format!("/alert_add {}", "x".repeat(301)));
    h.expect(ADMIN, "too long: at most 300 characters").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM ebay_alerts").await, 0);

    h.say(&admin, "/alert_add canon lens");
    let card = h.expect(ADMIN, "Checked every 10 min").await;
    assert!(
        card.body().contains("Alert #1: canon lens"),
        "{}",
        card.body()
    );

    // Price range: min > max and an unknown currency change nothing.
    h.press(&admin, &card, "Price range");
    h.expect(ADMIN, "MIN MAX CURRENCY").await;
    h.say(&admin, "50 10 USD");
    h.expect(ADMIN, "minimum price is above the maximum").await;
    h.say(&admin, "1 2 XYZ");
    h.expect(ADMIN, "Unknown currency “XYZ”").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM ebay_alerts WHERE filters = '{}'")
            .await,
        1
    );
    h.say(&admin, "- 500 USD");
    let card = h.expect(ADMIN, "Filters: …–500 USD").await;

    // A drop rule through the rules screen.
    h.press(&admin, &card, "Rules");
    let rules = h.expect(ADMIN, "what should it report").await;
    h.press(&admin, &rules, "Drop %");
    h.expect(ADMIN, "price drop in percent").await;
    h.say(&admin, "abc");
    h.expect(ADMIN, "is not a percentage").await;
    h.say(&admin, "10");
    let card = h.expect(ADMIN, "drop ≥ 10%").await;

    // E-mail copies.
    h.press(&admin, &card, "E-mail");
    h.expect(ADMIN, "e-mail address for copies").await;
    h.say(&admin, "not-an-address");
    h.expect(ADMIN, "does not look like an e-mail address")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM ebay_alerts WHERE email IS NULL")
            .await,
        1
    );
    h.say(&admin, "buyer@example.com");
    h.expect(ADMIN, "E-mail copies: buyer@example.com").await;

    // Unknown and foreign alerts.
    h.say(&admin, "/insights 999");
    h.expect(ADMIN, "You have no alert #999").await;
    let foreign: i64 = h
        .db
        .client()
        .await
        .query_one(
            "INSERT INTO ebay_alerts (chat_id, phrase, marketplace, query_key, active) VALUES (5555, 'other', 'EBAY_US', 'k', FALSE) RETURNING id",
            &[],
        )
        .await
        .expect("foreign alert")
        .get(0);
    h.say(&admin, &format!("/insights {foreign}"));
    h.expect(ADMIN, &format!("You have no alert #{foreign}"))
        .await;
    h.say(&admin, "/alerts");
    h.expect(ADMIN, "Your eBay alerts (1)").await;

    // Drive the cycles directly, an hour ahead so the cron cycle never races us.
    let running = h.running.as_ref().expect("running");
    let (pool, queue) = (running.pool().clone(), running.queue().clone());
    h.db.client()
        .await
        .execute(
            "UPDATE ebay_alerts SET next_poll_at = now() + interval '1 hour'",
            &[],
        )
        .await
        .expect("postpone");
    let state = EbayState {
        client: Some(EbayClient::new(
            &fake.uri(),
            "app-id",
            "secret".to_string().into(),
            pool.clone(),
        )),
        admins: vec![ADMIN],
        daily_call_budget: 5000,
        cooldown_hours: 24,
        files_dir: files.path().join("charts"),
        mail_enabled: true,
    };
    let t0 = Utc::now() + chrono::Duration::hours(1);
    fake.set(
        "canon lens",
        vec![
            item(1, "Canon EF 50mm", "100.00"),
            item(2, "Canon EF 85mm", "200.00"),
        ],
    );
    let first = poll_cycle(&state, &pool, &queue, t0)
        .await
        .expect("cycle 1");
    assert_eq!((first.searches, first.messages, first.emails), (1, 1, 1));
    h.expect(ADMIN, "2 listings match now").await;

    fake.set(
        "canon lens",
        vec![
            item(1, "Canon EF 50mm", "85.00"),
            item(2, "Canon EF 85mm", "200.00"),
            item(3, "Canon RF 35mm", "150.00"),
        ],
    );
    let second = poll_cycle(&state, &pool, &queue, t0 + chrono::Duration::minutes(11))
        .await
        .expect("cycle 2");
    assert_eq!(second.messages, 1, "one grouped message");
    let note = h.expect(ADMIN, "(alert #1): 2 listings").await;
    let body = note.body();
    assert!(body.contains("100.00 → 85.00 USD (−15%)"), "{body}");
    assert!(body.contains("Canon RF 35mm"), "{body}");
    assert!(
        !body.contains("Canon EF 85mm"),
        "unchanged item not reported: {body}"
    );

    let third = poll_cycle(&state, &pool, &queue, t0 + chrono::Duration::minutes(22))
        .await
        .expect("cycle 3");
    assert_eq!(
        (third.searches, third.messages),
        (1, 0),
        "no repeat within the cooldown"
    );

    eventually(Duration::from_secs(20), "two e-mails", || async {
        sink.received().len() == 2
    })
    .await;
    let mails = sink.received();
    assert_eq!(mails[1].rcpt_tos, vec!["buyer@example.com".to_string()]);
    let (subject, text) = parsed(&mails[1].raw);
    assert_eq!(subject, "eBay alert: canon lens");
    assert!(text.contains("100.00 → 85.00 USD"), "{text}");

    // Insights with a chart.
    h.say(&admin, "/insights 1");
    h.expect(ADMIN, "Preparing the 14-day insights of alert #1")
        .await;
    let insights = h.expect(ADMIN, "the last 14 days").await;
    assert!(
        insights.body().contains("Listings seen: 3 (new: 3)"),
        "{}",
        insights.body()
    );
    assert!(
        insights.body().contains("Cheapest now: 85.00 USD"),
        "{}",
        insights.body()
    );
    let chart = h.expect(ADMIN, "Daily min / median / max, USD").await;
    let photo = chart.photo.as_ref().expect("a photo");
    assert!(photo.bytes.starts_with(b"\x89PNG"), "a PNG chart");

    // Insights on schedule: the card shows the plan; one row of buttons
    // chooses off / every 30 minutes / daily / weekly (09:00 in the chat's
    // timezone).
    h.say(&admin, "/alerts");
    let list = h.expect(ADMIN, "Your eBay alerts (1)").await;
    h.press(&admin, &list, "#1 canon lens");
    let card = h
        .expect(ADMIN, "Insights on schedule: off (📊 Insights on demand)")
        .await;
    let schedules_sql = "SELECT count(*) FROM schedules WHERE job_type = 'ebay_insights_scheduled'";

    // A forged button for someone else's alert changes nothing.
    h.emulator
        .press_raw(
            &admin,
            card.chat_id,
            card.message_id,
            &EbCallback::SetInsights(foreign, InsightsPlan::Daily).data(),
        )
        .expect("press a forged button");
    h.expect(ADMIN, &format!("You have no alert #{foreign}"))
        .await;
    assert_eq!(h.sql_count(schedules_sql).await, 0);

    h.say(&admin, "/alerts");
    let list = h.expect(ADMIN, "Your eBay alerts (1)").await;
    h.press(&admin, &list, "#1 canon lens");
    let card = h.expect(ADMIN, "Insights on schedule: off").await;
    h.press(&admin, &card, "Daily");
    let card = h
        .expect(ADMIN, "Insights on schedule: daily at 09:00 (UTC)")
        .await;
    assert!(card.button("• Daily").is_some(), "{:?}", card.buttons);

    // The chat's timezone is used for the next choice.
    h.say(&admin, "/timezone Europe/Berlin");
    h.expect(ADMIN, "Timezone set to Europe/Berlin").await;
    h.press(&admin, &card, "Weekly");
    let card = h
        .expect(
            ADMIN,
            "Insights on schedule: Mondays at 09:00 (Europe/Berlin)",
        )
        .await;
    assert!(card.button("• Weekly").is_some(), "{:?}", card.buttons);
    assert_eq!(h.sql_count(schedules_sql).await, 1, "weekly replaced daily");
    assert_eq!(
        h.sql_count(
            "SELECT count(*) FROM schedules WHERE job_type = 'ebay_insights_scheduled' AND rule = 'weekly mon 09:00' AND timezone = 'Europe/Berlin' AND target = '{\"alert_id\": 1}'"
        )
        .await,
        1
    );

    // Every 30 minutes: no scheduler row; the half-hourly tick sends it.
    h.press(&admin, &card, "30 min");
    let card = h
        .expect(ADMIN, "Insights on schedule: every 30 minutes")
        .await;
    assert_eq!(h.sql_count(schedules_sql).await, 0);
    let charts = |h: &Harness| {
        h.emulator
            .messages(ADMIN)
            .iter()
            .filter(|m| m.photo.is_some())
            .count()
    };
    let before = charts(&h);
    queue_half_hourly(&pool, &queue, Utc::now())
        .await
        .expect("half-hourly tick");
    eventually(Duration::from_secs(20), "a half-hourly chart", || async {
        charts(&h) == before + 1
    })
    .await;

    // Daily: a scheduler row; its job sends the insights.
    h.press(&admin, &card, "Daily");
    let card = h
        .expect(
            ADMIN,
            "Insights on schedule: daily at 09:00 (Europe/Berlin)",
        )
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM ebay_alerts WHERE insights_half_hourly")
            .await,
        0
    );
    let schedule: i64 = h
        .db
        .client()
        .await
        .query_one(
            "SELECT id FROM schedules WHERE job_type = 'ebay_insights_scheduled' AND rule = 'daily 09:00' AND target = '{\"alert_id\": 1}'",
            &[],
        )
        .await
        .expect("one schedule")
        .get(0);
    let before = charts(&h);
    queue
        .enqueue(EbayInsightsScheduled(Fired {
            schedule_id: schedule,
            chat_id: ADMIN,
            fire_time: Utc::now(),
            target: serde_json::json!({ "alert_id": 1 }),
        }))
        .await
        .expect("enqueue scheduled insights");
    eventually(Duration::from_secs(20), "a scheduled chart", || async {
        charts(&h) == before + 1
    })
    .await;

    // Delete with confirmation (the schedule goes too).
    h.press(&admin, &card, "Delete");
    let confirm = h.expect(ADMIN, "Delete alert #1 (canon lens)?").await;
    h.press(&admin, &confirm, "Yes, delete");
    h.expect(ADMIN, "Alert #1 deleted").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM ebay_alerts WHERE chat_id = 1000")
            .await,
        0
    );
    assert_eq!(h.sql_count(schedules_sql).await, 0);

    // A schedule left behind for a deleted alert sends nothing and removes itself.
    let orphan: i64 = h
        .db
        .client()
        .await
        .query_one(
            "INSERT INTO schedules (chat_id, job_type, target, rule, timezone, next_fire_at, enabled) \
             VALUES (1000, 'ebay_insights_scheduled', '{\"alert_id\": 1}', 'daily 09:00', 'UTC', now() + interval '1 day', TRUE) RETURNING id",
            &[],
        )
        .await
        .expect("an orphan schedule")
        .get(0);
    let messages = h.count(ADMIN);
    queue
        .enqueue(EbayInsightsScheduled(Fired {
            schedule_id: orphan,
            chat_id: ADMIN,
            fire_time: Utc::now(),
            target: serde_json::json!({ "alert_id": 1 }),
        }))
        .await
        .expect("enqueue the orphan's insights");
    eventually(
        Duration::from_secs(20),
        "the orphan schedule removed",
        || async { h.sql_count(schedules_sql).await == 0 },
    )
    .await;
    assert_eq!(h.count(ADMIN), messages, "nothing sent for a deleted alert");
    h.finish().await;
}
