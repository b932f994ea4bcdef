//! `App::build` wires everything together; one shutdown signal stops it all.
//!
//! This is the one place that lists the features (none are built yet: each
//! feature issue adds its job registry and routes here).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use crate::config::Config;
use crate::db::{self, Database, Pool};
use crate::features::{self, FeatureDeps, FeatureParts};
use crate::http::{self, HttpServer, HttpState};
use crate::jobs::worker::{self, WorkerHandle, WorkerSettings};
use crate::jobs::{probe, tick, JobRegistry, Queue};
use crate::mail::{self, Mailer};
use crate::shutdown::Shutdown;
use crate::telegram::core::{Core, Feature};
use crate::telegram::dialogue::PgStorage;
use crate::telegram::dispatcher::{self, TelegramTask};
use crate::telegram::{bot as telegram_bot, commands, sender};

/// What a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Worker pool, scheduler and HTTP server (and the bot, once configured).
    Run,
    /// Worker pool and scheduler only.
    Worker,
}

/// Replaceable parts, for tests and embedding.
#[derive(Default)]
pub struct Seams {
    /// Extra job types (test jobs).
    pub extra_jobs: JobRegistry,
    /// Overrides `http.listen` (tests bind port 0).
    pub http_listen: Option<SocketAddr>,
    /// Overrides the worker settings derived from the config.
    pub worker: Option<WorkerSettings>,
}

/// A connected, migrated app that has not started its tasks yet.
pub struct App {
    config: Arc<Config>,
    database: Database,
    queue: Queue,
    mailer: Option<Mailer>,
    shutdown: Shutdown,
}

impl App {
    /// Connects to the database (starting the embedded cluster when no URL is
    /// configured) and applies the app's and the queue's migrations.
    pub async fn build(config: Config, shutdown: Shutdown) -> anyhow::Result<App> {
        let url = db::configured_url(config.database_url());
        let database = db::connect(&config.database, url.as_deref()).await?;
        let queue = Queue::new(database.queue_db.clone());
        let migrated = async {
            let applied = db::migrate::run(&database.pool).await?;
            queue.migrate().await?;
            anyhow::Ok(applied)
        }
        .await;
        let applied = match migrated {
            Ok(applied) => applied,
            Err(error) => {
                let _ = database.close().await;
                return Err(error);
            }
        };
        if applied > 0 {
            tracing::info!(applied, "database migrations applied");
        }
        let mailer = Mailer::from_config(&config.smtp).context("configuring SMTP (smtp)")?;
        Ok(App {
            config: Arc::new(config),
            database,
            queue,
            mailer,
            shutdown,
        })
    }

    /// The shared database pool.
    pub fn pool(&self) -> &Pool {
        &self.database.pool
    }

    /// The job queue.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// The loaded configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Closes the database without running anything (the `migrate` command).
    pub async fn close(self) -> anyhow::Result<()> {
        self.database.close().await
    }

    /// Starts the worker pool (with the scheduler) and, in [`Mode::Run`], the
    /// HTTP server and the Telegram dispatcher (when a token is configured).
    pub async fn start(self, mode: Mode, seams: Seams) -> anyhow::Result<Running> {
        let metrics = http::metrics::install();
        let bot = if self.config.telegram_configured() {
            Some(telegram_bot::build(&self.config.telegram)?)
        } else {
            None
        };
        let installed = match self.install_features().await {
            Ok(installed) => installed,
            Err(error) => {
                let _ = self.database.close().await;
                return Err(error);
            }
        };
        let mut registry = self.registry().merge(seams.extra_jobs);
        let mut routes = Vec::new();
        let mut features = Vec::new();
        let mut background = Vec::new();
        let mut scratch_dirs = Vec::new();
        for parts in installed {
            registry = registry.merge(parts.jobs);
            routes.extend(parts.routes);
            features.extend(parts.bot);
            background.extend(parts.background);
            scratch_dirs.extend(parts.scratch_dir);
        }
        registry = registry.merge(crate::features::scratch::jobs(scratch_dirs));
        if let Some(bot) = &bot {
            registry = registry
                .job::<sender::Outbound>()
                .with_state(telegram_bot::sender(bot.clone()));
        }
        let settings = seams
            .worker
            .unwrap_or_else(|| worker_settings(&self.config));
        let worker = match worker::start(
            self.database.queue_db.clone(),
            registry,
            &settings,
            &self.shutdown,
        )
        .await
        {
            Ok(worker) => worker,
            Err(error) => {
                let _ = self.database.close().await;
                return Err(error);
            }
        };
        let telegram = match (&bot, mode) {
            (Some(bot), Mode::Run) => match self.start_telegram(bot.clone(), features).await {
                Ok((task, router)) => {
                    routes.extend(router);
                    Some(task)
                }
                Err(error) => {
                    self.shutdown.trigger();
                    let _ = worker.join().await;
                    let _ = self.database.close().await;
                    return Err(error);
                }
            },
            _ => None,
        };
        let http = if mode == Mode::Run {
            let state = HttpState {
                pool: self.database.pool.clone(),
                metrics,
            };
            let listen = seams.http_listen.unwrap_or(self.config.http.listen);
            match http::serve(listen, http::router(state, routes), &self.shutdown).await {
                Ok(server) => Some(server),
                Err(error) => {
                    self.shutdown.trigger();
                    let _ = worker.join().await;
                    let _ = self.database.close().await;
                    return Err(error);
                }
            }
        } else {
            None
        };
        tracing::info!(?mode, workers = settings.concurrency, "ppc-helper started");
        Ok(Running {
            http,
            telegram,
            background,
            worker,
            database: self.database,
            queue: self.queue,
            shutdown: self.shutdown,
        })
    }

