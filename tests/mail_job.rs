//! The `mail_send` job through the real queue to a real SMTP server process:
//! delivered once with its attachment; a permanent rejection is not retried.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;
mod support;

use std::time::Duration;

use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::jobs::summary;
use ppc_helper::mail::EmailJobPayload;
use ppc_helper::shutdown::Shutdown;
use smtp_sink::Sink;
use support::{eventually, test_config, TestDb};

#[tokio::test(flavor = "multi_thread")]
async fn a_queued_email_is_delivered_once_with_its_attachment() {
    let sink = Sink::start();
    let db = TestDb::new().await;
    let mut config = test_config(&db);
    config.smtp = sink.config();
    let app = App::build(config, Shutdown::new())
        .await
        .expect("app builds");
    let running = app
        .start(Mode::Worker, Seams::default())
        .await
        .expect("starts");

    let dir = tempfile::tempdir().expect("tempdir");
    let report = dir.path().join("report.pdf");
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&report, &bytes).expect("write attachment");
    running
        .queue()
        .enqueue(EmailJobPayload {
            to: vec!["client@example.com".into()],
            subject: "Weekly report".into(),
            text: "See the attached report.".into(),
            html: Some("<p>See the attached report.</p>".into()),
            attachment_paths: vec![report],
        })
        .await
        .expect("enqueue");
    eventually(Duration::from_secs(20), "the message arrived", || async {
        sink.received().len() == 1
    })
    .await;
    let received = sink.received();
    assert_eq!(received[0].rcpt_tos, vec!["client@example.com".to_string()]);
    let raw = String::from_utf8_lossy(&received[0].raw);
    assert!(raw.contains("Subject: Weekly report"), "{raw}");
    assert!(raw.contains("report.pdf"), "attachment present: {raw}");

    // A recipient the server refuses (550) fails permanently: one attempt only.
    running
        .queue()
        .enqueue(EmailJobPayload {
            to: vec!["nobody@reject.test".into()],
            subject: "Refused".into(),
            text: "x".into(),
            html: None,
            attachment_paths: Vec::new(),
        })
        .await
        .expect("enqueue");
    eventually(
        Duration::from_secs(20),
        "the refusal is recorded",
        || async {
            !summary::recent_failures(running.pool(), 5)
                .await
                .expect("failures")
                .is_empty()
        },
    )
    .await;
    let failures = summary::recent_failures(running.pool(), 5)
        .await
        .expect("failures");
    assert_eq!(failures[0].task, "mail_send");
    assert_eq!(failures[0].attempts, 1);
    assert_eq!(sink.received().len(), 1);

    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
}
