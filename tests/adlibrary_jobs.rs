//! The capture job on a real worker: two requests → one browser run, the
//! report queued as documents for both chats and as one e-mail; a request
//! within `reuse_minutes` reuses it; a missing chromedriver tells the chat.

mod support;

#[path = "adlibrary/fixture.rs"]
mod fixture;

use std::path::Path;
use std::time::Duration;

use fixture::Fixture;
use ppc_helper::db::Pool;
use ppc_helper::features::adlibrary::capture::CaptureSettings;
use ppc_helper::features::adlibrary::input::parse_competitor;
use ppc_helper::features::adlibrary::jobs::{
    cleanup, request_capture, AdlibState, CaptureAccount, CaptureScheduled,
};
use ppc_helper::features::adlibrary::pipeline::RunOptions;
use ppc_helper::features::adlibrary::store;
use ppc_helper::jobs::worker::{self, WorkerSettings};
use ppc_helper::jobs::{JobRegistry, Queue};
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::lang::Lang;
use support::{eventually, test_config, TestDb};

fn settings(chromedriver: &str) -> CaptureSettings {
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

struct Setup {
    db: TestDb,
    pool: Pool,
    queue: Queue,
    shutdown: Shutdown,
    worker: worker::WorkerHandle,
    account: store::Account,
    _files: tempfile::TempDir,
    _fixture: Fixture,
}

async fn setup(chromedriver: &str, enqueue_first: impl AsyncFnOnce(&Pool, &Queue, i64)) -> Setup {
    let settings = settings(chromedriver);
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
    fixture.set_page("1000001", "Acme Sports", 1_000_001..=1_000_006);
    fixture.set_page("2000002", "Акме Обувь", 2_000_001..=2_000_003);
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
            max_pdf_bytes: 45 * 1024 * 1024,
            lang: Lang::En,
            timezone: chrono_tz::UTC,
        },
        reuse_minutes: 30,
        email: true,
        keep_days: 30,
    };
    enqueue_first(&pool, &queue, account.id).await;
    let registry = JobRegistry::new()
        .job::<CaptureAccount>()
        .job::<CaptureScheduled>()
        .with_state(state)
        .with_state(pool.clone())
        .with_state(queue.clone());
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
        _files: files,
        _fixture: fixture,
    }
}

