//! One shutdown signal for every task in the process.

use tokio_util::sync::CancellationToken;

/// A cloneable shutdown signal: triggered once, observed by every task.
#[derive(Clone, Default)]
pub struct Shutdown {
    token: CancellationToken,
}

impl Shutdown {
    /// A fresh, untriggered signal.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks every task to stop.
    pub fn trigger(&self) {
        self.token.cancel();
    }

    /// Whether shutdown was requested.
    pub fn is_triggered(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once shutdown is requested.
    pub async fn wait(&self) {
        self.token.cancelled().await;
    }

    /// A `'static` future that resolves on shutdown (for APIs that take one).
    pub fn wait_owned(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        self.token.clone().cancelled_owned()
    }

    /// Triggers this signal on SIGINT or SIGTERM.
    pub fn listen_for_os_signals(&self) -> anyhow::Result<()> {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        let this = self.clone();
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = interrupt.recv() => "SIGINT",
                _ = terminate.recv() => "SIGTERM",
                _ = this.wait() => return,
            };
            tracing::info!(signal = name, "shutdown requested");
            this.trigger();
        });
        Ok(())
    }
}
