//! Admin commands, pagination, expired buttons, the timezone dialogue with
//! /cancel and the language switch, end to end through the emulator.

mod support;

use std::time::Duration;

use support::telegram::{Harness, ADMIN};

async fn add_users(h: &Harness, count: i64, role: &str) {
    let client = h.db.client().await;
    for i in 0..count {
        let id = 50_000 + i;
        client
            .execute(
                "INSERT INTO users (telegram_id, first_name, role) VALUES ($1, $2, $3)",
                &[&id, &format!("User{i:02}"), &role],
            )
            .await
            .expect("insert user");
        client
            .execute(
                "INSERT INTO chats (id, kind) VALUES ($1, 'private')",
                &[&id],
            )
            .await
            .expect("insert chat");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn users_are_paginated_and_pages_are_edited_in_place() {
    let h = Harness::start().await;
    add_users(&h, 24, "member").await;
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "Main menu").await;
    h.say(&h.admin, "/users");
    let page = h.expect(ADMIN, "Users (25)").await;
    assert!(page.button("1/3").is_some(), "{:?}", page.buttons);
    h.press(&h.admin, &page, "Next");
    let second = h.expect(ADMIN, "User19").await;
    assert_eq!(second.message_id, page.message_id, "edited in place");
    assert!(second.button("2/3").is_some());
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn grant_and_revoke_check_their_input_and_tell_the_user() {
    let h = Harness::start().await;
    h.say(&h.admin, "/grant");
    h.expect(ADMIN, "Usage: /grant").await;
    h.say(&h.admin, "/grant abc member");
    h.say(&h.admin, "/grant 5 owner");
    h.say(&h.admin, "/revoke");
    h.expect(ADMIN, "Usage: /revoke").await;
    h.say(&h.admin, "/grant 777 member");
    h.expect(ADMIN, "User 777 has never written").await;
    h.say(&h.admin, "/revoke 1000");
    h.expect(ADMIN, "is an administrator in the config file")
        .await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM audit_log").await,
        0,
        "bad input changes nothing"
    );

    let carol = h.user(4000, "Carol");
    h.say(&carol, "/start");
    h.expect(ADMIN, "New access request from Carol").await;
    h.say(&h.admin, "/grant 4000 admin");
    h.expect(ADMIN, "Carol is now admin").await;
    h.expect(4000, "access has been approved").await;
    h.say(&h.admin, "/revoke 4000");
    h.expect(ADMIN, "Carol is now revoked").await;
    h.expect(4000, "access to this bot has been revoked").await;
    h.say(&h.admin, "/audit");
    let audit = h.expect(ADMIN, "Audit log").await;
    assert!(audit.body().contains("user.role"), "{}", audit.body());
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn jobs_lists_failures_with_retry_and_confirmed_discard() {
    let h = Harness::start().await;
    h.say(&h.admin, "/jobs");
    h.expect(ADMIN, "job queue is empty").await;
    // A permanently failed job, as graphile_worker stores it.
    let client = h.db.client().await;
    client
        .batch_execute(
            "SELECT graphile_worker.add_job('test_gone', '{}'::json, max_attempts := 1, run_at := now() + interval '1 hour');
             UPDATE graphile_worker._private_jobs SET attempts = 1, last_error = 'remote said no';",
        )
        .await
        .expect("failed job");
    h.say(&h.admin, "/jobs");
    let jobs = h.expect(ADMIN, "remote said no").await;
    assert!(jobs.body().contains("test_gone"), "{}", jobs.body());
    h.press(&h.admin, &jobs, "Discard");
    let confirm = h.expect(ADMIN, "?").await;
    h.press(&h.admin, &confirm, "Discard");
    h.expect(ADMIN, "discarded").await;
    assert_eq!(
        h.sql_count(
            "SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'test_gone'"
        )
        .await,
        0
    );
    assert_eq!(
        h.sql_count("SELECT count(*) FROM audit_log WHERE action = 'job.discard'")
            .await,
        1
    );

    // Retry gives a failed job a fresh set of attempts, due now.
    client
        .batch_execute(
            "SELECT graphile_worker.add_job('test_again', '{}'::json, max_attempts := 1, run_at := now() + interval '1 hour');
             UPDATE graphile_worker._private_jobs SET attempts = 1, last_error = 'try me again';",
        )
        .await
        .expect("failed job");
    h.say(&h.admin, "/jobs");
    let jobs = h.expect(ADMIN, "try me again").await;
    h.press(&h.admin, &jobs, "Retry");
    h.expect(ADMIN, "will run again").await;
    let again = "SELECT count(*) FROM graphile_worker.jobs
                 WHERE task_identifier = 'test_again' AND attempts = 0 AND run_at <= now()";
    assert_eq!(h.sql_count(again).await, 1);
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_button_is_answered_and_a_fresh_menu_shown() {
    let h = Harness::start().await;
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    for stale in ["c0:m", "zz9:whatever", "c1:up:notanumber", "\u{0}"] {
        let query = h
            .emulator
            .press_raw(&h.admin, ADMIN, menu.message_id, stale)
            .expect("press");
        h.emulator
            .wait_until(
                || h.emulator.callback_answer(&query).is_some(),
                Duration::from_secs(10),
                "answer",
            )
            .await
            .expect("answered");
        let answer = h.emulator.callback_answer(&query).expect("answer");
        assert!(answer.text.unwrap_or_default().contains("expired"));
    }
    assert!(h.emulator.unanswered_callbacks().is_empty());
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timezone_dialogue_explains_itself_and_cancel_leaves_it() {
    let h = Harness::start().await;
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "Main menu").await;
    h.say(&h.admin, "/cancel");
    h.expect(ADMIN, "nothing to cancel").await;
    h.say(&h.admin, "/timezone");
    h.expect(ADMIN, "Send the timezone").await;
    h.emulator
        .send_document(&h.admin, ADMIN, "x.csv", b"a,b".to_vec(), None)
        .expect("document");
    h.expect(ADMIN, "waiting for text here (timezone)").await;
    h.say(&h.admin, "/cancel");
    h.expect(ADMIN, "Cancelled.").await;
    h.say(&h.admin, "Europe/Berlin");
    h.expect(ADMIN, "I answer to commands and buttons").await;
    h.say(&h.admin, "/timezone Mars/Olympus");
    h.expect(ADMIN, "is not a timezone I know").await;
    h.say(&h.admin, "/timezone");
    h.say(&h.admin, "europe/berlin");
    h.expect(ADMIN, "Timezone set to Europe/Berlin").await;
    assert_eq!(
        h.sql_count("SELECT count(*) FROM chats WHERE id = 1000 AND timezone = 'Europe/Berlin'")
            .await,
        1
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_language_switch_changes_every_later_text() {
    let h = Harness::start().await;
    h.say(&h.admin, "/menu");
    let menu = h.expect(ADMIN, "Main menu").await;
    h.press(&h.admin, &menu, "Settings");
    let card = h.expect(ADMIN, "Language: English").await;
    h.press(&h.admin, &card, "Русский");
    h.expect(ADMIN, "Язык: Русский").await;
    h.say(&h.admin, "/help");
    h.expect(ADMIN, "Команды администратора").await;
    h.finish().await;
}
