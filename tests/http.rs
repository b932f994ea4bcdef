//! The HTTP server: health, readiness (200 and 503 with a reason), metrics.

mod support;

use std::time::Duration;

use graphile_worker::tokio_postgres::TokioPostgresDatabase;
use ppc_helper::app::{App, Mode, Running, Seams};
use ppc_helper::http::{self, HttpState};
use ppc_helper::jobs::probe;
use ppc_helper::shutdown::Shutdown;
use support::{test_config, TestDb};

async fn start(db: &TestDb) -> (Running, String) {
    let app = App::build(test_config(db), Shutdown::new())
        .await
        .expect("app builds");
    let seams = Seams {
        http_listen: Some("127.0.0.1:0".parse().expect("addr")),
        ..Seams::default()
    };
    let running = app.start(Mode::Run, seams).await.expect("app starts");
    let addr = running.http_addr().expect("http server in run mode");
    (running, format!("http://{addr}"))
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let db = TestDb::new().await;
    let (running, base) = start(&db).await;
    let http = reqwest::Client::new();

    let health = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "ready");

    probe::round_trip(running.pool(), running.queue(), Duration::from_secs(10))
        .await
        .expect("a worker runs the probe");
    let metrics = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    for expected in [
        "jobs_started_total{type=\"platform_probe\"}",
        "jobs_succeeded_total{type=\"platform_probe\"}",
        "job_duration_seconds_bucket{type=\"platform_probe\"",
        "http_requests_total{route=\"/healthz\",status=\"200\"}",
        "http_requests_total{route=\"/readyz\",status=\"200\"}",
    ] {
        assert!(
            metrics.contains(expected),
            "metrics lack {expected}:\n{metrics}"
        );
    }

    let missing = http.get(format!("{base}/nope")).send().await.expect("404");
    assert_eq!(missing.status(), 404);

    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
}

#[tokio::test]
async fn readiness_names_a_missing_queue_schema() {
    // A database nobody migrated: reachable, but without the queue schema.
    let db = TestDb::new().await;
    let database = TokioPostgresDatabase::from_url(db.url(), 2).expect("pool");
    let state = HttpState {
        pool: database.pool().clone(),
        metrics: http::metrics::install(),
    };
    let shutdown = Shutdown::new();
    let server = http::serve(
        "127.0.0.1:0".parse().expect("addr"),
        http::router(state, Vec::new()),
        &shutdown,
    )
    .await
    .expect("serve");
    let ready = reqwest::get(format!("http://{}/readyz", server.local_addr))
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "unavailable");
    let reason = body["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("job queue schema is missing"),
        "reason: {body}"
    );
    assert!(
        reason.contains("ppc-helper migrate"),
        "says what to do: {body}"
    );
    shutdown.trigger();
    server.join().await.expect("server stops");
}
