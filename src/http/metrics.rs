//! Prometheus metrics: the process-wide recorder, `/metrics` and request counting.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use super::HttpState;
use crate::jobs::summary;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder once and returns its handle. When another
/// recorder is already installed (an embedding program), a detached handle is
/// returned and our metrics go to that recorder instead.
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("job_duration_seconds".into()),
                    &[0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0],
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("http_request_duration_seconds".into()),
                        &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0],
                    )
                });
            let builder = match builder {
                Ok(builder) => builder,
                Err(_) => PrometheusBuilder::new(),
            };
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("a metrics recorder was already installed");
            }
            handle
        })
        .clone()
}

/// `/metrics`: queue depth gauges refreshed at scrape time, then every metric.
pub(super) async fn render(State(state): State<HttpState>) -> Response {
    match summary::per_task(&state.pool).await {
        Ok(tasks) => {
            for task in tasks {
                let name = task.task;
                metrics::gauge!("queue_jobs", "type" => name.clone(), "state" => "queued")
                    .set(task.queued as f64);
                metrics::gauge!("queue_jobs", "type" => name.clone(), "state" => "running")
                    .set(task.running as f64);
                metrics::gauge!("queue_jobs", "type" => name, "state" => "failed")
                    .set(task.failed as f64);
            }
        }
        Err(error) => tracing::warn!(error = %format!("{error:#}"), "queue depth unavailable"),
    }
    (
        [("content-type", "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response()
}

/// Counts requests by matched route and status, and their duration.
pub(super) async fn track_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
