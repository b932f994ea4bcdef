//! VK Ads report benchmark: one account with 500 campaigns × 30 days (plus the
//! previous 30 days for the deltas) served by the fake VK Ads of the tests.
//! Prints the API calls made, the fetch time (HTTP to the local fake, for
//! reference), the report build time (our code only: arithmetic, sorting,
//! text) and the chart time. Target: report + chart < 1 s. Run `bench/vk.sh`.

#[path = "../tests/vk/fake.rs"]
mod fake;

use std::time::{Duration, Instant};

use chrono::{Days, Utc};
use ppc_helper::features::vk::client::{Credentials, StatsLevel, VkClient};
use ppc_helper::features::vk::period::Period;
use ppc_helper::features::vk::report;
use ppc_helper::features::vk::texts::texts;
use ppc_helper::telegram::lang::Lang;
use secrecy::SecretString;

const CAMPAIGNS: usize = 500;
const DAYS: u64 = 30;
const RUNS: usize = 20;

fn median(mut samples: Vec<Duration>) -> f64 {
    samples.sort();
    samples[samples.len() / 2].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let fake = fake::FakeVk::start(CAMPAIGNS, fake::MAX_IDS_REAL).await;
    let vk = VkClient::new(&fake.uri())?;
    let creds = Credentials {
        client_id: "bench".into(),
        client_secret: SecretString::from(fake::GOOD_SECRET.to_string()),
        agency_client_name: None,
    };
    let today = Utc::now().date_naive();
    let period = Period {
        from: today - Days::new(DAYS),
        to: today - Days::new(1),
    };

    let started = Instant::now();
    let token = vk.token(&creds).await?.access_token;
    let campaigns = vk.list(&token, "ad_plans").await?;
    let ids: Vec<i64> = campaigns.iter().map(|c| c.id).collect();
    let stats = vk
        .day_stats(
            &token,
            StatsLevel::AdPlans,
            &ids,
            period.previous().from,
            period.to,
        )
        .await?;
    let fetch = started.elapsed();
    let rows: usize = stats.iter().map(|s| s.rows.len()).sum();

    let t = texts(Lang::En);
    let mut build = Vec::new();
    let mut chart = Vec::new();
    let mut text_len = 0;
    let mut png_len = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let built = report::build("bench", period, today, &campaigns, &stats);
        text_len = report::render_text(&built, t).len();
        build.push(started.elapsed());
        let started = Instant::now();
        png_len = report::chart(&built, t)?.len();
        chart.push(started.elapsed());
    }
    let (build, chart) = (median(build), median(chart));
    println!("VK Ads report: {CAMPAIGNS} campaigns × {DAYS} days (+ previous {DAYS} days)");
    println!(
        "  API calls:            {} (1 token, {} list pages, {} statistics)",
        vk.calls(),
        fake.calls("/api/v2/ad_plans.json"),
        fake.calls("/api/v2/statistics/ad_plans/day.json")
    );
    println!("  daily rows fetched:   {rows}");
    println!(
        "  fetch (local fake):   {:.1} ms  (reference: HTTP + JSON, not our report code)",
        fetch.as_secs_f64() * 1000.0
    );
    println!("  report build:         {build:.2} ms  (median of {RUNS}; text {text_len} bytes)");
    println!("  chart (PNG):          {chart:.2} ms  (median of {RUNS}; {png_len} bytes)");
    let total = build + chart;
    println!(
        "  report + chart:       {total:.2} ms  → target < 1000 ms: {}",
        if total < 1000.0 { "met" } else { "MISSED" }
    );
    println!(
        "  report + chart / fetch: {:.2}",
        total / (fetch.as_secs_f64() * 1000.0)
    );
    Ok(())
}
