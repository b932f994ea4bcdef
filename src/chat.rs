//! `ppc-helper chat`: the whole app against the built-in Bot API emulator, with
//! a chat in the terminal. Type text or /commands; `#3` presses button 3 of the
//! latest keyboard; `!file <path> [caption]` sends a file; `!quit` or Ctrl-D
//! leaves. Documents and photos the bot sends are saved under `./chat-files/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};

use crate::app::{App, Mode, Seams};
use crate::config::Config;
use crate::emulator::{BotMessage, Emulator, TestUser};
use crate::shutdown::Shutdown;

/// The emulator's bot token (only ever sent to the local emulator).
const CONSOLE_TOKEN: &str = "100000:console";

/// Where files the bot sends are saved.
const FILES_DIR: &str = "chat-files";

/// Runs the console until `!quit`, end of input, SIGINT or SIGTERM.
pub async fn run(mut config: Config, as_user: Option<i64>) -> anyhow::Result<()> {
    let emulator = Emulator::start(CONSOLE_TOKEN)
        .await
        .context("starting the Bot API emulator")?;
    let user_id = as_user
        .or_else(|| config.telegram.admins.first().copied())
        .unwrap_or(1);
    if config.telegram.admins.is_empty() {
        config.telegram.admins.push(user_id);
        println!("(no telegram.admins configured: you, user {user_id}, are admin in this console)");
    }
    config.telegram.token = Some(CONSOLE_TOKEN.into());
    config.telegram.api_url = emulator.api_url().to_string();
    config.telegram.webhook.url.clear();
    let user = TestUser::new(user_id, "You");
    emulator.add_user(&user);

    let shutdown = Shutdown::new();
    shutdown.listen_for_os_signals()?;
    let app = App::build(config, shutdown.clone()).await?;
    let running = app.start(Mode::Run, Seams::default()).await?;
    println!("ppc-helper chat as user {user_id}. Type /start. `#N` presses button N, `!file <path> [caption]` sends a file, `!quit` leaves.");

    let printer = tokio::spawn(print_bot_messages(
        emulator.clone(),
        user_id,
        shutdown.clone(),
    ));
    let mut lines = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = tokio::select! {
            line = lines.next_line() => line.context("reading the terminal")?,
            _ = shutdown.wait() => None,
        };
        let Some(line) = line else { break };
        if let Err(error) = handle_line(&emulator, &user, line.trim()).await {
            println!("  ! {error:#}");
        }
        if line.trim() == "!quit" {
            break;
        }
    }
    shutdown.trigger();
    let _ = printer.await;
    running.wait().await
}

async fn handle_line(emulator: &Emulator, user: &TestUser, line: &str) -> anyhow::Result<()> {
    let chat = user.chat_id();
    if line.is_empty() || line == "!quit" {
        return Ok(());
    }
    if let Some(number) = line.strip_prefix('#') {
        let index: usize = number
            .trim()
            .parse()
            .context("`#N` needs a button number")?;
        let (message_id, data) = latest_buttons(emulator, chat)
            .into_iter()
            .nth(index.saturating_sub(1))
            .with_context(|| format!("there is no button #{index}"))?;
        emulator.press_button(user, chat, message_id, &data)?;
        return Ok(());
    }
    if let Some(rest) = line.strip_prefix("!file ") {
        let (path, caption) = match rest.trim().split_once(' ') {
            Some((path, caption)) => (path, Some(caption.trim())),
            None => (rest.trim(), None),
        };
        let bytes = std::fs::read(path).with_context(|| format!("reading {path}"))?;
        let name = Path::new(path)
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "file".into());
        emulator.send_document(user, chat, &name, bytes, caption)?;
        return Ok(());
    }
    emulator.send_text(user, chat, line)?;
    Ok(())
}

/// Buttons of the latest message that has any, as (message id, data), in order.
fn latest_buttons(emulator: &Emulator, chat: i64) -> Vec<(i32, String)> {
    emulator
        .messages(chat)
        .into_iter()
        .rev()
        .find(|m| !m.deleted && !m.buttons.is_empty())
        .map(|m| {
            m.buttons
                .iter()
                .flatten()
                .filter_map(|b| b.callback_data.clone().map(|d| (m.message_id, d)))
                .collect()
        })
        .unwrap_or_default()
}

async fn print_bot_messages(emulator: Emulator, chat: i64, shutdown: Shutdown) {
    let mut shown: HashMap<i32, String> = HashMap::new();
    while !shutdown.is_triggered() {
        for message in emulator.messages(chat) {
            let rendered = render(&message);
            if shown.get(&message.message_id) != Some(&rendered) {
                let edited = shown.contains_key(&message.message_id);
                println!("{}{rendered}", if edited { "(edited) " } else { "" });
                if let Some(path) = save_file(&message) {
                    println!("  [file saved: {}]", path.display());
                }
                shown.insert(message.message_id, rendered);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn render(message: &BotMessage) -> String {
    if message.deleted {
        return format!("bot: [message {} deleted]", message.message_id);
    }
    let mut out = format!("bot: {}", plain(message.body()));
    let mut number = 0;
    for row in &message.buttons {
        let labels: Vec<String> = row
            .iter()
            .map(|b| {
                number += 1;
                format!("[#{number} {}]", b.text)
            })
            .collect();
        out.push_str(&format!("\n     {}", labels.join(" ")));
    }
    out
}

/// Telegram HTML to terminal text: tags dropped, entities decoded.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn save_file(message: &BotMessage) -> Option<PathBuf> {
    let file = message.document.as_ref().or(message.photo.as_ref())?;
    let name = file
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.bin", file.file_id));
    let dir = Path::new(FILES_DIR);
    std::fs::create_dir_all(dir).ok()?;
    let path = dir.join(format!("{}-{name}", message.message_id));
    std::fs::write(&path, &file.bytes).ok()?;
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn html_becomes_plain_text() {
        assert_eq!(plain("<b>Main</b> &lt;x&gt; &amp; y"), "Main <x> & y");
    }
}
