//! The outbound sender: a broadcast to 50 chats with 429s injected arrives
//! once and in order in every chat; a chat that blocked the bot is marked
//! inactive and its schedules paused.

mod support;

use std::time::Duration;

use support::telegram::{Harness, ADMIN};

const MEMBERS: i64 = 50;
const FIRST: i64 = 60_000;

async fn add_members(h: &Harness) {
    let client = h.db.client().await;
    for i in 0..MEMBERS {
        let id = FIRST + i;
        client
            .execute(
                "INSERT INTO users (telegram_id, first_name, role) VALUES ($1, 'M', 'member')",
                &[&id],
            )
            .await
            .expect("user");
        client
            .execute(
                "INSERT INTO chats (id, kind) VALUES ($1, 'private')",
                &[&id],
            )
            .await
            .expect("chat");
        h.user(id, "M");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_broadcast_survives_429s_and_keeps_each_chats_order() {
    let h = Harness::start().await;
    add_members(&h).await;
    h.say(&h.admin, "/start");
    h.expect(ADMIN, "Main menu").await;
    for i in 0..10 {
        h.emulator
            .inject_429("sendMessage", Some(FIRST + i * 5), 1, 1 + (i as usize % 2));
    }
    h.say(&h.admin, "/broadcast first <b>note</b>");
    h.expect(ADMIN, "Broadcast queued for 51 chats").await;
    h.say(&h.admin, "/broadcast second");
    h.emulator
        .wait_until(
            || {
                h.emulator
                    .messages(ADMIN)
                    .iter()
                    .filter(|m| {
                        m.body()
                            .contains("Broadcast finished: 51 delivered, 0 failed")
                    })
                    .count()
                    == 2
            },
            Duration::from_secs(60),
            "two broadcast reports",
        )
        .await
        .expect("both broadcasts finish");
    for i in 0..MEMBERS {
        let bodies: Vec<String> = h
            .emulator
            .messages(FIRST + i)
            .iter()
            .map(|m| m.body().to_string())
            .collect();
        assert_eq!(
            bodies,
            vec!["first <b>note</b>".to_string(), "second".to_string()],
            "chat {}",
            FIRST + i
        );
    }
    let throttled = h
        .emulator
        .calls_to("sendMessage")
        .iter()
        .filter(|c| c.status == 429)
        .count();
    assert!(
        throttled >= 10,
        "429s were injected and answered: {throttled}"
    );
    h.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chat_that_blocked_the_bot_is_marked_inactive() {
    let h = Harness::start().await;
    add_members(&h).await;
    let blocked = FIRST + 7;
    let client = h.db.client().await;
    client
        .execute(
            "INSERT INTO schedules (chat_id, job_type, rule, timezone, next_fire_at)
             VALUES ($1, 'x', 'daily 09:00', 'UTC', now() + interval '1 day')",
            &[&blocked],
        )
        .await
        .expect("schedule");
    h.emulator.block_bot(blocked).expect("block");
    h.say(&h.admin, "/broadcast hello");
    h.expect(ADMIN, "Broadcast finished: 49 delivered, 1 failed")
        .await;
    let row = client
        .query_one(
            "SELECT active, inactive_reason FROM chats WHERE id = $1",
            &[&blocked],
        )
        .await
        .expect("chat");
    assert!(!row.get::<_, bool>(0));
    assert!(row
        .get::<_, Option<String>>(1)
        .unwrap_or_default()
        .contains("blocked"));
    assert_eq!(
        h.sql_count("SELECT count(*) FROM schedules WHERE enabled")
            .await,
        0,
        "the blocked chat's schedules are paused"
    );
    // A second broadcast skips the inactive chat (the admin never sent /start,
    // so only the 49 reachable members count).
    h.say(&h.admin, "/broadcast again");
    h.expect(ADMIN, "Broadcast queued for 49 chats").await;
    h.finish().await;
}
