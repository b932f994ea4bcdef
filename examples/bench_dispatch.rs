//! Dispatch benchmark: the emulator pushes commands from 1,000 chats as fast as
//! ppc-helper takes them (`/timezone <name>` writes the database, `/menu` reads
//! it); prints updates/s, p50/p99 from update to answer and resident memory.
//! Reference in the same run: the same number of sendMessage round trips
//! straight to the emulator (the transport's own cost). Run `bench/dispatch.sh`.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use anyhow::Context;
use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::emulator::{Emulator, TestUser};
use ppc_helper::shutdown::Shutdown;
use teloxide::prelude::Requester;
use teloxide::types::ChatId;

const CHATS: i64 = 1_000;
const PER_CHAT: usize = 10;
const FIRST_CHAT: i64 = 10_000;
const TOKEN: &str = "777:bench";

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_string))
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir().context("tempdir")?;
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        data_dir: dir.path().join("pg"),
        os_user: "postgres".into(),
        database: "bench".into(),
    })
    .await?;
    let pg = cluster.connect_config();
    let host = match pg.get_hosts().first() {
        Some(tokio_postgres::config::Host::Unix(path)) => path.display().to_string(),
        _ => anyhow::bail!("expected a socket host"),
    };
    let port = pg.get_ports().first().copied().unwrap_or(5432);
    let user = pg.get_user().unwrap_or("postgres").to_string();
    let url = format!("host={host} port={port} user={user} dbname=bench");

    let emulator = Emulator::start(TOKEN).await?;
    let reference = reference_round_trips(&emulator).await?;

    let mut config = Config::default();
    config.database.url = Some(url.into());
    config.telegram.token = Some(TOKEN.into());
    config.telegram.api_url = emulator.api_url().to_string();
    config.telegram.admins = vec![1];
    let app = App::build(config, Shutdown::new()).await?;
    {
        let client = app.pool().get().await?;
        client
            .execute(
                "INSERT INTO users (telegram_id, first_name, role)
                 SELECT g, 'U' || g, 'member' FROM generate_series($1::bigint, $2::bigint) g",
                &[&FIRST_CHAT, &(FIRST_CHAT + CHATS - 1)],
            )
            .await?;
        client
            .execute(
                "INSERT INTO chats (id, kind)
                 SELECT g, 'private' FROM generate_series($1::bigint, $2::bigint) g",
                &[&FIRST_CHAT, &(FIRST_CHAT + CHATS - 1)],
            )
            .await?;
    }
    let seams = Seams {
        http_listen: Some("127.0.0.1:0".parse()?),
        ..Seams::default()
    };
    let running = app.start(Mode::Run, seams).await?;
    let users: Vec<TestUser> = (0..CHATS)
        .map(|i| TestUser::new(FIRST_CHAT + i, "U"))
        .collect();
    for user in &users {
        emulator.add_user(user);
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_rss = rss_mb();
    let calls_before = emulator.calls_to("sendMessage").len();

    // Push everything; remember when each chat's k-th update went in.
    let started = Instant::now();
    let mut pushed: HashMap<i64, Vec<Instant>> = HashMap::new();
    for round in 0..PER_CHAT {
        for user in &users {
            let text = if round % 2 == 0 {
                "/timezone Europe/Berlin"
            } else {
                "/menu"
            };
            emulator.send_text(user, user.chat_id(), text)?;
            pushed
                .entry(user.chat_id())
                .or_default()
                .push(Instant::now());
        }
    }
    let total = CHATS as usize * PER_CHAT;
    let mut peak_rss = rss_mb();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let answered = emulator.calls_to("sendMessage").len() - calls_before;
        peak_rss = peak_rss.max(rss_mb());
        if answered >= total {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {answered} of {total} answered in 300 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let elapsed = started.elapsed();

    let mut answers: HashMap<i64, Vec<Instant>> = HashMap::new();
    for call in emulator
        .calls_to("sendMessage")
        .into_iter()
        .skip(calls_before)
    {
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
    latencies.sort_unstable();
    println!(
        "ppc-helper dispatch: {total} updates from {CHATS} chats in {:.2} s: {:.0} updates/s",
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!(
        "update → answer: p50 {:.1} ms, p99 {:.1} ms (under full backlog)",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    );
    println!("resident memory (app + emulator in one process): idle {idle_rss:.0} MB, peak under load {peak_rss:.0} MB");
    println!("reference: bare sendMessage round trips to the emulator: {reference:.0} requests/s");

    running.shutdown().trigger();
    running.wait().await?;
    cluster.stop().await?;
    Ok(())
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
