//! Delivery of a capture: a big report split into parts under the limit,
//! delivered in order and e-mailed to a real SMTP sink in several messages; a
//! schedule firing a capture once for its chat, and nothing for a paused
//! account.

mod support;

#[path = "adlibrary/fixture.rs"]
mod fixture;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;
#[path = "adlibrary/worker.rs"]
mod worker;

use std::time::Duration;

use ppc_helper::db::Pool;
use ppc_helper::features::adlibrary::jobs::{request_capture, CaptureAccount, CaptureScheduled};
use ppc_helper::features::adlibrary::store;
use ppc_helper::jobs::Queue;
use ppc_helper::mail::Mailer;
use ppc_helper::telegram::lang::Lang;
use support::{eventually, TestDb};
use worker::{captures, documents_for, queued, setup, Options};

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
