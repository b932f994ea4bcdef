//! Webhook mode: the route in our HTTP server checks the secret, updates are
//! handled, and `ppc-helper webhook set|info|delete` talk to the Bot API.

mod support;

use std::process::Command;

use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::emulator::{Emulator, TestUser};
use ppc_helper::shutdown::Shutdown;
use support::{test_config, TestDb};

const TOKEN: &str = "654321:WEBHOOK";
const SECRET: &str = "s3cret_token-1";

#[tokio::test(flavor = "multi_thread")]
async fn webhook_updates_need_the_secret_and_are_handled() {
    let db = TestDb::new().await;
    let emulator = Emulator::start(TOKEN).await.expect("emulator");
    emulator.add_user(&TestUser::new(1000, "Alice"));
    let mut config = test_config(&db);
    config.telegram.token = Some(TOKEN.into());
    config.telegram.api_url = emulator.api_url().to_string();
    config.telegram.admins = vec![1000];
    config.telegram.webhook.url = "https://bot.example.com/telegram/webhook".into();
    config.telegram.webhook.secret = Some(SECRET.into());
    let app = App::build(config, Shutdown::new()).await.expect("app");
    let seams = Seams {
        http_listen: Some("127.0.0.1:0".parse().expect("addr")),
        ..Seams::default()
    };
    let running = app.start(Mode::Run, seams).await.expect("start");
    let url = format!(
        "http://{}/telegram/webhook",
        running.http_addr().expect("addr")
    );
    let update = serde_json::json!({
        "update_id": 1,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": {"id": 1000, "type": "private", "first_name": "Alice"},
            "from": {"id": 1000, "is_bot": false, "first_name": "Alice"},
            "text": "/help"
        }
    });
    let http = reqwest::Client::new();
    for secret in [None, Some("wrong"), Some("s3cret_token-")] {
        let mut request = http.post(&url).json(&update);
        if let Some(secret) = secret {
            request = request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        assert_eq!(request.send().await.expect("post").status(), 401);
    }
    let accepted = http
        .post(&url)
        .header("X-Telegram-Bot-Api-Secret-Token", SECRET)
        .json(&update)
        .send()
        .await
        .expect("post");
    assert_eq!(accepted.status(), 200);
    emulator
        .wait_for(
            1000,
            |m| m.body().contains("Admin commands"),
            support::telegram::WAIT,
        )
        .await
        .expect("the update was handled");
    assert!(
        emulator.calls_to("getUpdates").is_empty(),
        "no long polling in webhook mode"
    );
    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
    emulator.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread")]
async fn webhook_commands_register_show_and_delete() {
    let emulator = Emulator::start(TOKEN).await.expect("emulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json");
    let config = serde_json::json!({
        "telegram": {
            "token": TOKEN,
            "api_url": emulator.api_url().to_string(),
            "webhook": {"url": "https://bot.example.com/hook", "secret": SECRET}
        }
    });
    std::fs::write(&path, config.to_string()).expect("config");
    let run = move |action: &str| {
        let output = Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
            .arg("--config")
            .arg(&path)
            .args(["webhook", action])
            .output()
            .expect("run");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let set =
        tokio::task::spawn_blocking(move || (run("set"), run("info"), run("delete"), run("info")))
            .await
            .expect("commands");
    assert!(
        set.0
            .contains("webhook set to https://bot.example.com/hook"),
        "{}",
        set.0
    );
    assert!(set.1.contains("https://bot.example.com/hook"), "{}", set.1);
    assert!(set.2.contains("webhook deleted"), "{}", set.2);
    assert!(set.3.contains("no webhook set"), "{}", set.3);
    emulator.assert_no_violations();
}
