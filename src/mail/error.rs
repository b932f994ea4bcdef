//! What can go wrong when building or sending an e-mail.

use std::path::PathBuf;

/// An e-mail could not be built or delivered.
///
/// Every variant except [`MailError::Transport`] happens before any network I/O.
/// [`MailError::is_permanent`] tells a job whether a retry could help.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A recipient or the configured sender is not a valid address.
    #[error("invalid e-mail address {address:?}: {source}")]
    InvalidAddress {
        address: String,
        #[source]
        source: lettre::address::AddressError,
    },
    /// The message could not be assembled (for example it has no recipient).
    #[error("building the e-mail: {0}")]
    Build(#[from] lettre::error::Error),
    /// An attachment's content type is not a valid MIME type.
    #[error("attachment {filename:?} has an invalid content type {content_type:?}")]
    ContentType {
        filename: String,
        content_type: String,
    },
    /// The SMTP conversation failed: connection, TLS, authentication or a reply
    /// code from the server.
    #[error("SMTP delivery failed: {0}")]
    Transport(#[source] lettre::transport::smtp::Error),
    /// The server accepted the connection but did not answer a NOOP.
    #[error("SMTP server {server} did not answer")]
    NotResponding { server: String },
    /// An attachment file of a job payload could not be read.
    #[error("reading attachment {}: {source}", path.display())]
    Attachment {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// One attachment alone is larger than the per-message limit.
    #[error("attachment {filename:?} is {bytes} bytes, over the {limit}-byte limit per e-mail")]
    AttachmentTooLarge {
        filename: String,
        bytes: usize,
        limit: usize,
    },
}

impl MailError {
    /// True when sending the same e-mail again cannot succeed: bad input, or a
    /// 5xx reply from the server. Connection failures, timeouts and 4xx replies
    /// are worth retrying.
    pub fn is_permanent(&self) -> bool {
        match self {
            MailError::InvalidAddress { .. }
            | MailError::Build(_)
            | MailError::ContentType { .. }
            | MailError::AttachmentTooLarge { .. } => true,
            MailError::Transport(error) => error.is_permanent(),
            MailError::NotResponding { .. } => false,
            // A file that is missing now will not appear later; other I/O errors may pass.
            MailError::Attachment { source, .. } => source.kind() == std::io::ErrorKind::NotFound,
        }
    }
}

impl From<lettre::transport::smtp::Error> for MailError {
    fn from(error: lettre::transport::smtp::Error) -> Self {
        MailError::Transport(error)
    }
}
