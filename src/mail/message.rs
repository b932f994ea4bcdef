//! The e-mail a feature wants sent, its queue payload, and MIME assembly.

use std::path::{Path, PathBuf};

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;
use serde::{Deserialize, Serialize};

use super::MailError;

/// One e-mail: plain text, an optional HTML alternative and attachments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Email {
    /// Recipients, each `user@host` or `Name <user@host>`; at least one.
    pub to: Vec<String>,
    pub subject: String,
    /// The plain-text body; always sent, so text-only clients read something.
    pub text: String,
    /// An HTML rendering of the same content, sent as `multipart/alternative`.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
}

/// A file attached to an [`Email`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The name the recipient sees.
    pub filename: String,
    /// A MIME type such as `application/pdf`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The queue payload of an e-mail job. Attachments are paths, read when the
/// job runs, so large reports never sit inside the queue's JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailJobPayload {
    pub to: Vec<String>,
    pub subject: String,
    pub text: String,
    #[serde(default)]
    pub html: Option<String>,
    /// Files to attach; each is sent under its file name.
    #[serde(default)]
    pub attachment_paths: Vec<PathBuf>,
}

impl Email {
    /// Builds the e-mail of a job payload, reading its attachment files.
    /// A file that cannot be read gives [`MailError::Attachment`] naming it.
    pub fn from_payload(payload: &EmailJobPayload) -> Result<Email, MailError> {
        let attachments = payload
            .attachment_paths
            .iter()
            .map(|path| {
                std::fs::read(path)
                    .map(|bytes| attachment_for(path, bytes))
                    .map_err(|source| attachment_error(path, source))
            })
            .collect::<Result<_, _>>()?;
        Ok(email_of(payload, attachments))
    }

    /// Like [`Email::from_payload`], reading the files without blocking the runtime.
    pub async fn load(payload: &EmailJobPayload) -> Result<Email, MailError> {
        let mut attachments = Vec::with_capacity(payload.attachment_paths.len());
        for path in &payload.attachment_paths {
            let bytes = tokio::fs::read(path)
                .await
                .map_err(|source| attachment_error(path, source))?;
            attachments.push(attachment_for(path, bytes));
        }
        Ok(email_of(payload, attachments))
    }

    /// Total attachment size in bytes (before base64 encoding).
    pub fn attachment_bytes(&self) -> usize {
        self.attachments.iter().map(|a| a.bytes.len()).sum()
    }
}

fn email_of(payload: &EmailJobPayload, attachments: Vec<Attachment>) -> Email {
    Email {
        to: payload.to.clone(),
        subject: payload.subject.clone(),
        text: payload.text.clone(),
        html: payload.html.clone(),
        attachments,
    }
}

fn attachment_error(path: &Path, source: std::io::Error) -> MailError {
    MailError::Attachment {
        path: path.to_path_buf(),
        source,
    }
}

fn attachment_for(path: &Path, bytes: Vec<u8>) -> Attachment {
    let filename = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_else(|| "attachment".to_string());
    Attachment {
        content_type: content_type_for(path).to_string(),
        filename,
        bytes,
    }
}

/// MIME type from the file extension, for the kinds of files the features send.
pub fn content_type_for(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("pdf") => "application/pdf",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("csv") => "text/csv; charset=utf-8",
        Some("txt") => "text/plain; charset=utf-8",
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("json") => "application/json",
        Some("zip") => "application/zip",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Parses `Name <user@host>` or `user@host`.
pub(crate) fn parse_mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .trim()
        .parse::<Mailbox>()
        .map_err(|source| MailError::InvalidAddress {
            address: address.to_string(),
            source,
        })
}

/// Assembles the MIME message: the body is `text/plain`, or
/// `multipart/alternative` with HTML, wrapped in `multipart/mixed` when there
/// are attachments. Every address is checked first.
pub(crate) fn build_message(from: &Mailbox, email: &Email) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(email.subject.clone());
    for address in &email.to {
        builder = builder.to(parse_mailbox(address)?);
    }
    let body = match &email.html {
        Some(html) => Body::Multi(MultiPart::alternative_plain_html(
            email.text.clone(),
            html.clone(),
        )),
        None => Body::Single(SinglePart::plain(email.text.clone())),
    };
    if email.attachments.is_empty() {
        return Ok(match body {
            Body::Single(part) => builder.singlepart(part)?,
            Body::Multi(part) => builder.multipart(part)?,
        });
    }
    let mixed = MultiPart::mixed().build();
    let mut mixed = match body {
        Body::Single(part) => mixed.singlepart(part),
        Body::Multi(part) => mixed.multipart(part),
    };
    for attachment in &email.attachments {
        let content_type =
            ContentType::parse(&attachment.content_type).map_err(|_| MailError::ContentType {
                filename: attachment.filename.clone(),
                content_type: attachment.content_type.clone(),
            })?;
        mixed = mixed.singlepart(
            lettre::message::Attachment::new(attachment.filename.clone())
                .body(attachment.bytes.clone(), content_type),
        );
    }
    Ok(builder.multipart(mixed)?)
}

enum Body {
    Single(SinglePart),
    Multi(MultiPart),
}

