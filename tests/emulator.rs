//! The Telegram Bot API emulator: wire format with raw HTTP (`emulator/wire.rs`) and a
//! real teloxide `Bot` (`emulator/client.rs`); Telegram behaviour in `emulator/behaviour.rs`.

#[path = "emulator/behaviour.rs"]
mod behaviour;
#[path = "emulator/client.rs"]
mod client;
#[path = "emulator/wire.rs"]
mod wire;

use ppc_helper::emulator::{Emulator, TestUser};
use serde_json::{json, Value};

const TOKEN: &str = "123456:TEST-token_abc";

async fn start() -> Emulator {
    Emulator::start(TOKEN).await.expect("emulator starts")
}

fn alice() -> TestUser {
    TestUser::new(1001, "Alice").with_username("alice")
}

/// Calls a method with a JSON body; returns (HTTP status, body).
async fn post(emu: &Emulator, method: &str, body: Value) -> (u16, Value) {
    let url = format!("{}bot{}/{method}", emu.api_url(), emu.token());
    let resp = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn keyboard(data: &str) -> Value {
    json!({"inline_keyboard": [[{"text": "Go", "callback_data": data}]]})
}
