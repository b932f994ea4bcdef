//! The old-API adapter end to end (`vk.legacy.enabled`): the emulator, the
//! whole app, a fake of `api.vk.com/method/ads.*`. Connecting a legacy
//! token (message deleted, verified with ads.getAccounts, stored sealed),
//! reports and digests through ads.getCampaigns + ads.getStatistics (flood
//! errors backed off), error 601 stopping for the day, error 5 asking to
//! reconnect, and the adapter switched off.

#[path = "vk/fake.rs"]
mod fake;
#[path = "vk/fake_legacy.rs"]
mod fake_legacy;
mod support;

use base64::Engine;
use chrono::Utc;
use fake::FakeVk;
use fake_legacy::{FakeLegacy, AD_ACCOUNT, LEGACY_TOKEN};
use ppc_helper::jobs::tick;
use support::telegram::{Harness, ADMIN, WAIT};

async fn start(vk: &FakeVk, legacy: &FakeLegacy, enabled: bool) -> Harness {
    let (uri, legacy_uri) = (vk.uri(), legacy.uri());
    Harness::start_with(move |config| {
        config.vk.api_base_url = uri;
        config.vk.legacy.enabled = enabled;
        config.vk.legacy.api_base_url = legacy_uri;
        let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        config.vk.encryption_key = Some(key.into());
    })
    .await
}

/// Starts `/vk_connect` and picks the legacy kind.
async fn choose_legacy(h: &Harness) {
    h.say(&h.admin, "/vk_connect");
    let ask = h.expect(ADMIN, "Connect a VK Ads account").await;
    h.press(&h.admin, &ask, "An old VK API token");
    h.expect(ADMIN, "access token of the old VK API").await;
}

