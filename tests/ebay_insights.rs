//! Insights on schedule, driven directly (no cron): every 30 minutes for the
//! alerts that opt in — once per half hour however many ticks run at once, and
//! only for active alerts with data — and daily / weekly plans as rows of the
//! platform scheduler in the chat's timezone, one plan at a time.

#[path = "ebay/env.rs"]
mod env;
#[path = "ebay/fake.rs"]
mod fake;
mod support;

use chrono::{DateTime, TimeZone, Utc};
use env::{env, minutes};
use fake::{item, FakeEbay};
use ppc_helper::db::Pool;
use ppc_helper::features::ebay::insights_report::insights_messages;
use ppc_helper::features::ebay::insights_schedule::{self, InsightsPlan, PlanState};
use ppc_helper::features::ebay::jobs::queue_half_hourly;
use ppc_helper::features::ebay::store::{self, slot_of, SLOT_SECONDS};
use ppc_helper::telegram::lang::Lang;
use ppc_helper::telegram::store::chats::{self, ChatKind};
use serde_json::json;

/// The start of the half hour after `at`.
fn next_slot(at: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt((slot_of(at) + 1) * SLOT_SECONDS, 0)
        .single()
        .expect("a valid time")
}

#[tokio::test(flavor = "multi_thread")]
async fn half_hourly_insights_are_queued_once_per_slot_and_only_with_data() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 5000).await;
    let pool = e.app.pool();
    fake.set("lens", vec![item(1, "Lens", "100.00")]);
    let with_data = store::create(pool, 2001, "lens", "EBAY_US").await.unwrap();
    let not_opted = store::create(pool, 2002, "lens", "EBAY_US").await.unwrap();
    let paused = store::create(pool, 2003, "lens", "EBAY_US").await.unwrap();
    let no_data = store::create(pool, 2004, "tripod", "EBAY_US")
        .await
        .unwrap();
    let t0 = Utc::now();
    assert_eq!(e.cycle(t0).await.searches, 2, "lens and tripod searched");
    let mut stopped = paused.clone();
    stopped.active = false;
    store::save(pool, &stopped).await.unwrap();
    for alert in [&with_data, &paused, &no_data] {
        insights_schedule::set(pool, alert, InsightsPlan::HalfHourly)
            .await
            .unwrap();
    }
    let _ = not_opted;

    // Two ticks at once in a fresh slot: the one alert with data, once.
    let slot_start = next_slot(t0);
    let at = slot_start + minutes(1);
    let ticks = [at, at + chrono::Duration::seconds(2)].map(|now| {
        let (pool, queue) = (pool.clone(), e.app.queue().clone());
        tokio::spawn(async move { queue_half_hourly(&pool, &queue, now).await.expect("tick") })
    });
    let mut queued = 0;
    for tick in ticks {
        queued += tick.await.expect("tick task");
    }
    assert_eq!(queued, 1);
    let slot = slot_of(at);
    assert_eq!(
        e.jobs("ebay_insights").await,
        vec![json!({"alert_id": with_data.id, "chat_id": 2001, "slot": slot})]
    );
    assert_eq!(
        e.job_keys("ebay_insights").await,
        vec![Some(format!("ebay_insights_{}_{slot}", with_data.id))]
    );

    // Later in the same half hour: nothing; switching off and on again does
    // not send twice either.
    insights_schedule::set(pool, &with_data, InsightsPlan::Off)
        .await
        .unwrap();
    insights_schedule::set(pool, &with_data, InsightsPlan::HalfHourly)
        .await
        .unwrap();
    assert_eq!(
        queue_half_hourly(pool, e.app.queue(), at + minutes(28))
            .await
            .unwrap(),
        0
    );

    // The tripod query gets data: next half hour, both opted-in active alerts.
    fake.set("tripod", vec![item(9, "Tripod", "40.00")]);
    e.cycle(t0 + minutes(11)).await;
    let next = slot_start + minutes(30);
    assert_eq!(
        queue_half_hourly(pool, e.app.queue(), next).await.unwrap(),
        2
    );
    let chats: Vec<i64> = e
        .jobs("ebay_insights")
        .await
        .iter()
        .filter(|j| j["slot"] == json!(slot + 1))
        .filter_map(|j| j["chat_id"].as_i64())
        .collect();
    assert_eq!(chats, vec![2001, 2004]);

    // Switched off: no more.
    insights_schedule::set(pool, &with_data, InsightsPlan::Off)
        .await
        .unwrap();
    // A chat the bot never saw has no `chats` row: refused, nothing changed.
    insights_schedule::set(pool, &no_data, InsightsPlan::Daily)
        .await
        .unwrap_err();
    let unchanged = store::get(pool, 2004, no_data.id).await.unwrap().unwrap();
    assert!(unchanged.insights_half_hourly);
    insights_schedule::set(pool, &no_data, InsightsPlan::Off)
        .await
        .unwrap();
    assert_eq!(
        queue_half_hourly(pool, e.app.queue(), next + minutes(30))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_half_hourly_run_without_data_sends_nothing_where_asked_insights_explain() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 5000).await;
    let alert = store::create(e.app.pool(), 2001, "lens", "EBAY_US")
        .await
        .unwrap();
    let now = Utc::now();
    let quiet = insights_messages(&e.state, e.app.pool(), &alert, Lang::En, now, true)
        .await
        .unwrap();
    assert!(quiet.is_empty());
    let asked = insights_messages(&e.state, e.app.pool(), &alert, Lang::En, now, false)
        .await
        .unwrap();
    assert_eq!(asked.len(), 1);
    let text = serde_json::to_value(&asked[0]).unwrap();
    assert!(
        text.to_string()
            .contains("no price observations in the last 14 days"),
        "{text}"
    );
}

