//! The `ppc-helper` command line: run | worker | chat | migrate | check.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::logging::{self, LogFormat};
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::webhook::{self, WebhookAction};
use ppc_helper::{check, config};

/// The config file read when `--config` is not given.
const DEFAULT_CONFIG: &str = "config.json";

/// Telegram bot platform for PPC specialists.
#[derive(Parser)]
#[command(name = "ppc-helper", version, about)]
struct Cli {
    /// Configuration file (JSON) [default: config.json; when that is absent,
    /// built-in defaults apply].
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Also write logs to this file.
    #[arg(long, global = true)]
    log: Option<PathBuf>,
    /// Log line format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Pretty)]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Everything in one process: bot, worker pool, scheduler, HTTP server.
    Run,
    /// Worker pool and scheduler only (more can run on other machines).
    Worker,
    /// A local chat with the bot in this terminal, against the built-in Bot API
    /// emulator (no Telegram account needed).
    Chat {
        /// Telegram user id to chat as (default: the first admin, else 1).
        #[arg(long = "as")]
        as_user: Option<i64>,
    },
    /// Register, remove or show the Telegram webhook (once per deploy).
    Webhook {
        #[arg(value_enum)]
        action: WebhookAction,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Check the config and every configured service; non-zero exit if any fails.
    Check,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let explicit = cli.config.is_some();
    let config_path = cli.config.unwrap_or_else(|| PathBuf::from(DEFAULT_CONFIG));
    let config = config::load(&config_path, explicit)?;
    let _log_guard = logging::init(cli.log_format, cli.log.as_deref())?;
    match cli.command {
        Command::Run => serve(config, Mode::Run).await,
        Command::Worker => serve(config, Mode::Worker).await,
        Command::Migrate => {
            let app = App::build(config, Shutdown::new()).await?;
            app.close().await?;
            println!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            println!("{:<13} ok ({})", "config", config_path.display());
            let lines = check::run(&config).await;
            for line in &lines {
                println!("{line}");
            }
            let failed = lines
                .iter()
                .any(|line| matches!(line.status, check::Status::Failed(_)));
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Chat { as_user } => {
            ppc_helper::chat::run(config, as_user).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Webhook { action } => {
            let bot = ppc_helper::telegram::bot::build(&config.telegram)?;
            println!("{}", webhook::run(&bot, &config.telegram, action).await?);
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn serve(config: config::Config, mode: Mode) -> anyhow::Result<ExitCode> {
    let shutdown = Shutdown::new();
    shutdown
        .listen_for_os_signals()
        .context("listening for SIGINT/SIGTERM")?;
    let app = App::build(config, shutdown.clone()).await?;
    let running = app.start(mode, Seams::default()).await?;
    running.wait().await?;
    tracing::info!("stopped cleanly");
    Ok(ExitCode::SUCCESS)
}
