//! `ppc-helper chat`: a person at the terminal chats with the whole app.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use support::TestDb;

#[tokio::test(flavor = "multi_thread")]
async fn the_console_shows_replies_and_numbered_buttons() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.json");
    let json = serde_json::json!({
        "database": {"url": db.url()},
        "http": {"listen": "127.0.0.1:0"},
        "telegram": {"admins": [5]}
    });
    std::fs::write(&config, json.to_string()).expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
        .arg("--config")
        .arg(&config)
        .arg("chat")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn chat");
    let mut stdin = child.stdin.take().expect("stdin");
    let stdout = child.stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| {
        let started = Instant::now();
        let mut seen = Vec::new();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(line) = lines.recv_timeout(Duration::from_millis(200)) {
                if line.contains(needle) {
                    return line;
                }
                seen.push(line);
            }
        }
        panic!("the console never printed {needle:?}; saw {seen:#?}");
    };
    wait_for("ppc-helper chat as user 5");
    writeln!(stdin, "/start").expect("write");
    wait_for("bot: Main menu");
    let settings = wait_for("Settings]");
    // Buttons print as `[#N label]`; features come first, Settings last.
    let number = settings
        .rsplit("[#")
        .next()
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a numbered button")
        .to_string();
    writeln!(stdin, "#{number}").expect("write");
    wait_for("Language: English");
    writeln!(stdin, "#9").expect("write");
    wait_for("there is no button #9");
    writeln!(stdin, "!quit").expect("write");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "chat did not exit"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "exit {status}");
}
