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
    // Command menus: members everywhere, admins also in their own chat; en + ru.
    let sets = h.emulator.commands();
    let find = |scope: &str, lang: &str| {
        sets.iter()
            .find(|s| s.scope == scope && s.language_code == lang)
            .map(|s| {
                s.commands
                    .iter()
                    .map(|(c, _)| c.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_else(|| panic!("no command set for {scope}/{lang:?}: {sets:?}"))
    };
    for lang in ["", "ru"] {
        let members = find("default", lang);
        assert!(members.contains(&"menu".to_string()) && !members.contains(&"users".to_string()));
        let admin = find(&format!("chat:{ADMIN}"), lang);
        assert!(admin.contains(&"users".to_string()) && admin.contains(&"menu".to_string()));
    }
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_asks_an_admin_approves_and_the_user_is_told() {
    let h = Harness::start().await;
    let bob = h.user(2000, "Bob");
    h.say(&bob, "/menu");
    h.expect(2000, "do not have access").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM users WHERE telegram_id = 2000")
            .await,
        0
    );

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
        h.sql_count("SELECT count(*) FROM audit_log WHERE action = 'user.role'")
            .await,
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

/// Row counts of every table a command or button could change.
async fn snapshot(h: &Harness) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "users",
        "chats",
        "audit_log",
        "schedules",
        "broadcasts",
        "pending_actions",
        "dialogues",
    ] {
        counts.push(h.sql_count(&format!("SELECT count(*) FROM {table}")).await);
    }
    // Every job except cron-fired ones (their payload carries `_cron`), which
    // come and go by the clock.
    let jobs = "SELECT count(*) FROM graphile_worker._private_jobs
                WHERE NOT (payload::jsonb ? '_cron')";
    counts.push(h.sql_count(jobs).await);
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stranger_triggers_nothing_and_learns_nothing() {
    use ppc_helper::telegram::core_callback::{CoreCallback, GrantRole};
    use ppc_helper::telegram::lang::Lang;

    let h = Harness::start().await;
    // Something for the stranger to try to reach.
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "Main menu").await;
    let mallory = h.user(6666, "Mallory");
    let before = snapshot(&h).await;
    let commands = [
        "/menu",
        "/cancel",
        "/language",
        "/timezone Europe/Berlin",
        "/timezone",
        "/users",
        "/grant 6666 admin",
        "/revoke 1000",
        "/jobs",
        "/broadcast hi",
        "/audit",
        "/accounts",
        "/nonsense",
        "hello",
        "Europe/Berlin",
    ];
    for command in commands {
        h.say(&mallory, command);
    }
    h.emulator
        .wait_until(
            || h.count(6666) >= commands.len(),
            support::telegram::WAIT,
            "replies",
        )
        .await
        .expect("every message is answered");
    // A message to press buttons on: the stranger's own chat has bot replies.
    let target = h.emulator.last_message(6666).expect("a reply").message_id;
    let callbacks = [
        CoreCallback::MainMenu,
        CoreCallback::Settings,
        CoreCallback::Language(Lang::Ru),
        CoreCallback::UsersPage(0),
        CoreCallback::Approve(6666),
        CoreCallback::Deny(1000),
        CoreCallback::SetRole {
            user: 6666,
            role: GrantRole::Admin,
        },
        CoreCallback::JobsPage(0),
        CoreCallback::RetryJob(1),
        CoreCallback::DiscardJob(1),
        CoreCallback::Confirm { action: 1 },
        CoreCallback::Cancel,
        CoreCallback::Noop,
    ];
    let mut queries = Vec::new();
    for callback in &callbacks {
        queries.push(
            h.emulator
                .press_raw(&mallory, 6666, target, &callback.data())
                .expect("press"),
        );
    }
    h.emulator
        .wait_until(
            || {
                queries
                    .iter()
                    .all(|q| h.emulator.callback_answer(q).is_some())
            },
            support::telegram::WAIT,
            "answers",
        )
        .await
        .expect("every press is answered");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(snapshot(&h).await, before, "nothing changed");
    for message in h.emulator.messages(6666) {
        assert!(
            message.body().contains("do not have access") && message.buttons.is_empty(),
            "revealed something: {:?}",
            message.body()
        );
    }
    for query in &queries {
        let answer = h.emulator.callback_answer(query).expect("answered");
        assert!(answer
            .text
            .unwrap_or_default()
            .contains("do not have access"));
    }
    assert!(h
        .emulator
        .messages(ADMIN)
        .iter()
        .all(|m| !m.body().contains("Mallory")));
    h.finish().await;
}
