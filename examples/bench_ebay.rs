//! eBay polling benchmark: 1,000 alerts over 200 distinct queries against a
//! local fake eBay (axum, 200 listings per query, optional latency), three
//! cycles (first-cycle summaries, a price drop, a quiet cycle), then insights
//! for one alert with 14 days × 200 observations per day. Prints search calls
//! per cycle, cycle time split into waiting on the fake and our own code, the
//! half-hourly insights tick over every alert, and the insights time. Run with `bench/ebay.sh` (`FAKE_LATENCY_MS`, default 50).

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use ppc_helper::app::App;
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::features::ebay::insights_report::{chart_png, insights_text, load_insights};
use ppc_helper::features::ebay::jobs::queue_half_hourly;
use ppc_helper::features::ebay::poll::poll_cycle;
use ppc_helper::features::ebay::{store, EbayState};
use ppc_helper::features::FeatureDeps;
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::lang::Lang;
use rust_decimal::Decimal;
use serde_json::{json, Value};

const QUERIES: usize = 200;
const ALERTS: usize = 1_000;
const ITEMS: usize = 200;

#[derive(Clone)]
struct Fake {
    /// Pre-rendered bodies per (q, variant).
    bodies: Arc<HashMap<(String, usize), Value>>,
    variant: Arc<AtomicUsize>,
    searches: Arc<AtomicUsize>,
    mints: Arc<AtomicUsize>,
    latency: Duration,
}

fn body(q: usize, variant: usize) -> Value {
    let items: Vec<Value> = (0..ITEMS)
        .map(|i| {
            // Variant 1: every tenth listing 20 % cheaper.
            let base = 100 + (i as i64 * 7 + q as i64) % 400;
            let cents = if variant == 1 && i % 10 == 0 {
                base * 80
            } else {
                base * 100
            };
            json!({
                "itemId": format!("v1|{q}{i:03}|0"),
                "title": format!("Bench item {i} for query {q}"),
                "price": {"value": Decimal::new(cents, 2).to_string(), "currency": "USD"},
                "condition": "Used",
                "itemWebUrl": format!("https://www.ebay.test/itm/{q}{i:03}"),
                "shippingOptions": [{"shippingCost": {"value": "4.99", "currency": "USD"}}],
                "buyingOptions": ["FIXED_PRICE"],
                "seller": {"username": "s", "feedbackScore": 10}
            })
        })
        .collect();
    json!({"total": ITEMS, "limit": 200, "offset": 0, "itemSummaries": items})
}

async fn search(
    State(fake): State<Fake>,
    Query(params): Query<HashMap<String, String>>,
) -> Json<Value> {
    fake.searches.fetch_add(1, Ordering::Relaxed);
    tokio::time::sleep(fake.latency).await;
    let q = params.get("q").cloned().unwrap_or_default();
    let variant = fake.variant.load(Ordering::Relaxed);
    Json(
        fake.bodies
            .get(&(q, variant))
            .cloned()
            .unwrap_or(json!({"total": 0})),
    )
}

async fn token(State(fake): State<Fake>) -> Json<Value> {
    fake.mints.fetch_add(1, Ordering::Relaxed);
    Json(
        json!({"access_token": "bench-token", "expires_in": 7200, "token_type": "Application Access Token"}),
    )
}

