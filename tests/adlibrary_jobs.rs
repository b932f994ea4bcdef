//! The capture job on a real worker: two requests → one browser run with one
//! progress message per chat edited as pages are done, the report queued as
//! documents for both chats and as one e-mail; a request within
//! `reuse_minutes` reuses it; a chat asking during a capture gets its own
//! progress; a missing chromedriver tells the chat. Delivery in parts, by
//! e-mail and on schedule: `adlibrary_delivery.rs`.

mod support;

#[path = "adlibrary/fixture.rs"]
mod fixture;
#[path = "adlibrary/worker.rs"]
mod worker;

use std::path::Path;
use std::time::Duration;

use ppc_helper::db::Pool;
use ppc_helper::features::adlibrary::jobs::{cleanup, request_capture};
use ppc_helper::jobs::Queue;
use ppc_helper::telegram::lang::Lang;
use support::eventually;
use worker::{captures, documents_for, queued, setup, Options};

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
