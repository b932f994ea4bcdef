//! Raw HTTP: response shapes, update delivery, uploads, violations, Telegram errors.

use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use super::{alice, post, start, TOKEN};

#[tokio::test]
async fn answers_ok_and_error_shapes() {
    let emu = start().await;
    let (status, body) = post(&emu, "getMe", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(body["ok"], true);
    assert_eq!(body["result"]["id"], 123456);
    assert_eq!(body["result"]["is_bot"], true);

    // Method names match case-insensitively.
    let (status, _) = post(&emu, "GETME", json!({})).await;
    assert_eq!(status, 200);

    let (status, body) = post(&emu, "fooBar", json!({})).await;
    assert_eq!(status, 404);
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );

    let url = format!("{}bot999:wrong/getMe", emu.api_url());
    let resp = reqwest::Client::new().post(url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 401, "description": "Unauthorized"})
    );

    // Unknown chat and blocked chat are legitimate errors, not violations.
    let (status, body) = post(&emu, "sendMessage", json!({"chat_id": 5, "text": "x"})).await;
    assert_eq!(
        (status, body["description"].as_str()),
        (400, Some("Bad Request: chat not found"))
    );
    emu.add_user(&alice());
    emu.block_bot(1001).unwrap();
    let (status, body) = post(&emu, "sendMessage", json!({"chat_id": 1001, "text": "x"})).await;
    assert_eq!(status, 403);
    assert_eq!(
        body["description"],
        "Forbidden: bot was blocked by the user"
    );
    emu.assert_no_violations();
}

#[tokio::test]
async fn get_updates_confirms_by_offset_and_long_polls() {
    let emu = start().await;
    let user = alice();
    emu.send_text(&user, user.id, "hello").unwrap();
    emu.send_command(&user, user.id, "start").unwrap();

    let (_, body) = post(&emu, "getUpdates", json!({})).await;
    let updates = body["result"].as_array().unwrap().clone();
    assert_eq!(updates.len(), 2);
    assert_eq!(updates[0]["message"]["text"], "hello");
    assert_eq!(updates[0]["message"]["chat"]["id"], 1001);
    assert_eq!(updates[0]["message"]["from"]["username"], "alice");
    assert_eq!(updates[1]["message"]["text"], "/start");
    assert_eq!(
        updates[1]["message"]["entities"],
        json!([{"type": "bot_command", "offset": 0, "length": 6}])
    );
    let first = updates[0]["update_id"].as_i64().unwrap();
    let second = updates[1]["update_id"].as_i64().unwrap();
    assert_eq!(second, first + 1);
    assert!(
        updates[1]["message"]["message_id"].as_i64() > updates[0]["message"]["message_id"].as_i64()
    );

    // Not confirmed yet: delivered again; an offset confirms everything below it.
    let (_, body) = post(&emu, "getUpdates", json!({"offset": second, "limit": 1})).await;
    assert_eq!(body["result"][0]["update_id"], second);
    let (_, body) = post(&emu, "getUpdates", json!({"offset": second + 1})).await;
    assert_eq!(body["result"], json!([]));
    assert_eq!(emu.pending_updates(), 0);

    // A long poll returns as soon as an update arrives.
    let poller = {
        let emu = emu.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let (_, body) = post(
                &emu,
                "getUpdates",
                json!({"offset": second + 1, "timeout": 20}),
            )
            .await;
            (started.elapsed(), body)
        })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    emu.send_text(&user, user.id, "wake up").unwrap();
    let (elapsed, body) = poller.await.unwrap();
    assert!(
        elapsed < Duration::from_secs(5),
        "long poll took {elapsed:?}"
    );
    assert_eq!(body["result"][0]["message"]["text"], "wake up");

    // An empty long poll waits for its timeout.
    let started = Instant::now();
    let (_, body) = post(
        &emu,
        "getUpdates",
        json!({"offset": second + 2, "timeout": 1}),
    )
    .await;
    assert_eq!(body["result"], json!([]));
    assert!(started.elapsed() >= Duration::from_millis(900));
    emu.assert_no_violations();
}