    /// Installs every feature. This is the one place that lists them.
    async fn install_features(&self) -> anyhow::Result<Vec<FeatureParts>> {
        let deps = FeatureDeps {
            config: self.config.clone(),
            pool: self.database.pool.clone(),
            queue: self.queue.clone(),
            mailer: self.mailer.clone(),
        };
        let shutdown = &self.shutdown;
        Ok(vec![
            features::pixel::install(&deps, shutdown)
                .await
                .context("starting the e-mail pixel feature")?,
            features::ebay::install(&deps, shutdown)
                .await
                .context("starting the eBay feature")?,
            features::vk::install(&deps, shutdown)
                .await
                .context("starting the VK Ads feature")?,
            features::adlibrary::install(&deps, shutdown)
                .await
                .context("starting the Ad Library feature")?,
        ])
    }

    async fn start_telegram(
        &self,
        bot: teloxide::Bot,
        features: Vec<Arc<dyn Feature>>,
    ) -> anyhow::Result<(TelegramTask, Option<axum::Router>)> {
        let core = Arc::new(Core {
            pool: self.database.pool.clone(),
            queue: self.queue.clone(),
            admins: self.config.telegram.admins.clone(),
            dialogues: PgStorage::new(self.database.pool.clone()),
            features: features.clone(),
        });
        let extra = move |lang| {
            features
                .iter()
                .flat_map(|feature| feature.commands(lang))
                .collect()
        };
        // A failure here (Telegram unreachable) must not keep the bot down.
        if let Err(error) = commands::publish(&bot, &self.config.telegram.admins, &extra).await {
            tracing::warn!(error = %format!("{error:#}"), "could not publish the command menus");
        }
        dispatcher::start(&self.config.telegram, bot, core, &self.shutdown).await
    }

    fn registry(&self) -> JobRegistry {
        let mut registry = JobRegistry::new()
            .job::<tick::ScheduleTick>()
            .cron(tick::CRONTAB)
            .job::<probe::Probe>()
            .job::<mail::SendEmail>()
            .with_state(self.database.pool.clone())
            .with_state(self.queue.clone());
        if let Some(mailer) = &self.mailer {
            registry = registry.with_state(mailer.clone());
        }
        registry
    }
}

/// Worker settings from the `workers` section.
pub fn worker_settings(config: &Config) -> WorkerSettings {
    let workers = &config.workers;
    WorkerSettings {
        concurrency: workers.count,
        local_queue_size: workers.local_queue_size,
        grace: Duration::from_secs(workers.shutdown_grace_secs),
        heartbeat: Duration::from_secs(workers.heartbeat_secs),
        dead_after: Duration::from_secs(workers.dead_after_secs),
    }
}

/// A started app.
pub struct Running {
    http: Option<HttpServer>,
    telegram: Option<TelegramTask>,
    background: Vec<tokio::task::JoinHandle<()>>,
    worker: WorkerHandle,
    database: Database,
    queue: Queue,
    shutdown: Shutdown,
}

impl Running {
    /// Where the HTTP server listens, in [`Mode::Run`].
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http.as_ref().map(|server| server.local_addr)
    }

    /// The shared database pool.
    pub fn pool(&self) -> &Pool {
        &self.database.pool
    }

    /// The job queue.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// The shutdown signal of this app.
    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    /// Waits for shutdown, lets running jobs finish, stops the server and the
    /// database.
    pub async fn wait(self) -> anyhow::Result<()> {
        self.shutdown.wait().await;
        let telegram = match self.telegram {
            Some(task) => task.join().await,
            None => Ok(()),
        };
        let http = match self.http {
            Some(server) => server.join().await,
            None => Ok(()),
        };
        let worker = self.worker.join().await;
        // Last: buffers fed by the server and the jobs flush before the pool closes.
        for task in self.background {
            if let Err(error) = task.await {
                tracing::error!(%error, "a feature's background task panicked");
            }
        }
        let closed = self.database.close().await;
        telegram.context("stopping the Telegram dispatcher")?;
        worker.context("stopping the worker pool")?;
        http.context("stopping the HTTP server")?;
        closed
    }
}
