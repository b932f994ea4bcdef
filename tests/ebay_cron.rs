//! The eBay jobs fired by the real cron (slow: waits for minute boundaries, up
//! to about two minutes): the polling cycle sends the first-cycle summary and
//! the half-hourly tick sends the insights chart of an alert that opted in,
//! and no eBay job fails on its cron payload.

#[path = "ebay/fake.rs"]
mod fake;
mod support;

use std::time::Duration;

use fake::{item, FakeEbay};
use support::eventually;
use support::telegram::{Harness, ADMIN};

#[tokio::test(flavor = "multi_thread")]
async fn the_cron_runs_the_cycle_and_the_half_hourly_insights() {
    let fake = FakeEbay::start().await;
    fake.set("lens", vec![item(1, "Lens", "100.00")]);
    let uri = fake.uri();
    let h = Harness::start_with(move |c| {
        c.ebay.api_base_url = uri;
        c.ebay.client_id = "app-id".into();
        c.ebay.client_secret = Some("secret".to_string().into());
    })
    .await;
    let admin = h.admin.clone();
    h.say(&admin, "/alert_add lens");
    let card = h.expect(ADMIN, "Checked every 10 min").await;
    h.press(&admin, &card, "30 min");
    h.expect(ADMIN, "Insights on schedule: every 30 minutes")
        .await;

    let bodies = |h: &Harness| {
        h.emulator
            .messages(ADMIN)
            .iter()
            .map(|m| m.body().to_string())
            .collect::<Vec<_>>()
    };
    eventually(
        Duration::from_secs(75),
        "the cron cycle's summary",
        || async {
            bodies(&h)
                .iter()
                .any(|b| b.contains("1 listings match now"))
        },
    )
    .await;
    // The next tick finds data and sends the insights (text and chart).
    eventually(Duration::from_secs(75), "the half-hourly chart", || async {
        h.emulator.messages(ADMIN).iter().any(|m| m.photo.is_some())
    })
    .await;
    assert!(
        bodies(&h).iter().any(|b| b.contains("the last 14 days")),
        "{:?}",
        bodies(&h)
    );
    let failed = h
        .sql_count(
            "SELECT count(*) FROM graphile_worker._private_jobs j \
             JOIN graphile_worker._private_tasks t ON t.id = j.task_id \
             WHERE t.identifier LIKE 'ebay%' AND j.last_error IS NOT NULL",
        )
        .await;
    assert_eq!(failed, 0, "no eBay job failed");
    h.finish().await;
}
