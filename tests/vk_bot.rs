//! The VK Ads feature end to end: the emulator, the whole app, a fake VK Ads.
//! Connect (the secret's message is deleted, nothing stored in clear), a
//! report with chart and CSV, bad input changing nothing, a scheduled digest
//! delivered once per fire time (and e-mailed), revoked credentials. Digest
//! times and disconnecting are in `vk_account.rs`.

#[path = "vk/app.rs"]
mod app;
#[path = "vk/fake.rs"]
mod fake;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;
mod support;

use std::time::Duration;

use app::{connect, make_due};
use chrono::Utc;
use fake::{FakeVk, GOOD_SECRET};
use ppc_helper::jobs::tick;
use support::telegram::{Harness, ADMIN, WAIT};

async fn start(fake: &FakeVk, with_key: bool) -> Harness {
    app::start(fake, with_key, |_| {}).await
}

async fn start_mail(fake: &FakeVk, smtp: &smtp_sink::Sink) -> Harness {
    let smtp = smtp.config();
    app::start(fake, true, move |config| config.smtp = smtp).await
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_deletes_the_secret_then_a_report_comes_with_chart_and_csv() {
    let fake = FakeVk::start(40, 50).await;
    let h = start(&fake, true).await;
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected VK Ads good-client: 40 campaigns")
        .await;
    let deletes = h.emulator.calls_to("deleteMessage");
    assert_eq!(deletes.len(), 1, "the secret's message is deleted");
    assert_eq!((deletes[0].chat_id, deletes[0].status), (Some(ADMIN), 200));
    for sql in [
        "SELECT count(*) FROM vk_accounts WHERE position('good-secret' in encode(client_secret_enc, 'escape')) > 0",
        "SELECT count(*) FROM dialogues WHERE state::text LIKE '%good-secret%'",
        "SELECT count(*) FROM graphile_worker._private_jobs WHERE payload::text LIKE '%good-secret%'",
    ] {
        assert_eq!(h.sql_count(sql).await, 0, "stored in clear: {sql}");
    }
    assert_eq!(h.sql_count("SELECT count(*) FROM vk_campaigns").await, 40);

    h.say(&h.admin, "/vk_stats 7d");
    h.expect(ADMIN, "Building the report for VK Ads good-client")
        .await;
    let report = h.expect(ADMIN, "VK Ads: VK Ads good-client").await;
    for part in [
        "Impressions:",
        "CTR:",
        "CPM:",
        "CPA:",
        "Campaigns by spend",
        "others (25)",
        "spends without goals",
    ] {
        assert!(
            report.body().contains(part),
            "{part} missing in {}",
            report.body()
        );
    }
    let chart = h
        .emulator
        .wait_for(ADMIN, |m| m.photo.is_some(), WAIT)
        .await
        .expect("chart");
    let png = chart
        .photo
        .as_ref()
        .map(|p| p.bytes.clone())
        .unwrap_or_default();
    assert!(png.starts_with(b"\x89PNG"), "a PNG chart");

    h.press(&h.admin, &report, "CSV");
    let doc = h
        .emulator
        .wait_for(ADMIN, |m| m.document.is_some(), WAIT)
        .await
        .expect("csv");
    let bytes = doc
        .document
        .as_ref()
        .map(|d| d.bytes.clone())
        .unwrap_or_default();
    let csv = String::from_utf8_lossy(&bytes);
    assert!(
        csv.starts_with("date,campaign_id,campaign,shows,clicks,spent,goals\n"),
        "{csv}"
    );
    assert!(csv.lines().count() > 40 * 5, "daily rows of 40 campaigns");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_clear_message_and_changes_nothing() {
    let fake = FakeVk::start(3, 50).await;
    let h = start(&fake, true).await;
    h.say(&h.admin, "/vk_stats");
    h.expect(ADMIN, "No VK Ads account is connected yet").await;
    connect(&h, "wrong-secret").await;
    h.expect(ADMIN, "VK Ads rejected these credentials (invalid_client)")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM vk_accounts").await,
        0,
        "nothing saved"
    );

    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected").await;
    h.say(&h.admin, "/vk_stats lastweek");
    h.expect(ADMIN, "“lastweek” is not a period I know").await;
    h.say(&h.admin, "/vk_stats 2024-05-10..2024-05-01");
    h.expect(ADMIN, "The period ends before it starts").await;
    h.say(&h.admin, "/vk_stats 2023-01-01..2024-05-01");
    h.expect(ADMIN, "The period is 487 days long").await;
    h.say(&h.admin, "/vk_stats 7d Nope");
    h.expect(ADMIN, "No connected VK Ads account is called “Nope”")
        .await;
    h.say(&h.admin, "/vk_stats 2099-01-01..2099-01-02");
    h.expect(ADMIN, "ends in the future").await;
    let built = h
        .emulator
        .messages(ADMIN)
        .iter()
        .filter(|m| m.body().contains("Building the report"))
        .count();
    assert_eq!(built, 0, "no report was queued");
    assert_eq!(fake.calls("/api/v2/statistics/ad_plans/day.json"), 0);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_an_encryption_key_connect_explains_what_the_admin_must_set() {
    let fake = FakeVk::start(0, 50).await;
    let h = start(&fake, false).await;
    h.say(&h.admin, "/vk_connect");
    h.expect(ADMIN, "PPC_VK__ENCRYPTION_KEY").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM dialogues").await, 0);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scheduled_digest_is_delivered_once_per_fire_time() {
    let fake = FakeVk::start(5, 50).await;
    let h = start(&fake, true).await;
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected").await;
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "VK Ads");
    let accounts = h.expect(ADMIN, "VK Ads accounts").await;
    h.press(&h.admin, &accounts, "VK Ads good-client");
    let card = h.expect(ADMIN, "Client id: good-client").await;
    h.press(&h.admin, &card, "Daily digest");
    let times = h.expect(ADMIN, "Daily digest of VK Ads good-client").await;
    assert!(
        times.body().contains("Times are in UTC"),
        "{}",
        times.body()
    );
    h.press(&h.admin, &times, "09:00");
    h.expect(ADMIN, "Digest scheduled: daily 09:00 (UTC)").await;
    h.expect(ADMIN, "Digests: daily 09:00").await;

    let running = h.running.as_ref().expect("running");
    h.db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = now() - interval '1 minute'",
            &[],
        )
        .await
        .expect("due");
    let now = Utc::now();
    let (a, b) = tokio::join!(
        tick::fire_due(running.pool(), running.queue(), now),
        tick::fire_due(running.pool(), running.queue(), now)
    );
    assert_eq!(a.expect("tick") + b.expect("tick"), 1, "fired once");
    assert_eq!(
        tick::fire_due(running.pool(), running.queue(), now)
            .await
            .expect("tick"),
        0
    );
    let digest = h.expect(ADMIN, "Digest\nVK Ads: VK Ads good-client").await;
    assert!(digest.body().contains("Spent:"), "{}", digest.body());
    tokio::time::sleep(Duration::from_secs(2)).await;
    let digests = h
        .emulator
        .messages(ADMIN)
        .iter()
        .filter(|m| m.body().starts_with("🗓 Digest"))
        .count();
    assert_eq!(digests, 1, "delivered once");
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_credentials_ask_the_owner_to_reconnect() {
    let fake = FakeVk::start(2, 50).await;
    let h = start(&fake, true).await;
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected").await;
    fake.with(|st| {
        st.revoked = true;
        st.valid_tokens.clear();
        st.refresh_tokens.clear();
    });
    h.say(&h.admin, "/vk_stats yesterday");
    h.expect(ADMIN, "Reconnect this account").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM vk_accounts WHERE status = 'reconnect'")
            .await,
        1
    );
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "VK Ads");
    let accounts = h.expect(ADMIN, "VK Ads accounts").await;
    assert!(
        accounts.button("⚠️ VK Ads good-client").is_some(),
        "{:?}",
        accounts.buttons
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_digest_is_also_emailed_with_its_chart_when_an_address_is_set() {
    let sink = smtp_sink::Sink::start();
    let fake = FakeVk::start(4, 50).await;
    let h = start_mail(&fake, &sink).await;
    connect(&h, GOOD_SECRET).await;
    h.expect(ADMIN, "Connected").await;
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "VK Ads");
    let accounts = h.expect(ADMIN, "VK Ads accounts").await;
    h.press(&h.admin, &accounts, "VK Ads good-client");
    let card = h.expect(ADMIN, "Client id: good-client").await;
    h.press(&h.admin, &card, "E-mail copies");
    h.expect(ADMIN, "Send the e-mail address").await;
    h.say(&h.admin, "not an address");
    h.expect(ADMIN, "is not an e-mail address").await;
    h.say(&h.admin, "client@example.com");
    h.expect(ADMIN, "also be e-mailed to client@example.com")
        .await;
    h.press(&h.admin, &card, "Weekly digest");
    let times = h.expect(ADMIN, "Weekly digest of VK Ads good-client").await;
    h.press(&h.admin, &times, "09:00");
    h.expect(ADMIN, "Digest scheduled: weekly mon 09:00").await;
    make_due(&h).await;
    let running = h.running.as_ref().expect("running");
    let fired = tick::fire_due(running.pool(), running.queue(), Utc::now()).await;
    assert_eq!(fired.expect("tick"), 1);
    h.expect(ADMIN, "Digest\nVK Ads: VK Ads good-client").await;
    support::eventually(Duration::from_secs(20), "the digest e-mail", || async {
        sink.received().len() == 1
    })
    .await;
    let mail = &sink.received()[0];
    assert_eq!(mail.rcpt_tos, vec!["client@example.com".to_string()]);
    assert!(
        String::from_utf8_lossy(&mail.raw).contains(".png"),
        "chart attached"
    );
    h.finish().await;
}
