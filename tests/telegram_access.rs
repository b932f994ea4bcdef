//! Access end to end through the emulator: admins, strangers, the approval
//! flow, and that a stranger can trigger nothing.

mod support;

use std::time::Duration;

use support::telegram::{Harness, ADMIN};

#[tokio::test(flavor = "multi_thread")]
async fn admin_start_shows_greeting_and_menu() {
    let h = Harness::start().await;
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "You are an administrator").await;
    let menu = h.expect(ADMIN, "Main menu").await;
    assert!(menu.button("Settings").is_some(), "{:?}", menu.buttons);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_asks_an_admin_approves_and_the_user_is_told() {
    let h = Harness::start().await;
    let bob = h.user(2000, "Bob");
    h.say(&bob, "/menu");
    h.expect(2000, "do not have access").await;
    assert_eq!(h.sql_count("SELECT count(*) FROM users WHERE telegram_id = 2000").await, 0);

    h.say(&bob, "/start");
    h.expect(2000, "request has been sent").await;
    let request = h.expect(ADMIN, "New access request from Bob").await;
    h.say(&bob, "/menu");
    h.expect(2000, "waiting for an administrator").await;

    h.press(&h.admin, &request, "Approve");
    h.expect(ADMIN, "Bob: member (by Alice").await;
    h.expect(2000, "access has been approved").await;
    h.say(&bob, "/menu");
    h.expect(2000, "Main menu").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM audit_log WHERE action = 'user.role'").await,
        1
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_denied_user_is_told_and_stays_out() {
    let h = Harness::start().await;
    let eve = h.user(3000, "Eve");
    h.say(&eve, "/start");
    let request = h.expect(ADMIN, "New access request from Eve").await;
    h.press(&h.admin, &request, "Deny");
    h.expect(3000, "revoked").await;
    h.say(&eve, "/users");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let last = h.emulator.last_message(3000).expect("a reply");
    assert!(last.body().contains("revoked"), "{}", last.body());
    h.finish().await;
}
