//! The Ad Library capture jobs on a real worker, shared by the job tests: the
//! fixture site with two competitors, real Chromium, the emulator for progress
//! messages, and optionally a mailer for `mail_send`.
#![allow(dead_code)] // Each test crate that includes this uses a different subset.

use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Duration;

use crate::fixture::Fixture;
use crate::support::{test_config, TestDb};
use ppc_helper::db::Pool;
use ppc_helper::emulator::{Emulator, TestUser};
use ppc_helper::features::adlibrary::capture::CaptureSettings;
use ppc_helper::features::adlibrary::input::parse_competitor;
use ppc_helper::features::adlibrary::jobs::{AdlibState, CaptureAccount, CaptureScheduled};
use ppc_helper::features::adlibrary::pipeline::RunOptions;
use ppc_helper::features::adlibrary::store;
use ppc_helper::jobs::worker::{self, WorkerSettings};
use ppc_helper::jobs::{JobRegistry, Queue};
use ppc_helper::mail::{Mailer, SendEmail};
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::lang::Lang;

pub const TOKEN: &str = "42:adlibrary-jobs";
/// Chats the tests request captures for (known to the emulator).
pub const CHATS: [i64; 5] = [101, 202, 303, 404, 505];

pub fn settings(chromedriver: &str) -> CaptureSettings {
    assert!(
        Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists(),
        "Chromium is missing: run `apt-get install -y chromium chromium-driver` (scripts/setup.sh does it)"
    );
    CaptureSettings {
        chromedriver_path: chromedriver.into(),
        webdriver_url: None,
        max_ads_per_page: 100,
        page_timeout: Duration::from_secs(120),
        pace: (Duration::ZERO, Duration::ZERO),
        scroll_pause: Duration::from_millis(200),
        stable_rounds: 3,
        jpeg_quality: 80,
    }
}

pub struct Setup {
    pub db: TestDb,
    pub pool: Pool,
    pub queue: Queue,
    pub shutdown: Shutdown,
    pub worker: worker::WorkerHandle,
    pub account: store::Account,
    pub emulator: Emulator,
    pub _files: tempfile::TempDir,
    pub _fixture: Fixture,
}

/// What a test varies: the driver, the pages, the part size and the mailer.
pub struct Options {
    pub chromedriver: &'static str,
    /// Library ids of the two competitors' ads.
    pub ads: (RangeInclusive<u64>, RangeInclusive<u64>),
    pub max_pdf_bytes: u64,
    /// When set, `mail_send` runs against it instead of staying queued.
    pub mailer: Option<Mailer>,
}

impl Options {
    pub fn small(chromedriver: &'static str) -> Self {
        Self {
            chromedriver,
            ads: (1_000_001..=1_000_006, 2_000_001..=2_000_003),
            max_pdf_bytes: 45 * 1024 * 1024,
            mailer: None,
        }
    }
}

pub async fn setup(opts: Options, enqueue_first: impl AsyncFnOnce(&Pool, &Queue, i64)) -> Setup {
    let settings = settings(opts.chromedriver);
    let emulator = Emulator::start(TOKEN).await.expect("emulator");
    for chat in CHATS {
        emulator.add_user(&TestUser::new(chat, "Client manager"));
    }
    let bot = ppc_helper::telegram::bot::sender(
        teloxide::Bot::new(TOKEN).set_api_url(emulator.api_url()),
    );
    let db = TestDb::new().await;
    let config = test_config(&db);
    let database = ppc_helper::db::connect(&config.database, Some(db.url()))
        .await
        .expect("connect");
    ppc_helper::db::migrate::run(&database.pool)
        .await
        .expect("migrate");
    let queue = Queue::new(database.queue_db.clone());
    queue.migrate().await.expect("queue schema");
    let pool = database.pool.clone();
    let fixture = Fixture::start(Duration::from_millis(100)).await;
    fixture.set_page("1000001", "Acme Sports", opts.ads.0.clone());
    fixture.set_page("2000002", "Акме Обувь", opts.ads.1.clone());
    let account = store::create_account(&pool, "Acme", None)
        .await
        .unwrap()
        .unwrap();
    for page in ["1000001", "2000002"] {
        store::add_competitor(&pool, account.id, &parse_competitor(page).unwrap(), None)
            .await
            .unwrap();
    }
    store::set_emails(&pool, account.id, &["client@example.com".into()])
        .await
        .unwrap();
    let account = store::account_by_id(&pool, account.id)
        .await
        .unwrap()
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let state = AdlibState {
        options: RunOptions {
            settings,
            base_url: fixture.base_url(),
            files_dir: files.path().to_path_buf(),
            max_pdf_bytes: opts.max_pdf_bytes,
            lang: Lang::En,
            timezone: chrono_tz::UTC,
        },
        reuse_minutes: 30,
        email: true,
        keep_days: 30,
    };
    enqueue_first(&pool, &queue, account.id).await;
    let mut registry = JobRegistry::new()
        .job::<CaptureAccount>()
        .job::<CaptureScheduled>()
        .with_state(state)
        .with_state(bot)
        .with_state(pool.clone())
        .with_state(queue.clone());
    if let Some(mailer) = opts.mailer {
        registry = registry.job::<SendEmail>().with_state(mailer);
    }
    let shutdown = Shutdown::new();
    let worker_settings = WorkerSettings {
        concurrency: 2,
        heartbeat: Duration::from_secs(1),
        dead_after: Duration::from_secs(30),
        grace: Duration::from_secs(10),
        ..WorkerSettings::default()
    };
    let worker = worker::start(
        database.queue_db.clone(),
        registry,
        &worker_settings,
        &shutdown,
    )
    .await
    .expect("worker");
    Setup {
        db,
        pool,
        queue,
        shutdown,
        worker,
        account,
        emulator,
        _files: files,
        _fixture: fixture,
    }
}

/// `(task, payload)` of every queued job of the platform's senders.
pub async fn queued(db: &TestDb) -> Vec<(String, serde_json::Value)> {
    let client = db.client().await;
    client
        .query(
            "SELECT t.identifier, j.payload FROM graphile_worker._private_jobs j
             JOIN graphile_worker._private_tasks t ON t.id = j.task_id
             WHERE t.identifier IN ('telegram_send', 'mail_send') ORDER BY j.run_at, j.id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

pub fn documents_for(jobs: &[(String, serde_json::Value)], chat: i64) -> Vec<serde_json::Value> {
    jobs.iter()
        .filter(|(task, p)| {
            task == "telegram_send" && p["chat_id"] == chat && p["message"]["kind"] == "document"
        })
        .map(|(_, p)| p["message"].clone())
        .collect()
}

pub async fn captures(db: &TestDb) -> i64 {
    db.client()
        .await
        .query_one("SELECT count(*) FROM adlib_captures", &[])
        .await
        .unwrap()
        .get(0)
}