#[tokio::test]
async fn multipart_uploads_keep_bytes_and_files_download() {
    let emu = start().await;
    let user = alice();
    emu.add_user(&user);
    let bytes: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let form = Form::new()
        .text("chat_id", "1001")
        .text("caption", "Report")
        .part(
            "document",
            Part::bytes(bytes.clone()).file_name("отчёт \"Q1\".pdf"),
        );
    let url = format!("{}bot{}/sendDocument", emu.api_url(), TOKEN);
    let resp = reqwest::Client::new()
        .post(url)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body: Value = resp.json().await.unwrap();
    let doc = &body["result"]["document"];
    assert_eq!(doc["file_name"], "отчёт \"Q1\".pdf");
    assert_eq!(doc["mime_type"], "application/pdf");
    assert_eq!(doc["file_size"], 70_000);
    assert_eq!(body["result"]["caption"], "Report");
    let sent = emu.messages(1001).pop().unwrap();
    let file = sent.document.unwrap();
    assert_eq!(&file.bytes[..], &bytes[..]);

    // The same document again by file_id (a text field).
    let (status, body) = post(
        &emu,
        "sendDocument",
        json!({"chat_id": 1001, "document": file.file_id}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["result"]["document"]["file_id"], file.file_id.as_str());

    // A document from the user: getFile, then download the exact bytes.
    let upload = b"%PDF-1.4\n\x00\xff binary".to_vec();
    emu.send_document(&user, 1001, "in.pdf", upload.clone(), Some("mine"))
        .unwrap();
    let (_, body) = post(&emu, "getUpdates", json!({})).await;
    let file_id = body["result"][0]["message"]["document"]["file_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(body["result"][0]["message"]["caption"], "mine");
    let (_, body) = post(&emu, "getFile", json!({"file_id": file_id})).await;
    let path = body["result"]["file_path"].as_str().unwrap();
    let url = format!("{}file/bot{}/{path}", emu.api_url(), TOKEN);
    let got = reqwest::get(url).await.unwrap().bytes().await.unwrap();
    assert_eq!(&got[..], &upload[..]);
    emu.assert_no_violations();
}

#[tokio::test]
async fn second_poller_and_webhook_conflict() {
    let emu = start().await;
    let first = {
        let emu = emu.clone();
        tokio::spawn(async move { post(&emu, "getUpdates", json!({"timeout": 10})).await })
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, _) = post(&emu, "getUpdates", json!({})).await;
    assert_eq!(status, 200);
    let (status, body) = first.await.unwrap();
    assert_eq!(status, 409);
    assert!(body["description"]
        .as_str()
        .unwrap()
        .starts_with("Conflict: terminated by other getUpdates request"));

    let (status, _) = post(
        &emu,
        "setWebhook",
        json!({"url": "https://bot.example.com/hook", "secret_token": "s3cret"}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        emu.webhook_url().as_deref(),
        Some("https://bot.example.com/hook")
    );
    let (status, _) = post(&emu, "getUpdates", json!({})).await;
    assert_eq!(status, 409);
    let (_, body) = post(&emu, "getWebhookInfo", json!({})).await;
    assert_eq!(body["result"]["url"], "https://bot.example.com/hook");
    let (status, _) = post(&emu, "deleteWebhook", json!({"drop_pending_updates": true})).await;
    assert_eq!(status, 200);
    let (status, _) = post(&emu, "getUpdates", json!({})).await;
    assert_eq!(status, 200);
    emu.assert_no_violations();

    // Plain-HTTP webhooks are refused by Telegram: a contract violation.
    let (status, _) = post(
        &emu,
        "setWebhook",
        json!({"url": "http://127.0.0.1:9/hook"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(emu.violations().len(), 1);
}
