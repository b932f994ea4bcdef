//! E-mail delivery against a real SMTP server process (`tests/support/smtp_sink.py`,
//! built on Python's aiosmtpd), checked by parsing what the server received.

#[path = "support/smtp_sink.rs"]
mod smtp_sink;

use std::net::TcpListener;
use std::path::PathBuf;

use mail_parser::{MessageParser, MimeHeaders};
use ppc_helper::config::{SmtpConfig, SmtpTls};
use ppc_helper::mail::{send_payload, Attachment, Email, EmailJobPayload, MailError, Mailer};
use smtp_sink::{smtp_config, Sink, FROM};

/// Deterministic bytes that do not compress and cover every byte value.
fn pseudo_random(len: usize, mut seed: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect()
}

/// A port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// Text parts travel with CRLF line ends.
fn lf(text: &str) -> String {
    text.replace("\r\n", "\n").trim_end().to_string()
}

fn content_type(part: &mail_parser::MessagePart) -> String {
    let ct = part.content_type().unwrap();
    format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default())
}

#[tokio::test]
async fn delivers_text_html_and_exact_attachment_bytes() {
    let sink = Sink::start();
    let report = pseudo_random(300 * 1024, 0x9E37_79B9_7F4A_7C15);
    let email = Email {
        to: vec![
            "Клиент <client@example.test>".into(),
            "boss@example.test".into(),
        ],
        subject: "Отчёт по рекламе: неделя 12 ✓".into(),
        text: "Здравствуйте!\nОтчёт во вложении.".into(),
        html: Some("<p>Здравствуйте!</p><p><b>Отчёт</b> во вложении.</p>".into()),
        attachments: vec![
            Attachment {
                filename: "отчёт.bin".into(),
                content_type: "application/octet-stream".into(),
                bytes: report.clone(),
            },
            Attachment {
                filename: "notes.txt".into(),
                content_type: "text/plain; charset=utf-8".into(),
                bytes: "line 1\r\n.\r\nline 3 — ok\n".as_bytes().to_vec(),
            },
        ],
    };
    sink.mailer().send(&email).await.unwrap();

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let got = &received[0];
    assert_eq!(got.mail_from, FROM);
    assert_eq!(got.rcpt_tos, ["client@example.test", "boss@example.test"]);

    let message = MessageParser::default().parse(&got.raw).unwrap();
    assert_eq!(message.subject(), Some(email.subject.as_str()));
    let from = message.from().unwrap().first().unwrap();
    assert_eq!(
        (from.name(), from.address()),
        (Some("PPC Helper"), Some(FROM))
    );
    assert_eq!(content_type(message.root_part()), "multipart/mixed");
    let text = message.text_part(0).unwrap();
    assert_eq!(content_type(text), "text/plain");
    assert_eq!(lf(text.text_contents().unwrap()), email.text);
    let html = message.html_part(0).unwrap();
    assert_eq!(content_type(html), "text/html");
    assert_eq!(
        lf(html.text_contents().unwrap()),
        email.html.as_deref().unwrap()
    );
    assert!(message
        .parts
        .iter()
        .any(|p| content_type(p) == "multipart/alternative"));

    assert_eq!(message.attachment_count(), 2);
    let binary = message.attachment(0).unwrap();
    assert_eq!(binary.attachment_name(), Some("отчёт.bin"));
    assert_eq!(binary.contents(), report.as_slice());
    let notes = message.attachment(1).unwrap();
    assert_eq!(notes.attachment_name(), Some("notes.txt"));
    assert_eq!(notes.contents(), email.attachments[1].bytes.as_slice());
}

#[tokio::test]
async fn text_only_message_is_a_single_plain_part() {
    let sink = Sink::start();
    let email = Email {
        to: vec!["a@example.test".into()],
        subject: "plain".into(),
        text: "just text\n.\nwith a lone dot line".into(),
        ..Email::default()
    };
    sink.mailer().send(&email).await.unwrap();
    let received = sink.received();
    let message = MessageParser::default().parse(&received[0].raw).unwrap();
    assert_eq!(content_type(message.root_part()), "text/plain");
    assert_eq!(lf(&message.body_text(0).unwrap()), email.text);
    assert_eq!(message.attachment_count(), 0);
}

#[tokio::test]
async fn payload_reads_files_and_splits_over_the_limit() {
    let sink = Sink::start();
    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, len: usize, seed: u64| -> (PathBuf, Vec<u8>) {
        let path = files.path().join(name);
        let bytes = pseudo_random(len, seed);
        std::fs::write(&path, &bytes).unwrap();
        (path, bytes)
    };
    let parts = [
        write("a.pdf", 700 * 1024, 1),
        write("b.pdf", 700 * 1024, 2),
        write("c.png", 100 * 1024, 3),
    ];
    let payload = EmailJobPayload {
        to: vec!["client@example.test".into()],
        subject: "Report".into(),
        text: "See attached.".into(),
        html: None,
        attachment_paths: parts.iter().map(|(path, _)| path.clone()).collect(),
    };
    let config = SmtpConfig {
        max_attachment_mb: 1,
        ..sink.config()
    };
    let mailer = Mailer::from_config(&config).unwrap().unwrap();
    send_payload(&mailer, &payload).await.unwrap();

    let received = sink.received();
    assert_eq!(
        received.len(),
        2,
        "700 KB + 700 KB + 100 KB over a 1 MB limit"
    );
    let parser = MessageParser::default();
    let first = parser.parse(&received[0].raw).unwrap();
    let second = parser.parse(&received[1].raw).unwrap();
    assert_eq!(first.subject(), Some("Report (1/2)"));
    assert_eq!(second.subject(), Some("Report (2/2)"));
    let attached: Vec<_> = [&first, &second]
        .iter()
        .flat_map(|m| m.attachments())
        .map(|a| {
            (
                a.attachment_name().unwrap().to_string(),
                content_type(a),
                a.contents().to_vec(),
            )
        })
        .collect();
    let expected: Vec<_> = parts
        .iter()
        .zip(["application/pdf", "application/pdf", "image/png"])
        .map(|((path, bytes), ct)| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, ct.to_string(), bytes.clone())
        })
        .collect();
    assert_eq!(attached, expected);
    assert_eq!(first.attachment_count(), 1);
}