/// `(task, payload)` of every queued job of the platform's senders.
async fn queued(db: &TestDb) -> Vec<(String, serde_json::Value)> {
    let client = db.client().await;
    client
        .query(
            "SELECT t.identifier, j.payload FROM graphile_worker._private_jobs j
             JOIN graphile_worker._private_tasks t ON t.id = j.task_id
             WHERE t.identifier IN ('telegram_send', 'mail_send') ORDER BY j.id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

fn documents_for(jobs: &[(String, serde_json::Value)], chat: i64) -> Vec<serde_json::Value> {
    jobs.iter()
        .filter(|(task, p)| {
            task == "telegram_send" && p["chat_id"] == chat && p["message"]["kind"] == "document"
        })
        .map(|(_, p)| p["message"].clone())
        .collect()
}

async fn captures(db: &TestDb) -> i64 {
    db.client()
        .await
        .query_one("SELECT count(*) FROM adlib_captures", &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_requests_share_one_browser_run_and_a_later_one_reuses_it() {
    let s = setup(
        "/usr/bin/chromedriver",
        async |pool: &Pool, queue: &Queue, id: i64| {
            request_capture(pool, queue, id, 101, Lang::En, 1)
                .await
                .unwrap();
            request_capture(pool, queue, id, 202, Lang::Ru, 1)
                .await
                .unwrap();
        },
    )
    .await;
    eventually(
        Duration::from_secs(120),
        "documents for both chats",
        || async {
            let jobs = queued(&s.db).await;
            !documents_for(&jobs, 101).is_empty() && !documents_for(&jobs, 202).is_empty()
        },
    )
    .await;
    assert_eq!(captures(&s.db).await, 1, "one browser run");
    let jobs = queued(&s.db).await;
    let en = &documents_for(&jobs, 101)[0];
    let ru = &documents_for(&jobs, 202)[0];
    assert!(en["caption"].as_str().unwrap().contains("New: 9"), "{en}");
    assert!(ru["caption"].as_str().unwrap().contains("Новые: 9"), "{ru}");
    let pdf = en["path"].as_str().unwrap();
    assert!(Path::new(pdf).exists() && pdf.ends_with(".pdf"));
    assert_eq!(en["path"], ru["path"], "the same report");
    // Progress lines went to the chats as the pages were done.
    let progress: Vec<&str> = jobs
        .iter()
        .filter(|(t, p)| {
            t == "telegram_send" && p["chat_id"] == 101 && p["message"]["kind"] == "text"
        })
        .filter_map(|(_, p)| p["message"]["text"].as_str())
        .collect();
    assert_eq!(
        progress,
        [
            "Acme: competitor 1/2 — 6 ads",
            "Acme: competitor 2/2 — 3 ads"
        ]
    );
    let mails: Vec<&serde_json::Value> = jobs
        .iter()
        .filter(|(t, _)| t == "mail_send")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0]["to"], serde_json::json!(["client@example.com"]));
    assert_eq!(mails[0]["attachment_paths"][0], en["path"]);

    // Within reuse_minutes: the same report, no second browser run, no second e-mail.
    request_capture(&s.pool, &s.queue, s.account.id, 303, Lang::En, 1)
        .await
        .unwrap();
    eventually(Duration::from_secs(60), "the reused report", || async {
        !documents_for(&queued(&s.db).await, 303).is_empty()
    })
    .await;
    let jobs = queued(&s.db).await;
    assert_eq!(documents_for(&jobs, 303)[0]["path"], en["path"]);
    assert_eq!(captures(&s.db).await, 1);
    assert_eq!(jobs.iter().filter(|(t, _)| t == "mail_send").count(), 1);

    // After keep_days the files go; the rows (the diff history) stay.
    let files = s._files.path().to_path_buf();
    assert_eq!(cleanup(&s.pool, &files, 30).await.unwrap(), 0);
    let client = s.db.client().await;
    client
        .execute(
            "UPDATE adlib_captures SET finished_at = now() - interval '31 days'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(cleanup(&s.pool, &files, 30).await.unwrap(), 1);
    assert!(!Path::new(en["path"].as_str().unwrap()).exists());
    assert!(std::fs::read_dir(files.join("captures"))
        .unwrap()
        .next()
        .is_none());
    assert_eq!(captures(&s.db).await, 1);
    assert_eq!(cleanup(&s.pool, &files, 30).await.unwrap(), 0);
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_chromedriver_is_explained_in_the_chat() {
    let s = setup(
        "/nonexistent/chromedriver",
        async |pool: &Pool, queue: &Queue, id: i64| {
            request_capture(pool, queue, id, 505, Lang::En, 1)
                .await
                .unwrap();
        },
    )
    .await;
    eventually(Duration::from_secs(60), "a failure message", || async {
        queued(&s.db)
            .await
            .iter()
            .any(|(t, p)| t == "telegram_send" && p["chat_id"] == 505)
    })
    .await;
    let jobs = queued(&s.db).await;
    let text = jobs.iter().find(|(_, p)| p["chat_id"] == 505).unwrap().1["message"]["text"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        text.contains("The capture of Acme failed")
            && text.contains("apt-get install -y chromium chromium-driver"),
        "{text}"
    );
    let status: String =
        s.db.client()
            .await
            .query_one("SELECT status FROM adlib_captures", &[])
            .await
            .unwrap()
            .get(0);
    assert_eq!(status, "failed");
    assert!(documents_for(&jobs, 505).is_empty());
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}
