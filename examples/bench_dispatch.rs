//! Dispatch benchmark: the emulator pushes commands from 1,000 chats as fast as
//! ppc-helper takes them (`/timezone <name>` writes the database, `/menu` reads
//! it) to `ppc-helper run` in its own process; prints updates/s with a full
//! backlog, p50/p99 from update to answer at 1,000 updates/s, and the app's
//! resident memory.
//! Reference in the same run: the same number of sendMessage round trips
//! straight to the emulator (the transport's own cost). Run `bench/dispatch.sh`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::emulator::{Emulator, TestUser};
use teloxide::prelude::Requester;
use teloxide::types::ChatId;

const CHATS: i64 = 1_000;
const PER_CHAT: usize = 10;
const FIRST_CHAT: i64 = 10_000;
const TOKEN: &str = "777:bench";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Resident memory of process `pid` in MB.
fn rss_of(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// A free local port for the app's HTTP server.
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let binary = std::env::args()
        .nth(1)
        .context("usage: bench_dispatch <path to the ppc-helper binary>")?;
    let dir = tempfile::tempdir().context("tempdir")?;
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        data_dir: dir.path().join("pg"),
        os_user: "postgres".into(),
        database: "bench".into(),
    })
    .await?;
    let url = cluster.url();

    let emulator = Emulator::start(TOKEN).await?;
    let reference = reference_round_trips(&emulator).await?;

    // The app runs as its own process so its memory is measured alone.
    let http_port = free_port()?;
    let config = serde_json::json!({
        "database": {"url": url},
        "http": {"listen": format!("127.0.0.1:{http_port}")},
        "telegram": {"token": TOKEN, "api_url": emulator.api_url().to_string(), "admins": [1]}
    });
    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, config.to_string())?;
    let mut app = std::process::Command::new(&binary)
        .arg("--config")
        .arg(&config_path)
        .arg("run")
        .env("RUST_LOG", "warn")
        .spawn()
        .with_context(|| format!("starting {binary}"))?;
    let pid = app.id();
    let ready = format!("http://127.0.0.1:{http_port}/readyz");
    let deadline = Instant::now() + Duration::from_secs(60);
    while !matches!(reqwest::get(&ready).await, Ok(r) if r.status().is_success()) {
        anyhow::ensure!(Instant::now() < deadline, "the app did not become ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (client, connection) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    let last = FIRST_CHAT + CHATS - 1;
    client
        .execute(
            "INSERT INTO users (telegram_id, first_name, role)
             SELECT g, 'U' || g, 'member' FROM generate_series($1::bigint, $2::bigint) g",
            &[&FIRST_CHAT, &last],
        )
        .await?;
    client
        .execute(
            "INSERT INTO chats (id, kind) SELECT g, 'private' FROM generate_series($1::bigint, $2::bigint) g",
            &[&FIRST_CHAT, &last],
        )
        .await?;
    let users: Vec<TestUser> = (0..CHATS)
        .map(|i| TestUser::new(FIRST_CHAT + i, "U"))
        .collect();
    for user in &users {
        emulator.add_user(user);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = rss_of(pid);

    // Phase 1, throughput: every update at once; how fast is the backlog served?
    let (elapsed, _, peak_backlog) = push_and_wait(&emulator, &users, PER_CHAT, None, pid).await?;
    let total = CHATS as usize * PER_CHAT;
    println!(
        "ppc-helper dispatch: {total} updates from {CHATS} chats (backlog) in {:.2} s: {:.0} updates/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    // Phase 2, latency: 1,000 updates/s spread over the chats, for 5 s.
    let pace = Duration::from_micros(1_000);
    let (_, mut latencies, peak_paced) =
        push_and_wait(&emulator, &users, 5, Some(pace), pid).await?;
    latencies.sort_unstable();
    println!(
        "update → answer at 1,000 updates/s over {} updates: p50 {:.1} ms, p99 {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    println!(
        "ppc-helper RSS: idle {idle_rss:.0} MB, peak {:.0} MB (backlog), {:.0} MB (paced)",
        peak_backlog, peak_paced
    );
    println!("reference: bare sendMessage round trips to the emulator: {reference:.0} requests/s");

    let _ = terminate(pid);
    let _ = app.wait();
    cluster.stop().await?;
    Ok(())
}

fn terminate(pid: u32) -> std::io::Result<()> {
    let status = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(pid.to_string())
        .status()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other("kill failed"))
    }
}

/// Sends `rounds` commands per chat (optionally one every `pace`), waits for
/// every answer; returns the elapsed time, per-update latencies and peak RSS.
async fn push_and_wait(
    emulator: &Emulator,
    users: &[TestUser],
    rounds: usize,
    pace: Option<Duration>,
    pid: u32,
) -> anyhow::Result<(Duration, Vec<Duration>, f64)> {
    let before = emulator.calls_to("sendMessage").len();
    let started = Instant::now();
    let mut pushed: HashMap<i64, Vec<Instant>> = HashMap::new();
    let mut peak = rss_of(pid);
    let mut next = Instant::now();
    for round in 0..rounds {
        for user in users {
            let text = if round % 2 == 0 {
                "/timezone Europe/Berlin"
            } else {
                "/menu"
            };
            if let Some(pace) = pace {
                next += pace;
                if let Some(wait) = next.checked_duration_since(Instant::now()) {
                    tokio::time::sleep(wait).await;
                }
            }
            emulator.send_text(user, user.chat_id(), text)?;
            pushed
                .entry(user.chat_id())
                .or_default()
                .push(Instant::now());
        }
        peak = peak.max(rss_of(pid));
    }
    let total = users.len() * rounds;
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let answered = emulator.calls_to("sendMessage").len() - before;
        peak = peak.max(rss_of(pid));
        if answered >= total {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {answered} of {total} answered"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();
    let mut answers: HashMap<i64, Vec<Instant>> = HashMap::new();
    for call in emulator.calls_to("sendMessage").into_iter().skip(before) {
        if let Some(chat) = call.chat_id {
            answers.entry(chat).or_default().push(call.at);
        }
    }
    let mut latencies = Vec::with_capacity(total);
    for (chat, sent) in &pushed {
        if let Some(replies) = answers.get(chat) {
            for (sent, reply) in sent.iter().zip(replies) {
                latencies.push(reply.saturating_duration_since(*sent));
            }
        }
    }
    Ok((elapsed, latencies, peak))
}

/// The transport's own cost: sendMessage straight to the emulator from 16
/// concurrent senders, 10,000 requests.
async fn reference_round_trips(emulator: &Emulator) -> anyhow::Result<f64> {
    let bot = teloxide::Bot::new(TOKEN).set_api_url(emulator.api_url());
    let sink = TestUser::new(5, "sink");
    emulator.add_user(&sink);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let bot = bot.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..(CHATS as usize * PER_CHAT / 16) {
                bot.send_message(ChatId(5), "x").await?;
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok((CHATS as usize * PER_CHAT / 16 * 16) as f64 / started.elapsed().as_secs_f64())
}
