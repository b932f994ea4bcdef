//! The Ad Library end to end: the whole app against the Bot API emulator, the
//! fixture site, real Chromium and a real SMTP sink. An admin sets a client up
//! with commands, asks for a capture, watches one progress message being
//! edited, and gets the PDF in the chat and by e-mail.

mod support;

#[path = "adlibrary/fixture.rs"]
mod fixture;
#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::path::Path;
use std::time::Duration;

use fixture::Fixture;
use support::eventually;
use support::telegram::{Harness, ADMIN};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_from_the_chat_shows_progress_and_delivers_the_pdf_to_chat_and_mail() {
    assert!(
        Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists(),
        "Chromium is missing: run `apt-get install -y chromium chromium-driver` (scripts/setup.sh does it)"
    );
    let fixture = Fixture::start(Duration::from_millis(100)).await;
    fixture.set_page("1000001", "Acme Sports", 1_000_001..=1_000_005);
    fixture.set_page("2000002", "Акме Обувь", 2_000_001..=2_000_002);
    let sink = smtp_sink::Sink::start();
    let data = tempfile::tempdir().unwrap();
    let h = Harness::start_with(|config| {
        config.adlibrary.base_url = fixture.base_url();
        config.smtp = sink.config();
        config.database.data_dir = data.path().join("pg");
    })
    .await;
    let admin = h.admin.clone();
    h.say(&admin, "/account_add Acme");
    h.expect(ADMIN, "Account Acme added").await;
    h.say(
        &admin,
        "/competitor_add Acme https://www.facebook.com/ads/library/?view_all_page_id=1000001&active_status=active&ad_type=all&country=ALL",
    );
    h.expect(ADMIN, "Competitor 1000001 added").await;
    h.say(&admin, "/competitor_add Acme 2000002");
    h.expect(ADMIN, "Competitor 2000002 added").await;
    h.say(&admin, "/account_emails Acme client@example.com");
    h.expect(ADMIN, "client@example.com").await;

    h.say(&admin, "/capture Acme");
    h.expect(ADMIN, "Capturing the ads of 2 competitors").await;
    let wait = Duration::from_secs(120);
    let progress = h
        .emulator
        .wait_for(
            ADMIN,
            |m| m.body().contains("all 2 competitors done — 7 ads"),
            wait,
        )
        .await
        .expect("the progress message reaches its final state");
    assert!(progress.edited, "one message, edited as pages were done");
    let progress_messages = h
        .emulator
        .messages(ADMIN)
        .iter()
        .filter(|m| m.body().starts_with("Acme: "))
        .count();
    assert_eq!(progress_messages, 1, "progress is edited, not repeated");

    let report = h
        .emulator
        .wait_for(ADMIN, |m| m.document.is_some(), wait)
        .await
        .expect("the report in the chat");
    let document = report.document.clone().unwrap();
    assert!(document.bytes.starts_with(b"%PDF"), "a PDF");
    assert_eq!(document.mime_type.as_deref(), Some("application/pdf"));
    assert!(report.body().contains("New: 7"), "{}", report.body());

    eventually(wait, "the report e-mail", || async {
        !sink.received().is_empty()
    })
    .await;
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].rcpt_tos, ["client@example.com"]);
    let message = mail_parser::MessageParser::default()
        .parse(&received[0].raw)
        .unwrap();
    assert!(message
        .subject()
        .unwrap()
        .starts_with("Ad Library report: Acme"));
    let attachment = message.attachment(0).expect("the PDF attached");
    assert_eq!(attachment.contents(), &document.bytes[..], "the same PDF");
    let html = message.html_part(0).unwrap().text_contents().unwrap();
    assert!(html.contains("New: 7"), "{html}");
    h.finish().await;
}
