//! SIGTERM stops the dispatcher (long polling) together with the workers and
//! the process exits 0.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use ppc_helper::emulator::Emulator;
use support::TestDb;

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_a_polling_bot_cleanly() {
    let db = TestDb::new().await;
    let emulator = Emulator::start("31337:signals").await.expect("emulator");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json");
    let config = serde_json::json!({
        "database": {"url": db.url()},
        "http": {"listen": "127.0.0.1:0"},
        "telegram": {"token": "31337:signals", "api_url": emulator.api_url().to_string()}
    });
    std::fs::write(&path, config.to_string()).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
        .arg("--config")
        .arg(&path)
        .arg("run")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn run");
    emulator
        .wait_until(
            || !emulator.calls_to("getUpdates").is_empty(),
            Duration::from_secs(30),
            "the bot polls",
        )
        .await
        .expect("polling started");
    kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).expect("SIGTERM");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("the bot did not stop within 30 s of SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status {status}");
}
