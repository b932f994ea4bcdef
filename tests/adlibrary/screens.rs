//! Helpers of the Ad Library bot tests: menus edited in place, database
//! values.
#![allow(dead_code)] // Each test crate that includes this uses a different subset.

use ppc_helper::emulator::BotMessage;

use crate::support::telegram::{Harness, ADMIN, WAIT};

/// Waits until the admin's message `message` (edited in place) contains
/// `needle`, and returns it as it is then.
pub async fn edited(h: &Harness, message: &BotMessage, needle: &str) -> BotMessage {
    let id = message.message_id;
    let owned = needle.to_string();
    h.emulator
        .wait_for(
            ADMIN,
            move |m| m.message_id == id && m.body().contains(&owned),
            WAIT,
        )
        .await
        .unwrap_or_else(|e| {
            let now = h
                .emulator
                .messages(ADMIN)
                .into_iter()
                .find(|m| m.message_id == id)
                .map(|m| m.body().to_string());
            panic!("message {id} never showed {needle:?}: {e}; it shows {now:?}")
        })
}

/// Presses `label` on `message` and waits for the same message to show `needle`.
pub async fn press_and_see(
    h: &Harness,
    message: &BotMessage,
    label: &str,
    needle: &str,
) -> BotMessage {
    h.press(&h.admin, message, label);
    edited(h, message, needle).await
}

/// Waits for `message` (edited in place) to carry a button labelled `label`.
pub async fn wait_button(h: &Harness, message: &BotMessage, label: &str) -> BotMessage {
    let id = message.message_id;
    let owned = label.to_string();
    h.emulator
        .wait_for(
            ADMIN,
            move |m| m.message_id == id && m.button(&owned).is_some(),
            WAIT,
        )
        .await
        .unwrap_or_else(|e| panic!("no button {label:?} on message {id}: {e}"))
}

/// One text value from the database.
pub async fn sql_text(h: &Harness, sql: &str) -> String {
    h.db.client()
        .await
        .query_one(sql, &[])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// The id of the account called `name`.
pub async fn account_id(h: &Harness, name: &str) -> i64 {
    h.db.client()
        .await
        .query_one("SELECT id FROM adlib_accounts WHERE name = $1", &[&name])
        .await
        .unwrap_or_else(|e| panic!("account {name}: {e}"))
        .get(0)
}

/// Runs `sql` (one or more statements) on the test database.
pub async fn execute(h: &Harness, sql: &str) {
    h.db.client()
        .await
        .batch_execute(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}
