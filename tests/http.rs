//! The HTTP server: health, readiness (200 and 503 with a reason), metrics.

mod support;

use std::time::Duration;

use ppc_helper::app::{App, Mode, Running, Seams};
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
        "jobs_started_total{type=\"platform.probe\"}",
        "jobs_succeeded_total{type=\"platform.probe\"}",
        "job_duration_seconds_bucket{type=\"platform.probe\"",
        "http_requests_total{route=\"/healthz\",status=\"200\"}",
        "http_requests_total{route=\"/readyz\",status=\"200\"}",
    ] {
        assert!(
            metrics.contains(expected),
            "metrics lack {expected}:\n{metrics}"
        );
    }

    // Without the queue schema the app is not ready, and says why.
    db.client()
        .await
        .batch_execute("DROP SCHEMA graphile_worker CASCADE")
        .await
        .expect("drop queue schema");
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.expect("json");
    assert_eq!(body["status"], "unavailable");
    assert!(
        body["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("job queue schema is missing"),
        "reason: {body}"
    );
    let missing = http.get(format!("{base}/nope")).send().await.expect("404");
    assert_eq!(missing.status(), 404);

    running.shutdown().trigger();
    let _ = running.wait().await;
}