#[tokio::test]
async fn payload_problems_fail_before_anything_is_sent() {
    let sink = Sink::start();
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("big.pdf");
    std::fs::write(&big, vec![7u8; 1024 * 1024 + 1]).unwrap();
    let small = files.path().join("small.pdf");
    std::fs::write(&small, b"%PDF-1.7").unwrap();
    let config = SmtpConfig {
        max_attachment_mb: 1,
        ..sink.config()
    };
    let mailer = Mailer::from_config(&config).unwrap().unwrap();
    let payload = EmailJobPayload {
        to: vec!["client@example.test".into()],
        subject: "Report".into(),
        attachment_paths: vec![small.clone(), big],
        ..EmailJobPayload::default()
    };
    let error = send_payload(&mailer, &payload).await.unwrap_err();
    assert!(
        matches!(&error, MailError::AttachmentTooLarge { filename, bytes, limit: 1_048_576 }
            if filename == "big.pdf" && *bytes == 1_048_577),
        "{error:?}"
    );
    assert!(error.is_permanent());

    let missing = files.path().join("gone.pdf");
    let payload = EmailJobPayload {
        attachment_paths: vec![small, missing.clone()],
        ..payload
    };
    let error = send_payload(&mailer, &payload).await.unwrap_err();
    assert!(
        matches!(&error, MailError::Attachment { path, .. } if *path == missing),
        "{error:?}"
    );
    assert!(error.to_string().contains("gone.pdf"), "{error}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn invalid_address_fails_before_connecting() {
    // A listener that is never accepted from: any connection attempt would queue here.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let mailer = Mailer::from_config(&smtp_config(port)).unwrap().unwrap();
    let email = Email {
        to: vec!["good@example.test".into(), "no-at-sign.example.test".into()],
        subject: "x".into(),
        text: "x".into(),
        ..Email::default()
    };
    let error = mailer.send(&email).await.unwrap_err();
    assert!(
        matches!(&error, MailError::InvalidAddress { address, .. } if address == "no-at-sign.example.test"),
        "{error:?}"
    );
    assert!(error.is_permanent());
    let no_recipients = Email {
        to: Vec::new(),
        ..email
    };
    let error = mailer.send(&no_recipients).await.unwrap_err();
    assert!(matches!(error, MailError::Build(_)), "{error:?}");
    let accepted = listener.accept();
    assert!(
        matches!(&accepted, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "the mailer connected: {accepted:?}"
    );
}

#[tokio::test]
async fn rejected_recipient_is_a_permanent_transport_error() {
    let sink = Sink::start();
    let email = Email {
        to: vec!["someone@reject.test".into()],
        subject: "x".into(),
        text: "x".into(),
        ..Email::default()
    };
    let error = sink.mailer().send(&email).await.unwrap_err();
    let MailError::Transport(smtp) = &error else {
        panic!("expected a transport error, got {error:?}");
    };
    assert_eq!(
        smtp.status().map(|code| code.to_string()),
        Some("550".into())
    );
    assert!(error.is_permanent(), "{error:?}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn unreachable_server_is_a_retryable_transport_error() {
    let mailer = Mailer::from_config(&smtp_config(closed_port()))
        .unwrap()
        .unwrap();
    let email = Email {
        to: vec!["a@example.test".into()],
        subject: "x".into(),
        text: "x".into(),
        ..Email::default()
    };
    let error = mailer.send(&email).await.unwrap_err();
    assert!(matches!(error, MailError::Transport(_)), "{error:?}");
    assert!(!error.is_permanent(), "{error:?}");
    let error = mailer.check().await.unwrap_err();
    assert!(matches!(error, MailError::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn check_talks_to_the_server() {
    let sink = Sink::start();
    sink.mailer().check().await.unwrap();
    assert!(sink.received().is_empty());
}

#[test]
fn config_without_host_is_not_configured_and_bad_from_is_refused() {
    let unconfigured = SmtpConfig::default();
    assert!(Mailer::from_config(&unconfigured).unwrap().is_none());
    let bad_from = SmtpConfig {
        from: "not an address".into(),
        ..smtp_config(25)
    };
    let error = Mailer::from_config(&bad_from).unwrap_err();
    assert!(
        matches!(&error, MailError::InvalidAddress { address, .. } if address == "not an address")
    );
    for tls in [SmtpTls::Starttls, SmtpTls::Tls] {
        let config = SmtpConfig {
            tls,
            username: "user".into(),
            password: Some("secret".to_string().into()),
            ..smtp_config(465)
        };
        let mailer = Mailer::from_config(&config).unwrap().unwrap();
        assert_eq!(mailer.server(), "127.0.0.1:465");
        assert!(!format!("{mailer:?}").contains("secret"));
    }
}
