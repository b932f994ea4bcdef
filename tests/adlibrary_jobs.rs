//! The capture job on a real worker: two requests → one browser run with one
//! progress message per chat edited as pages are done, the report queued as
//! documents for both chats and as one e-mail; a request within
//! `reuse_minutes` reuses it; a big report is split into parts and e-mailed to
//! a real SMTP sink in several messages; a schedule fires a capture once (and
//! nothing for a paused account); a missing chromedriver tells the chat.

mod support;

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

#[path = "adlibrary/fixture.rs"]
mod fixture;

use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Duration;

use fixture::Fixture;
use ppc_helper::db::Pool;
use ppc_helper::emulator::{Emulator, TestUser};
use ppc_helper::features::adlibrary::capture::CaptureSettings;
use ppc_helper::features::adlibrary::input::parse_competitor;
use ppc_helper::features::adlibrary::jobs::{
    cleanup, request_capture, AdlibState, CaptureAccount, CaptureScheduled,
};
use ppc_helper::features::adlibrary::pipeline::RunOptions;
use ppc_helper::features::adlibrary::store;
use ppc_helper::jobs::worker::{self, WorkerSettings};
use ppc_helper::jobs::{JobRegistry, Queue};
use ppc_helper::mail::{Mailer, SendEmail};
use ppc_helper::shutdown::Shutdown;
use ppc_helper::telegram::lang::Lang;
use support::{eventually, test_config, TestDb};

const TOKEN: &str = "42:adlibrary-jobs";
/// Chats the tests request captures for (known to the emulator).
const CHATS: [i64; 5] = [101, 202, 303, 404, 505];

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
    emulator: Emulator,
    _files: tempfile::TempDir,
    _fixture: Fixture,
}

/// What a test varies: the driver, the pages, the part size and the mailer.
struct Options {
    chromedriver: &'static str,
    /// Library ids of the two competitors' ads.
    ads: (RangeInclusive<u64>, RangeInclusive<u64>),
    max_pdf_bytes: u64,
    /// When set, `mail_send` runs against it instead of staying queued.
    mailer: Option<Mailer>,
}

impl Options {
    fn small(chromedriver: &'static str) -> Self {
        Self {
            chromedriver,
            ads: (1_000_001..=1_000_006, 2_000_001..=2_000_003),
            max_pdf_bytes: 45 * 1024 * 1024,
            mailer: None,
        }
    }
}

