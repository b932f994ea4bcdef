//! The HTTP server (axum): health, readiness, metrics; features mount their routes.

mod health;
pub mod metrics;

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use tokio::task::JoinHandle;

use crate::db::Pool;
use crate::shutdown::Shutdown;

/// State of the platform routes.
#[derive(Clone)]
pub struct HttpState {
    pub pool: Pool,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
}

/// The platform routes plus the features' routers.
pub fn router(state: HttpState, feature_routes: Vec<Router>) -> Router {
    let mut app = Router::new()
        .route("/healthz", axum::routing::get(health::healthz))
        .route("/readyz", axum::routing::get(health::readyz))
        .route("/metrics", axum::routing::get(metrics::render))
        .with_state(state);
    for routes in feature_routes {
        app = app.merge(routes);
    }
    app.layer(axum::middleware::from_fn(metrics::track_requests))
}

/// A running server.
pub struct HttpServer {
    /// The address actually bound (useful with port 0).
    pub local_addr: SocketAddr,
    task: JoinHandle<anyhow::Result<()>>,
}

impl HttpServer {
    /// Waits until the server has stopped after shutdown.
    pub async fn join(self) -> anyhow::Result<()> {
        self.task.await.context("the HTTP server task panicked")?
    }
}

/// Binds `listen` and serves `app` until `shutdown` fires.
pub async fn serve(
    listen: SocketAddr,
    app: Router,
    shutdown: &Shutdown,
) -> anyhow::Result<HttpServer> {
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("binding the HTTP server to {listen} (http.listen)"))?;
    let local_addr = listener.local_addr().context("reading the bound address")?;
    let stop = shutdown.wait_owned();
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(stop)
        .await
        .context("serving HTTP")
    });
    tracing::info!(%local_addr, "HTTP server listening");
    Ok(HttpServer { local_addr, task })
}
