//! Telegram behaviour: contract violations, edits and deletes, callback answers, 429
//! injection, groups and bot commands.

use std::time::Duration;

use ppc_helper::emulator::TestUser;
use serde_json::{json, Value};

use super::{alice, keyboard, post, start, TOKEN};

#[tokio::test]
async fn contract_violations_are_rejected_and_recorded() {
    let emu = start().await;
    emu.add_user(&alice());

    let data = "x".repeat(65);
    let (status, body) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "t", "reply_markup": keyboard(&data)}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["description"], "Bad Request: BUTTON_DATA_INVALID");
    // 64 bytes is fine even when it is 32 Cyrillic letters.
    let (status, _) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "t", "reply_markup": keyboard(&"я".repeat(32))}),
    )
    .await;
    assert_eq!(status, 200);

    let (status, body) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "t", "colour": "red"}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        body["description"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    let (status, body) = post(&emu, "sendMessage", json!({"text": "t"})).await;
    assert_eq!(status, 400);
    assert!(
        body["description"].as_str().unwrap().contains("chat_id"),
        "{body}"
    );
    let (_, body) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "a".repeat(4097)}),
    )
    .await;
    assert_eq!(body["description"], "Bad Request: message is too long");
    let (_, body) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "b < c", "parse_mode": "HTML"}),
    )
    .await;
    assert!(body["description"]
        .as_str()
        .unwrap()
        .starts_with("Bad Request: can't parse entities"));

    let violations = emu.violations();
    assert_eq!(violations.len(), 5, "{violations:#?}");
    assert!(violations[0].description.contains("BUTTON_DATA_INVALID"));
    assert!(violations.iter().all(|v| v.method == "sendMessage"));

    // Form-urlencoded bodies are typed by the spec: this is valid.
    let url = format!("{}bot{}/sendMessage", emu.api_url(), TOKEN);
    let resp = reqwest::Client::new()
        .post(url)
        .form(&[
            ("chat_id", "1001"),
            ("text", "<b>bold</b> text"),
            ("parse_mode", "HTML"),
            ("reply_markup", &keyboard("ok").to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["result"]["text"], "bold text");
    assert_eq!(
        body["result"]["entities"],
        json!([{"type": "bold", "offset": 0, "length": 4}])
    );
    assert_eq!(emu.violations().len(), 5);
}

#[tokio::test]
async fn edits_deletes_and_callback_answers_follow_telegram() {
    let emu = start().await;
    let user = alice();
    emu.add_user(&user);
    let (_, body) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": 1001, "text": "Menu", "reply_markup": keyboard("m:1")}),
    )
    .await;
    let id = body["result"]["message_id"].as_i64().unwrap();
    assert_eq!(body["result"]["reply_markup"], keyboard("m:1"));
    assert_eq!(body["result"]["from"]["is_bot"], true);

    let (status, body) = post(
        &emu,
        "editMessageText",
        json!({"chat_id": 1001, "message_id": id, "text": "Menu", "reply_markup": keyboard("m:1")}),
    )
    .await;
    assert_eq!(status, 400);
    assert!(body["description"]
        .as_str()
        .unwrap()
        .starts_with("Bad Request: message is not modified: "));
    let (status, body) = post(&emu, "editMessageText", json!({"chat_id": 1001, "message_id": id, "text": "Menu 2", "reply_markup": keyboard("m:2")})).await;
    assert_eq!(status, 200);
    assert!(body["result"]["edit_date"].is_i64());
    let (_, body) = post(
        &emu,
        "editMessageText",
        json!({"chat_id": 1001, "message_id": 99, "text": "x"}),
    )
    .await;
    assert_eq!(
        body["description"],
        "Bad Request: message to edit not found"
    );

    let query = emu.press_button(&user, 1001, id as i32, "m:2").unwrap();
    assert!(emu.press_button(&user, 1001, id as i32, "m:1").is_err());
    let stale = emu.press_raw(&user, 1001, id as i32, "m:1").unwrap();
    let (status, _) = post(
        &emu,
        "answerCallbackQuery",
        json!({"callback_query_id": query, "text": "Done"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = post(
        &emu,
        "answerCallbackQuery",
        json!({"callback_query_id": query}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body["description"],
        "Bad Request: query is too old and response timeout expired or query ID is invalid"
    );
    assert_eq!(emu.unanswered_callbacks(), vec![stale]);
    let answers = emu.callback_answers();
    assert_eq!(answers[0].text.as_deref(), Some("Done"));

    let (status, _) = post(
        &emu,
        "deleteMessage",
        json!({"chat_id": 1001, "message_id": id}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, body) = post(
        &emu,
        "deleteMessage",
        json!({"chat_id": 1001, "message_id": id}),
    )
    .await;
    assert_eq!(
        body["description"],
        "Bad Request: message to delete not found"
    );
    let msg = &emu.messages(1001)[0];
    assert!(msg.deleted && msg.edited);
    assert_eq!(msg.text.as_deref(), Some("Menu 2"));
    emu.assert_no_violations();
}

#[tokio::test]
async fn injected_429_carries_retry_after() {
    let emu = start().await;
    emu.add_user(&alice());
    emu.add_user(&TestUser::new(2002, "Bob"));
    emu.inject_429("sendmessage", Some(1001), 3, 2);
    for _ in 0..2 {
        let (status, body) = post(&emu, "sendMessage", json!({"chat_id": 1001, "text": "x"})).await;
        assert_eq!(status, 429);
        assert_eq!(
            body,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3", "parameters": {"retry_after": 3}})
        );
    }
    let (status, _) = post(&emu, "sendMessage", json!({"chat_id": 2002, "text": "x"})).await;
    assert_eq!(status, 200);
    let (status, _) = post(&emu, "sendMessage", json!({"chat_id": 1001, "text": "x"})).await;
    assert_eq!(status, 200);
    let statuses: Vec<u16> = emu
        .calls_to("sendMessage")
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [429, 429, 200, 200]);
    emu.assert_no_violations();
}

#[tokio::test]
async fn groups_commands_and_wait_for() {
    let emu = start().await;
    let user = alice();
    assert!(emu.send_text(&user, -100, "hi").is_err());
    emu.add_group(-1_001_234_567_890, "Agency");
    emu.send_command(
        &user,
        -1_001_234_567_890,
        "/report@ppc_helper_emulator_bot now",
    )
    .unwrap();
    let (_, body) = post(&emu, "getUpdates", json!({})).await;
    let msg = &body["result"][0]["message"];
    assert_eq!(msg["chat"]["type"], "supergroup");
    assert_eq!(msg["chat"]["title"], "Agency");
    assert_eq!(msg["entities"][0]["length"], 31);

    let waiter = {
        let emu = emu.clone();
        tokio::spawn(async move {
            emu.wait_for(
                -1_001_234_567_890,
                |m| m.body() == "Report queued",
                Duration::from_secs(5),
            )
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (status, _) = post(
        &emu,
        "sendMessage",
        json!({"chat_id": -1_001_234_567_890_i64, "text": "  Report queued\n"}),
    )
    .await;
    assert_eq!(status, 200);
    let found = waiter.await.unwrap().unwrap();
    assert_eq!(found.text.as_deref(), Some("Report queued"));
    let missing = emu
        .wait_for(
            -1_001_234_567_890,
            |m| m.body() == "never",
            Duration::from_millis(200),
        )
        .await;
    assert!(missing.is_err());

    let (status, _) = post(
        &emu,
        "setMyCommands",
        json!({"commands": [{"command": "report", "description": "Ad report"}],
               "scope": {"type": "chat", "chat_id": -1_001_234_567_890_i64}}),
    )
    .await;
    assert_eq!(status, 200);
    let sets = emu.commands();
    assert_eq!(sets[0].scope, "chat:-1001234567890");
    assert_eq!(
        sets[0].commands,
        vec![("report".to_string(), "Ad report".to_string())]
    );
    let (_, body) = post(&emu, "getMyCommands", json!({})).await;
    assert_eq!(body["result"], json!([]));
    emu.assert_no_violations();
}