async fn setup(opts: Options, enqueue_first: impl AsyncFnOnce(&Pool, &Queue, i64)) -> Setup {
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
async fn queued(db: &TestDb) -> Vec<(String, serde_json::Value)> {
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
        Options::small("/usr/bin/chromedriver"),
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
    // One progress message per chat, in its language, edited to the end.
    for (chat, last) in [
        (
            101,
            "Acme: all 2 competitors done — 9 ads; the report follows.",
        ),
        (
            202,
            "Acme: готово, конкурентов: 2, объявлений: 9; отчёт ниже.",
        ),
    ] {
        let messages = s.emulator.messages(chat);
        assert_eq!(messages.len(), 1, "one progress message in {chat}");
        assert_eq!(messages[0].body(), last);
        assert!(messages[0].edited);
    }
    let edits = s
        .emulator
        .calls_to("editMessageText")
        .iter()
        .filter(|call| call.chat_id == Some(101))
        .count();
    assert!(
        (1..=3).contains(&edits),
        "edited, at most once per page and once at the end: {edits}"
    );
    assert!(
        jobs.iter()
            .all(|(t, p)| t != "telegram_send" || p["message"]["kind"] == "document"),
        "progress is edited, not sent as new messages"
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
        Options::small("/nonexistent/chromedriver"),
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_report_goes_out_in_parts_and_by_several_emails() {
    let sink = smtp_sink::Sink::start();
    let mailer = Mailer::from_config(&ppc_helper::config::SmtpConfig {
        max_attachment_mb: 1,
        ..sink.config()
    })
    .unwrap()
    .unwrap();
    // The font and covers take ~400 KB of each part; 700 KB leaves room for ~9 ads.
    const PART: u64 = 700 * 1024;
    let s = setup(
        Options {
            chromedriver: "/usr/bin/chromedriver",
            ads: (3_000_001..=3_000_037, 4_000_001..=4_000_012),
            max_pdf_bytes: PART,
            mailer: Some(mailer),
        },
        async |pool: &Pool, queue: &Queue, id: i64| {
            request_capture(pool, queue, id, 101, Lang::En, 1)
                .await
                .unwrap();
        },
    )
    .await;
    eventually(
        Duration::from_secs(180),
        "the documents and the e-mails",
        || async {
            let jobs = queued(&s.db).await;
            !documents_for(&jobs, 101).is_empty()
                && jobs.iter().all(|(t, _)| t != "mail_send")
                && !sink.received().is_empty()
        },
    )
    .await;
    let documents = documents_for(&queued(&s.db).await, 101);
    let parts = documents.len();
    assert!(parts >= 3, "49 ads of ~30 KB in parts of 700 KB: {parts}");
    for (i, document) in documents.iter().enumerate() {
        let path = document["path"].as_str().unwrap();
        let bytes = std::fs::metadata(path).unwrap().len();
        assert!(bytes <= PART, "part {} is {bytes} bytes", i + 1);
        let caption = document["caption"].as_str().unwrap();
        if i == 0 {
            assert!(caption.contains("New: 49"), "{caption}");
        } else {
            let expected = format!("report part {} of {parts}", i + 1);
            assert!(caption.contains(&expected), "{caption}");
        }
    }

    // The same parts by e-mail, at most 1 MB of attachments per message.
    let parser = mail_parser::MessageParser::default();
    let received = sink.received();
    assert!(received.len() >= 2, "over 1 MB of PDFs: several messages");
    let mut attached = Vec::new();
    for (i, raw) in received.iter().enumerate() {
        assert_eq!(raw.rcpt_tos, ["client@example.com"]);
        let message = parser.parse(&raw.raw).unwrap();
        let subject = message.subject().unwrap();
        assert!(
            subject.starts_with("Ad Library report: Acme")
                && subject.ends_with(&format!("({}/{})", i + 1, received.len())),
            "{subject}"
        );
        let size: usize = message.attachments().map(|a| a.contents().len()).sum();
        assert!(
            size <= 1024 * 1024,
            "message {} carries {size} bytes",
            i + 1
        );
        attached.extend(message.attachments().map(|a| a.contents().to_vec()));
    }
    let on_disk: Vec<Vec<u8>> = documents
        .iter()
        .map(|d| std::fs::read(d["path"].as_str().unwrap()).unwrap())
        .collect();
    assert_eq!(attached, on_disk, "every part, once, in order");
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_fires_one_capture_for_its_chat() {
    use ppc_helper::jobs::schedules::{self, NewSchedule};
    use ppc_helper::jobs::tick::fire_due;
    use ppc_helper::jobs::AppJob;
    use ppc_helper::telegram::store::chats::ChatKind;

    let s = setup(Options::small("/usr/bin/chromedriver"), async |_, _, _| {}).await;
    ppc_helper::telegram::store::chats::upsert(&s.pool, 404, ChatKind::Private, None)
        .await
        .unwrap();
    let schedule = schedules::create(
        &s.pool,
        NewSchedule {
            chat_id: 404,
            job_type: CaptureScheduled::IDENTIFIER.into(),
            target: serde_json::json!({"account_id": s.account.id, "browser_slots": 1}),
            rule: "daily 09:00".parse().unwrap(),
            timezone: chrono_tz::Europe::Moscow,
        },
    )
    .await
    .unwrap();
    let due = schedule.next_fire_at;
    assert_eq!(
        fire_due(&s.pool, &s.queue, due - chrono::Duration::minutes(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(fire_due(&s.pool, &s.queue, due).await.unwrap(), 1);
    assert_eq!(
        fire_due(&s.pool, &s.queue, due).await.unwrap(),
        0,
        "once per fire time"
    );
    eventually(Duration::from_secs(120), "the scheduled report", || async {
        !documents_for(&queued(&s.db).await, 404).is_empty()
    })
    .await;
    assert_eq!(captures(&s.db).await, 1);
    let jobs = queued(&s.db).await;
    let document = &documents_for(&jobs, 404)[0];
    assert!(document["caption"].as_str().unwrap().contains("New: 9"));
    let progress = s.emulator.last_message(404).expect("a progress message");
    assert!(
        progress.body().contains("all 2 competitors done"),
        "{}",
        progress.body()
    );
    assert_eq!(jobs.iter().filter(|(t, _)| t == "mail_send").count(), 1);
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schedule_skips_a_paused_account() {
    use ppc_helper::jobs::schedules::{self, NewSchedule};
    use ppc_helper::jobs::tick::fire_due;
    use ppc_helper::jobs::AppJob;
    use ppc_helper::telegram::store::chats::ChatKind;

    let s = setup(Options::small("/usr/bin/chromedriver"), async |_, _, _| {}).await;
    assert!(store::set_active(&s.pool, s.account.id, false)
        .await
        .unwrap());
    ppc_helper::telegram::store::chats::upsert(&s.pool, 505, ChatKind::Private, None)
        .await
        .unwrap();
    let schedule = schedules::create(
        &s.pool,
        NewSchedule {
            chat_id: 505,
            job_type: CaptureScheduled::IDENTIFIER.into(),
            target: serde_json::json!({"account_id": s.account.id, "browser_slots": 1}),
            rule: "daily 09:00".parse().unwrap(),
            timezone: chrono_tz::UTC,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        fire_due(&s.pool, &s.queue, schedule.next_fire_at)
            .await
            .unwrap(),
        1
    );
    async fn count(db: &TestDb, sql: &str) -> i64 {
        db.client().await.query_one(sql, &[]).await.unwrap().get(0)
    }
    let jobs_of = |task: &str| {
        format!(
            "SELECT count(*) FROM graphile_worker._private_jobs j
             JOIN graphile_worker._private_tasks t ON t.id = j.task_id
             WHERE t.identifier = '{task}'"
        )
    };
    // The fired job runs and succeeds (it leaves the queue) …
    let fired = jobs_of(CaptureScheduled::IDENTIFIER);
    eventually(
        Duration::from_secs(30),
        "the scheduled job done",
        || async { count(&s.db, &fired).await == 0 },
    )
    .await;
    // … without a capture job, a request, a capture or a message.
    let capture_jobs = jobs_of(CaptureAccount::IDENTIFIER);
    assert_eq!(count(&s.db, &capture_jobs).await, 0, "no capture job");
    let requests = "SELECT count(*) FROM adlib_requests";
    assert_eq!(count(&s.db, requests).await, 0, "no request");
    assert_eq!(captures(&s.db).await, 0);
    assert!(s.emulator.messages(505).is_empty(), "no message");
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_asks_during_a_capture_gets_its_progress_and_report() {
    let s = setup(
        Options {
            ads: (1_000_001..=1_000_006, 2_000_001..=2_000_040),
            ..Options::small("/usr/bin/chromedriver")
        },
        async |pool: &Pool, queue: &Queue, id: i64| {
            request_capture(pool, queue, id, 101, Lang::En, 1)
                .await
                .unwrap();
        },
    )
    .await;
    s.emulator
        .wait_for(
            101,
            |m| m.body().contains("competitor 1/2"),
            Duration::from_secs(120),
        )
        .await
        .expect("the first page shown");
    request_capture(&s.pool, &s.queue, s.account.id, 303, Lang::Ru, 1)
        .await
        .unwrap();
    eventually(
        Duration::from_secs(120),
        "the report for the late chat",
        || async { !documents_for(&queued(&s.db).await, 303).is_empty() },
    )
    .await;
    assert_eq!(captures(&s.db).await, 1, "no second browser run");
    let late = s.emulator.messages(303);
    assert_eq!(late.len(), 1, "one progress message");
    assert_eq!(
        late[0].body(),
        "Acme: готово, конкурентов: 2, объявлений: 46; отчёт ниже."
    );
    let jobs = queued(&s.db).await;
    assert_eq!(
        documents_for(&jobs, 303)[0]["path"],
        documents_for(&jobs, 101)[0]["path"],
        "the same report"
    );
    s.shutdown.trigger();
    s.worker.join().await.unwrap();
}
