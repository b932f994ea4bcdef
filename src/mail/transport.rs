//! The SMTP connection settings and sending.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use secrecy::ExposeSecret;

use super::message::{build_message, check_attachment_size, parse_mailbox, split_attachments};
use super::{Email, EmailJobPayload, MailError};
use crate::config::{SmtpConfig, SmtpTls};

/// Sends e-mail through the configured SMTP server. Cloning is cheap (one
/// `Arc`); each send opens its own connection, so clones may send concurrently.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
    max_attachment_bytes: usize,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer")
            .field("server", &self.inner.server)
            .field("from", &self.inner.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// Builds a mailer from the `smtp` section; `Ok(None)` when `host` is empty.
    /// Nothing connects yet. Fails on an invalid `from` address.
    pub fn from_config(cfg: &SmtpConfig) -> Result<Option<Mailer>, MailError> {
        let host = cfg.host.trim();
        if host.is_empty() {
            return Ok(None);
        }
        let from = parse_mailbox(&cfg.from)?;
        let builder = match cfg.tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)?,
        };
        let mut builder = builder
            .port(cfg.port)
            .timeout(Some(Duration::from_secs(cfg.timeout_secs.max(1))));
        if !cfg.username.is_empty() {
            let password = cfg
                .password
                .as_ref()
                .map(|p| p.expose_secret().to_string())
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(cfg.username.clone(), password));
        }
        let max_attachment_bytes = usize::try_from(cfg.max_attachment_mb)
            .unwrap_or(usize::MAX)
            .saturating_mul(1024 * 1024);
        Ok(Some(Mailer {
            inner: Arc::new(Inner {
                transport: builder.build(),
                from,
                server: format!("{host}:{}", cfg.port),
                max_attachment_bytes,
            }),
        }))
    }

    /// `host:port` of the SMTP server.
    pub fn server(&self) -> &str {
        &self.inner.server
    }

    /// The largest total attachment size per message (`smtp.max_attachment_mb`).
    pub fn max_attachment_bytes(&self) -> usize {
        self.inner.max_attachment_bytes
    }

    /// Sends one message as given. Addresses are validated and the message is
    /// assembled before connecting; it is not split (see [`send_payload`]).
    pub async fn send(&self, email: &Email) -> Result<(), MailError> {
        let message = build_message(&self.inner.from, email)?;
        self.inner.transport.send(message).await?;
        Ok(())
    }

    /// Connects (with TLS and login as configured) and sends a NOOP, for
    /// `ppc-helper check`.
    pub async fn check(&self) -> Result<(), MailError> {
        if self.inner.transport.test_connection().await? {
            Ok(())
        } else {
            Err(MailError::NotResponding {
                server: self.inner.server.clone(),
            })
        }
    }
}

/// Sends a queued e-mail: reads its attachment files, refuses any single file
/// over the limit, and sends one message per group of attachments that fits
/// (`subject (1/2)`, `subject (2/2)`, each with the full text). Everything is
/// checked before the first message goes out; a retry after a failure in a
/// later part resends the earlier parts.
pub async fn send_payload(mailer: &Mailer, payload: &EmailJobPayload) -> Result<(), MailError> {
    let email = Email::load(payload).await?;
    let limit = mailer.max_attachment_bytes();
    for attachment in &email.attachments {
        check_attachment_size(attachment, limit)?;
    }
    if email.attachment_bytes() <= limit {
        return mailer.send(&email).await;
    }
    let Email {
        to,
        subject,
        text,
        html,
        attachments,
    } = email;
    let groups = split_attachments(attachments, limit);
    let count = groups.len();
    let parts: Vec<Email> = groups
        .into_iter()
        .enumerate()
        .map(|(index, attachments)| Email {
            to: to.clone(),
            subject: format!("{subject} ({}/{count})", index + 1),
            text: text.clone(),
            html: html.clone(),
            attachments,
        })
        .collect();
    // Building every part first means a bad address fails before anything is sent.
    let messages = parts
        .iter()
        .map(|part| build_message(&mailer.inner.from, part))
        .collect::<Result<Vec<_>, _>>()?;
    for message in messages {
        mailer.inner.transport.send(message).await?;
    }
    Ok(())
}
