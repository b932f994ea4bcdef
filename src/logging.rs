//! Logging: tracing to stderr (pretty or JSON) and optionally to a file.

use std::path::Path;

use anyhow::Context;
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{fmt, EnvFilter, Layer};

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Pretty,
    /// One JSON object per line.
    Json,
}

/// Installs the global subscriber. `RUST_LOG` filters (default `info`).
/// Keep the returned guard alive: it flushes the file log on drop.
pub fn init(format: LogFormat, file: Option<&Path>) -> anyhow::Result<Option<WorkerGuard>> {
    let filter = || {
        EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("info,tokio_postgres=warn"))
    };
    let stderr = match format {
        LogFormat::Pretty => fmt::layer().with_writer(std::io::stderr).boxed(),
        LogFormat::Json => fmt::layer().json().with_writer(std::io::stderr).boxed(),
    };
    let (file_layer, guard) = match file {
        Some(path) => {
            let handle = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening the log file {}", path.display()))?;
            let (writer, guard) = tracing_appender::non_blocking(handle);
            let layer = match format {
                LogFormat::Pretty => fmt::layer().with_ansi(false).with_writer(writer).boxed(),
                LogFormat::Json => fmt::layer().json().with_writer(writer).boxed(),
            };
            (Some(layer.with_filter(filter())), Some(guard))
        }
        None => (None, None),
    };
    tracing_subscriber::registry()
        .with(stderr.with_filter(filter()))
        .with(file_layer)
        .try_init()
        .context("installing the log subscriber")?;
    Ok(guard)
}