/// Connects the fake's token; waits for the confirmation.
async fn connect(h: &Harness, token: &str) {
    choose_legacy(h).await;
    h.say(&h.admin, token);
    h.expect(ADMIN, "Checking the token with VK").await;
    h.expect(
        ADMIN,
        "Connected Shop cabinet through the old VK API (ad account 7001): 5 campaigns",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_legacy_token_is_verified_sealed_and_reported_on_through_the_old_api() {
    let (vk, legacy) = (FakeVk::start(0, 50).await, FakeLegacy::start(6).await);
    let h = start(&vk, &legacy, true).await;
    choose_legacy(&h).await;
    h.say(&h.admin, "not a token at all");
    h.expect(ADMIN, "does not look like a VK access token")
        .await;
    assert_eq!(legacy.calls("ads.getAccounts"), 0, "bad input asks nobody");
    h.say(&h.admin, LEGACY_TOKEN);
    h.expect(ADMIN, "Checking the token with VK").await;
    let done = h.expect(ADMIN, "Connected Shop cabinet").await;
    assert!(
        done.body()
            .contains("through the old VK API (ad account 7001): 5 campaigns"),
        "the deleted campaign is left out: {}",
        done.body()
    );
    assert!(
        done.body().contains("1 agency cabinet(s) were skipped"),
        "{}",
        done.body()
    );
    let deletes = h.emulator.calls_to("deleteMessage");
    assert_eq!(deletes.len(), 2, "both token messages are deleted");
    for sql in [
        "SELECT count(*) FROM vk_accounts WHERE position('legacy-good-token' in encode(access_token_enc, 'escape')) > 0",
        "SELECT count(*) FROM dialogues WHERE state::text LIKE '%legacy-good-token%'",
        "SELECT count(*) FROM graphile_worker._private_jobs WHERE payload::text LIKE '%legacy-good-token%'",
    ] {
        assert_eq!(h.sql_count(sql).await, 0, "stored in clear: {sql}");
    }
    assert_eq!(
        h.sql_count(
            "SELECT count(*) FROM vk_accounts WHERE kind = 'legacy' AND client_id = '7001'
             AND client_secret_enc IS NULL AND access_token_enc IS NOT NULL"
        )
        .await,
        1
    );
    let verify = legacy.with(|st| st.calls[0].1.clone());
    assert_eq!(
        verify.get("access_token").map(String::as_str),
        Some(LEGACY_TOKEN)
    );
    assert_eq!(verify.get("v").map(String::as_str), Some("5.199"));

    // Two "too many requests per second" answers are backed off, then retried.
    legacy.with(|st| st.flood_next = 2);
    h.say(&h.admin, "/vk_stats 7d");
    h.expect(ADMIN, "Building the report for Shop cabinet")
        .await;
    let report = h.expect(ADMIN, "VK Ads: Shop cabinet").await;
    for part in [
        "Impressions:",
        "Spent:",
        "CPC:",
        "Goals: — (not in the old VK API)",
        "Campaigns by spend",
    ] {
        assert!(report.body().contains(part), "{part}: {}", report.body());
    }
    assert!(!report.body().contains("spends without goals"));
    let chart = h
        .emulator
        .wait_for(ADMIN, |m| m.photo.is_some(), WAIT)
        .await
        .expect("chart");
    assert!(chart
        .body()
        .contains("Shop cabinet: spent and clicks per day"));
    assert_eq!(
        legacy.calls("ads.getCampaigns"),
        4,
        "connect, then two error-6 answers backed off and retried"
    );
    let stats = legacy.with(|st| {
        st.calls
            .iter()
            .filter(|(m, _)| m == "ads.getStatistics")
            .map(|(_, form)| form.clone())
            .collect::<Vec<_>>()
    });
    let last = stats.last().cloned().unwrap_or_default();
    assert_eq!(
        last.get("account_id").map(String::as_str),
        Some(AD_ACCOUNT.to_string().as_str())
    );
    assert_eq!(
        last.get("ids").map(String::as_str),
        Some("500,501,502,503,504")
    );
    let today = Utc::now().date_naive();
    assert_eq!(
        last.get("date_from").map(String::as_str),
        Some((today - chrono::Days::new(14)).to_string().as_str()),
        "the period and the previous one"
    );

    // The card says what it is; a digest goes through the old API too.
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "VK Ads");
    let accounts = h.expect(ADMIN, "VK Ads accounts").await;
    h.press(&h.admin, &accounts, "Shop cabinet");
    let card = h.expect(ADMIN, "Kind: old VK API token").await;
    assert!(card.body().contains("Ad account: 7001"), "{}", card.body());
    h.press(&h.admin, &card, "Daily digest");
    let times = h.expect(ADMIN, "Daily digest of Shop cabinet").await;
    h.press(&h.admin, &times, "10:00");
    h.expect(ADMIN, "Digest scheduled: daily 10:00").await;
    h.db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = now() - interval '1 minute'",
            &[],
        )
        .await
        .expect("due");
    let running = h.running.as_ref().expect("running");
    let fired = tick::fire_due(running.pool(), running.queue(), Utc::now()).await;
    assert_eq!(fired.expect("tick"), 1);
    h.expect(ADMIN, "Digest\nVK Ads: Shop cabinet").await;

    // Disconnecting removes it; a user token cannot be revoked through the
    // API, and the owner is told so.
    h.press(&h.admin, &card, "Disconnect");
    let confirm = h
        .expect(ADMIN, "Disconnect Shop cabinet? Its stored token")
        .await;
    h.press(&h.admin, &confirm, "Yes, disconnect");
    h.expect(
        ADMIN,
        "Shop cabinet is disconnected; its token is deleted here",
    )
    .await;
    assert_eq!(h.sql_count("SELECT count(*) FROM vk_accounts").await, 0);
    assert_eq!(h.sql_count("SELECT count(*) FROM schedules").await, 0);
    assert_eq!(
        vk.with(|st| st.calls.len()),
        0,
        "VK Ads itself was never asked"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daily_limit_stops_for_the_day_and_a_rejected_token_asks_to_reconnect() {
    let (vk, legacy) = (FakeVk::start(0, 50).await, FakeLegacy::start(6).await);
    let h = start(&vk, &legacy, true).await;
    connect(&h, LEGACY_TOKEN).await;

    legacy.with(|st| st.daily_limit = true);
    h.say(&h.admin, "/vk_stats yesterday");
    h.expect(
        ADMIN,
        "VK's daily request limit is reached for Shop cabinet",
    )
    .await;
    assert_eq!(legacy.calls("ads.getStatistics"), 1, "601 is not retried");
    assert_eq!(
        h.sql_count("SELECT count(*) FROM vk_accounts WHERE paused_until > now()")
            .await,
        1
    );
    h.say(&h.admin, "/vk_stats 30d");
    h.expect(ADMIN, "its reports and digests resume at").await;
    assert_eq!(
        legacy.calls("ads.getStatistics"),
        1,
        "nothing is asked until the pause ends"
    );
    assert_eq!(
        legacy.calls("ads.getCampaigns"),
        2,
        "connect + the first report"
    );

    // The token is revoked (error 5): the owner must reconnect.
    h.db.client()
        .await
        .execute("UPDATE vk_accounts SET paused_until = NULL", &[])
        .await
        .expect("unpause");
    legacy.with(|st| {
        st.daily_limit = false;
        st.token = "vk1.a.the-new-token-0123456789".into();
    });
    h.say(&h.admin, "/vk_stats yesterday");
    h.expect(ADMIN, "VK rejected the token of Shop cabinet")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM vk_accounts WHERE status = 'reconnect'")
            .await,
        1
    );
    // Reconnecting with the new token replaces the old one on the same account.
    choose_legacy(&h).await;
    h.say(&h.admin, "vk1.a.the-new-token-0123456789");
    support::eventually(WAIT, "the account reconnected", || async {
        h.sql_count("SELECT count(*) FROM vk_accounts WHERE status = 'ok'")
            .await
            == 1
    })
    .await;
    assert_eq!(h.sql_count("SELECT count(*) FROM vk_accounts").await, 1);

    // A wrong token is refused before anything is saved.
    choose_legacy(&h).await;
    h.say(&h.admin, "vk1.a.somebody-elses-token-000000");
    h.expect(ADMIN, "VK rejected this token").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM vk_accounts").await, 1);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn without_vk_legacy_enabled_no_legacy_kind_is_offered() {
    let (vk, legacy) = (FakeVk::start(0, 50).await, FakeLegacy::start(2).await);
    let h = start(&vk, &legacy, false).await;
    h.say(&h.admin, "/vk_connect");
    let ask = h.expect(ADMIN, "Connect a VK Ads account").await;
    assert!(ask.button("old VK API").is_none(), "{:?}", ask.buttons);
    h.say(&h.admin, "/cancel");
    h.expect(ADMIN, "Cancelled").await;
    // An account connected while it was enabled is not asked, and says why.
    h.db.client()
        .await
        .execute(
            "INSERT INTO vk_accounts (chat_id, name, kind, client_id, access_token_enc)
             VALUES ($1, 'Old shop', 'legacy', '7001', '\\x00')",
            &[&ADMIN],
        )
        .await
        .expect("legacy account");
    h.say(&h.admin, "/vk_stats 7d");
    h.expect(
        ADMIN,
        "Old shop uses the old VK API, which is switched off on this bot",
    )
    .await;
    assert_eq!(h.sql_count("SELECT count(*) FROM dialogues").await, 0);
    assert_eq!(legacy.calls("ads.getAccounts"), 0);
    h.finish().await;
}