fn phrase(q: usize) -> String {
    format!("bench query {q}")
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let latency_ms: u64 = std::env::var("FAKE_LATENCY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let dir = tempfile::tempdir().context("tempdir")?;
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        data_dir: dir.path().join("pg"),
        os_user: "postgres".into(),
        database: "bench".into(),
    })
    .await?;

    let mut bodies = HashMap::new();
    for q in 0..QUERIES {
        for variant in 0..2 {
            bodies.insert((phrase(q), variant), body(q, variant));
        }
    }
    let fake = Fake {
        bodies: Arc::new(bodies),
        variant: Arc::default(),
        searches: Arc::default(),
        mints: Arc::default(),
        latency: Duration::from_millis(latency_ms),
    };
    let router = Router::new()
        .route("/identity/v1/oauth2/token", post(token))
        .route("/buy/browse/v1/item_summary/search", get(search))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router).await });

    let mut config = Config::default();
    config.database.url = Some(cluster.url().into());
    config.database.data_dir = dir.path().join("pg");
    config.ebay.api_base_url = base;
    config.ebay.client_id = "bench".into();
    config.ebay.client_secret = Some("secret".to_string().into());
    let app = App::build(config, Shutdown::new()).await?;
    let deps = FeatureDeps {
        config: Arc::new(app.config().clone()),
        pool: app.pool().clone(),
        queue: app.queue().clone(),
        mailer: None,
    };
    let state = EbayState::new(&deps);
    let pool = app.pool().clone();

    for n in 0..ALERTS {
        store::create(&pool, 10_000 + n as i64, &phrase(n % QUERIES), "EBAY_US").await?;
    }
    pool.get()
        .await?
        .execute("UPDATE ebay_alerts SET drop_percent = 10", &[])
        .await?;
    println!(
        "setup: {ALERTS} alerts over {QUERIES} queries, {ITEMS} listings per query, fake latency {latency_ms} ms"
    );

    let t0 = Utc::now();
    let labels = ["first (summaries)", "price drop", "quiet (cooldown)"];
    for (k, label) in labels.iter().enumerate() {
        fake.variant.store(usize::from(k > 0), Ordering::Relaxed);
        let before = fake.searches.load(Ordering::Relaxed);
        let started = Instant::now();
        let now = t0 + chrono::Duration::minutes(11 * k as i64);
        let report = poll_cycle(&state, &pool, app.queue(), now).await?;
        let total = started.elapsed();
        let calls = fake.searches.load(Ordering::Relaxed) - before;
        let own = total.saturating_sub(report.fetch_time);
        println!(
            "cycle {} ({label}): search calls {calls} (report {}), alerts {}, messages {}, total {:.2} s, waiting on the fake {:.2} s ({:.0} %), our code {:.2} s ({:.0} %)",
            k + 1,
            report.searches,
            report.alerts,
            report.messages,
            total.as_secs_f64(),
            report.fetch_time.as_secs_f64(),
            100.0 * report.fetch_time.as_secs_f64() / total.as_secs_f64(),
            own.as_secs_f64(),
            100.0 * own.as_secs_f64() / total.as_secs_f64(),
        );
    }
    println!("tokens minted: {}", fake.mints.load(Ordering::Relaxed));

    // Half-hourly insights: every alert opted in; one tick claims the slot
    // and queues one job per alert, a second tick in the same slot none.
    pool.get()
        .await?
        .execute("UPDATE ebay_alerts SET insights_half_hourly = TRUE", &[])
        .await?;
    let tick_at = t0 + chrono::Duration::minutes(40);
    for label in ["first", "same slot"] {
        let started = Instant::now();
        let queued = queue_half_hourly(&pool, app.queue(), tick_at).await?;
        println!(
            "half-hourly tick ({label}): {queued} insights jobs queued in {:.0} ms",
            started.elapsed().as_secs_f64() * 1e3
        );
    }

    // Insights: 14 days × 200 observations per day for one query.
    let alert = store::create(&pool, 99, "insights bench", "EBAY_US").await?;
    let now = Utc::now();
    {
        let db = pool.get().await?;
        db.execute(
            "INSERT INTO ebay_items (query_key, item_id, first_seen, last_seen, last_price) \
             SELECT $1, 'i' || i, $2::timestamptz - interval '14 days', $2, 100 FROM generate_series(0, 199) i",
            &[&alert.query_key, &now],
        )
        .await?;
        db.execute(
            "INSERT INTO ebay_observations (query_key, item_id, title, price, currency, seen_at) \
             SELECT $1, 'i' || i, 'Item ' || i, (50 + (i * 13 + d * 7) % 300)::numeric + 0.99, 'USD', \
                    $2::timestamptz - make_interval(days => d) + interval '1 minute' \
             FROM generate_series(0, 199) i, generate_series(0, 13) d",
            &[&alert.query_key, &now],
        )
        .await?;
    }
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let insights = load_insights(&pool, &alert, now)
            .await?
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        let loaded = started.elapsed();
        let text = insights_text(Lang::En, &alert, &insights);
        let png = chart_png(Lang::En, &alert, &insights)?;
        let total = started.elapsed();
        best = best.min(total);
        println!(
            "insights: {} observations, load+compute {:.1} ms, text+chart {:.1} ms ({} KB PNG, {} chars), total {:.1} ms",
            insights.days.len() * 200,
            loaded.as_secs_f64() * 1e3,
            (total - loaded).as_secs_f64() * 1e3,
            png.len() / 1024,
            text.len(),
            total.as_secs_f64() * 1e3
        );
    }
    println!(
        "insights best: {:.1} ms (target < 200 ms)",
        best.as_secs_f64() * 1e3
    );
    app.close().await?;
    drop(cluster);
    Ok(())
}
