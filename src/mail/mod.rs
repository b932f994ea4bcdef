//! E-mail delivery over SMTP (lettre).
//!
//! Features build an [`Email`] and call [`Mailer::send`], or enqueue an
//! [`EmailJobPayload`] (the [`SendEmail`] job) whose attachment files are read
//! when the job runs. [`Mailer::from_config`] gives `None` when SMTP is not
//! configured. Errors say whether a retry can help ([`MailError::is_permanent`]).

mod error;
mod job;
mod message;
mod transport;

pub use error::MailError;
pub use job::SendEmail;
pub use message::{
    check_attachment_size, content_type_for, split_attachments, Attachment, Email, EmailJobPayload,
};
pub use transport::{send_payload, Mailer};