/// (rule, timezone) of the insights schedules of alert `id`.
async fn rows(pool: &Pool, id: i64) -> Vec<(String, String)> {
    let db = pool.get().await.unwrap();
    db.query(
        "SELECT rule, timezone FROM schedules WHERE job_type = 'ebay_insights_scheduled' AND target = $1 ORDER BY id",
        &[&json!({ "alert_id": id })],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// The plan in force, from a fresh read of the alert.
async fn current(pool: &Pool, alert: &store::Alert) -> PlanState {
    let fresh = store::get(pool, alert.chat_id, alert.id)
        .await
        .unwrap()
        .unwrap();
    insights_schedule::current(pool, &fresh).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn daily_and_weekly_plans_are_scheduler_rows_in_the_chats_timezone() {
    let fake = FakeEbay::start().await;
    let e = env(&fake.uri(), 5000).await;
    let pool = e.app.pool();
    chats::upsert(pool, 2001, ChatKind::Private, None)
        .await
        .unwrap();
    chats::set_timezone(pool, 2001, "Europe/Berlin")
        .await
        .unwrap();
    let alert = store::create(pool, 2001, "lens", "EBAY_US").await.unwrap();
    let other = store::create(pool, 2001, "tripod", "EBAY_US")
        .await
        .unwrap();
    assert_eq!(current(pool, &alert).await.plan, InsightsPlan::Off);

    insights_schedule::set(pool, &alert, InsightsPlan::Weekly)
        .await
        .unwrap();
    insights_schedule::set(pool, &other, InsightsPlan::Daily)
        .await
        .unwrap();
    assert_eq!(
        rows(pool, alert.id).await,
        [("weekly mon 09:00".into(), "Europe/Berlin".into())]
    );
    let state = current(pool, &alert).await;
    assert_eq!(state.plan, InsightsPlan::Weekly);
    assert_eq!(state.timezone.as_deref(), Some("Europe/Berlin"));
    assert_eq!(state.at.map(|t| t.to_string()).as_deref(), Some("09:00:00"));

    // Another plan replaces it; the other alert's schedule is untouched.
    insights_schedule::set(pool, &alert, InsightsPlan::Daily)
        .await
        .unwrap();
    insights_schedule::set(pool, &alert, InsightsPlan::Daily)
        .await
        .unwrap();
    assert_eq!(
        rows(pool, alert.id).await,
        [("daily 09:00".into(), "Europe/Berlin".into())]
    );
    insights_schedule::set(pool, &alert, InsightsPlan::HalfHourly)
        .await
        .unwrap();
    assert!(rows(pool, alert.id).await.is_empty());
    assert_eq!(current(pool, &alert).await.plan, InsightsPlan::HalfHourly);
    insights_schedule::set(pool, &alert, InsightsPlan::Weekly)
        .await
        .unwrap();
    assert_eq!(current(pool, &alert).await.plan, InsightsPlan::Weekly);
    insights_schedule::set(pool, &alert, InsightsPlan::Off)
        .await
        .unwrap();
    assert!(rows(pool, alert.id).await.is_empty());
    assert_eq!(current(pool, &alert).await.plan, InsightsPlan::Off);
    assert_eq!(
        rows(pool, other.id).await,
        [("daily 09:00".into(), "Europe/Berlin".into())]
    );

    // Deleting an alert removes its schedules.
    insights_schedule::remove_schedules(pool, &other)
        .await
        .unwrap();
    assert!(store::delete(pool, 2001, other.id).await.unwrap());
    assert!(rows(pool, other.id).await.is_empty());
}