/// Groups attachments, in order, so each group's total stays within
/// `max_bytes`. An attachment larger than `max_bytes` goes alone in its own
/// group; use [`check_attachment_size`] to refuse it instead.
pub fn split_attachments(attachments: Vec<Attachment>, max_bytes: usize) -> Vec<Vec<Attachment>> {
    let mut groups: Vec<Vec<Attachment>> = Vec::new();
    let mut current: Vec<Attachment> = Vec::new();
    let mut current_bytes = 0usize;
    for attachment in attachments {
        let size = attachment.bytes.len();
        if !current.is_empty() && current_bytes.saturating_add(size) > max_bytes {
            groups.push(std::mem::take(&mut current));
            current_bytes = 0;
        }
        current_bytes = current_bytes.saturating_add(size);
        current.push(attachment);
    }
    if !current.is_empty() {
        groups.push(current);
    }
    groups
}

/// Refuses an attachment that alone exceeds `max_bytes` with
/// [`MailError::AttachmentTooLarge`].
pub fn check_attachment_size(attachment: &Attachment, max_bytes: usize) -> Result<(), MailError> {
    let bytes = attachment.bytes.len();
    if bytes > max_bytes {
        return Err(MailError::AttachmentTooLarge {
            filename: attachment.filename.clone(),
            bytes,
            limit: max_bytes,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, size: usize) -> Attachment {
        Attachment {
            filename: name.to_string(),
            content_type: "application/pdf".to_string(),
            bytes: vec![0; size],
        }
    }

    fn names(groups: &[Vec<Attachment>]) -> Vec<Vec<&str>> {
        groups
            .iter()
            .map(|g| g.iter().map(|a| a.filename.as_str()).collect())
            .collect()
    }

    #[test]
    fn split_keeps_order_and_fills_groups_up_to_the_limit() {
        let groups = split_attachments(
            vec![file("a", 4), file("b", 6), file("c", 3), file("d", 7)],
            10,
        );
        assert_eq!(names(&groups), [vec!["a", "b"], vec!["c", "d"]]);
    }

    #[test]
    fn split_puts_an_oversized_attachment_alone() {
        let groups = split_attachments(vec![file("a", 3), file("big", 25), file("c", 3)], 10);
        assert_eq!(names(&groups), [vec!["a"], vec!["big"], vec!["c"]]);
        assert!(check_attachment_size(&groups[1][0], 10).is_err());
    }

    #[test]
    fn split_of_nothing_is_no_groups() {
        assert!(split_attachments(Vec::new(), 10).is_empty());
    }

    #[test]
    fn split_counts_empty_files_and_exact_fits() {
        let groups = split_attachments(vec![file("a", 10), file("b", 0), file("c", 1)], 10);
        assert_eq!(names(&groups), [vec!["a", "b"], vec!["c"]]);
    }

    #[test]
    fn too_large_names_the_file_and_the_limit() {
        let error = check_attachment_size(&file("report.pdf", 11), 10).unwrap_err();
        assert!(matches!(
            &error,
            MailError::AttachmentTooLarge { filename, bytes: 11, limit: 10 } if filename == "report.pdf"
        ));
        assert!(error.is_permanent());
        assert!(check_attachment_size(&file("ok.pdf", 10), 10).is_ok());
    }

    #[test]
    fn content_types_follow_the_extension() {
        assert_eq!(
            content_type_for(Path::new("/r/Report.PDF")),
            "application/pdf"
        );
        assert_eq!(content_type_for(Path::new("chart.png")), "image/png");
        assert_eq!(
            content_type_for(Path::new("noext")),
            "application/octet-stream"
        );
    }

    #[test]
    fn payload_with_a_missing_file_names_it() {
        let payload = EmailJobPayload {
            to: vec!["a@example.com".into()],
            attachment_paths: vec![PathBuf::from("/nonexistent/report-17.pdf")],
            ..EmailJobPayload::default()
        };
        let error = Email::from_payload(&payload).unwrap_err();
        assert!(
            error.to_string().contains("/nonexistent/report-17.pdf"),
            "{error}"
        );
        assert!(error.is_permanent());
    }

    #[test]
    fn invalid_recipient_is_reported_by_address() {
        let from = parse_mailbox("Bot <bot@example.com>").unwrap();
        let email = Email {
            to: vec!["ok@example.com".into(), "not an address".into()],
            ..Email::default()
        };
        let error = build_message(&from, &email).unwrap_err();
        assert!(
            matches!(&error, MailError::InvalidAddress { address, .. } if address == "not an address")
        );
    }

    #[test]
    fn bad_content_type_is_refused() {
        let from = parse_mailbox("bot@example.com").unwrap();
        let mut attachment = file("x.bin", 1);
        attachment.content_type = "not a type".into();
        let email = Email {
            to: vec!["ok@example.com".into()],
            attachments: vec![attachment],
            ..Email::default()
        };
        let error = build_message(&from, &email).unwrap_err();
        assert!(matches!(error, MailError::ContentType { .. }), "{error}");
    }

    #[test]
    fn payload_round_trips_through_json_with_defaults() {
        let json = r#"{"to":["a@example.com"],"subject":"s","text":"t"}"#;
        let payload: EmailJobPayload = serde_json::from_str(json).unwrap();
        assert!(payload.html.is_none() && payload.attachment_paths.is_empty());
        let back: EmailJobPayload =
            serde_json::from_str(&serde_json::to_string(&payload).unwrap()).unwrap();
        assert_eq!(back, payload);
    }
}
