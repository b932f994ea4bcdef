//! A VK Ads account's management end to end (the emulator, the whole app,
//! a fake VK Ads): the digest time picked from common hours or typed as
//! HH:MM (bad input answered, nothing scheduled), in the chat's timezone;
//! disconnecting, which deletes the tokens at VK Ads first (the documented
//! `oauth2/token/delete.json` form) and removes the account even when VK
//! Ads refuses.

#[path = "vk/app.rs"]
mod app;
#[path = "vk/fake.rs"]
mod fake;
mod support;

use app::{connect, open_card};
use fake::{FakeVk, GOOD_SECRET};
use support::telegram::{Harness, ADMIN};

async fn start(fake: &FakeVk) -> Harness {
    app::start(fake, true, |_| {}).await
}

/// Runs the connect dialogue for an agency client.
async fn connect_agency(h: &Harness, client: &str) {
    h.say(&h.admin, "/vk_connect");
    let ask = h.expect(ADMIN, "Connect a VK Ads account").await;
    h.press(&h.admin, &ask, "An agency client");
    h.expect(ADMIN, "client id of your API access").await;
    h.say(&h.admin, "agency-app");
    h.expect(ADMIN, "Now send the client secret").await;
    h.say(&h.admin, GOOD_SECRET);
    h.expect(ADMIN, "Send the agency client name").await;
    h.say(&h.admin, client);
    h.expect(ADMIN, &format!("Connected {client}")).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_digest_time_is_typed_or_picked_in_the_chat_timezone() {
    let fake = FakeVk::start(2, 50).await;
    let h = start(&fake).await;
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "Main menu").await;
    h.say(&h.admin, "/timezone Europe/Moscow");
    h.expect(ADMIN, "Timezone set to Europe/Moscow").await;
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected").await;
    let card = open_card(&h, "VK Ads good-client").await;
    h.press(&h.admin, &card, "Weekly digest");
    let times = h.expect(ADMIN, "Weekly digest of VK Ads good-client").await;
    assert!(
        times.body().contains("Times are in Europe/Moscow"),
        "{}",
        times.body()
    );
    for hour in [
        "07:00",
        "08:00",
        "09:00",
        "10:00",
        "12:00",
        "18:00",
        "Other time",
    ] {
        assert!(times.button(hour).is_some(), "{hour}: {:?}", times.buttons);
    }
    h.press(&h.admin, &times, "Other time");
    h.expect(ADMIN, "Send the time as HH:MM, 24-hour, in Europe/Moscow")
        .await;
    for bad in ["25:00", "7:5", "half past six", "18.45"] {
        h.say(&h.admin, bad);
        h.expect(ADMIN, &format!("“{bad}” is not a time of day"))
            .await;
    }
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 0);
    h.say(&h.admin, "18:45");
    h.expect(ADMIN, "Digest scheduled: weekly mon 18:45 (Europe/Moscow)")
        .await;
    h.expect(ADMIN, "Digests: weekly mon 18:45 (Europe/Moscow)")
        .await;
    let row =
        h.db.client()
            .await
            .query_one(
                "SELECT rule, timezone,
                    to_char(next_fire_at AT TIME ZONE 'Europe/Moscow', 'ID HH24:MI')
             FROM schedules",
                &[],
            )
            .await
            .expect("schedule");
    let (rule, tz, local): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    assert_eq!(
        (rule.as_str(), tz.as_str(), local.as_str()),
        ("weekly mon 18:45", "Europe/Moscow", "1 18:45"),
        "Monday 18:45 Moscow time"
    );
    assert_eq!(h.sql_count("SELECT count(*) FROM dialogues").await, 0);

    // A preset hour replaces it: one digest per account.
    let card = open_card(&h, "VK Ads good-client").await;
    h.press(&h.admin, &card, "Daily digest");
    let times = h.expect(ADMIN, "Daily digest of VK Ads good-client").await;
    h.press(&h.admin, &times, "07:00");
    h.expect(ADMIN, "Digest scheduled: daily 07:00 (Europe/Moscow)")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM schedules WHERE rule = 'daily 07:00'")
            .await,
        1
    );
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 1);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn disconnect_deletes_the_tokens_at_vk_ads_then_the_account() {
    let fake = FakeVk::start(2, 50).await;
    let h = start(&fake).await;
    connect_agency(&h, "shop-client").await;
    let card = open_card(&h, "shop-client").await;
    h.press(&h.admin, &card, "Daily digest");
    let times = h.expect(ADMIN, "Daily digest of shop-client").await;
    h.press(&h.admin, &times, "08:00");
    h.expect(ADMIN, "Digest scheduled: daily 08:00").await;
    let card = open_card(&h, "shop-client").await;
    h.press(&h.admin, &card, "Disconnect");
    let confirm = h.expect(ADMIN, "Disconnect shop-client?").await;
    h.press(&h.admin, &confirm, "Yes, disconnect");
    h.expect(
        ADMIN,
        "shop-client is disconnected: its tokens are deleted at VK Ads",
    )
    .await;
    let deletes = fake.with(|st| st.deletes.clone());
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    let form = &deletes[0];
    assert_eq!(
        form.get("client_id").map(String::as_str),
        Some("agency-app")
    );
    assert_eq!(
        form.get("client_secret").map(String::as_str),
        Some(GOOD_SECRET)
    );
    assert_eq!(
        form.get("username").map(String::as_str),
        Some("shop-client"),
        "an agency client's tokens are named by its user name"
    );
    assert!(fake.with(|st| st.valid_tokens.is_empty()), "deleted at VK");
    for table in ["vk_accounts", "vk_campaigns", "schedules"] {
        let sql = format!("SELECT count(*) FROM {table}");
        assert_eq!(h.sql_count(&sql).await, 0, "{table} emptied");
    }

    // VK Ads failing to delete does not keep the account: the user is told.
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected VK Ads good-client").await;
    fake.with(|st| st.fail_delete = true);
    let card = open_card(&h, "VK Ads good-client").await;
    h.press(&h.admin, &card, "Disconnect");
    let confirm = h.expect(ADMIN, "Disconnect VK Ads good-client?").await;
    h.press(&h.admin, &confirm, "Yes, disconnect");
    h.expect(ADMIN, "VK Ads could not delete its tokens").await;
    let deletes = fake.with(|st| st.deletes.clone());
    assert_eq!(deletes.len(), 2);
    assert_eq!(
        deletes[1].get("client_id").map(String::as_str),
        Some("good-client")
    );
    assert_eq!(deletes[1].get("username"), None, "own account: no username");
    assert_eq!(h.sql_count("SELECT count(*) FROM vk_accounts").await, 0);
    h.finish().await;
}
