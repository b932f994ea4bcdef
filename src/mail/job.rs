//! The queued e-mail job (`mail_send`); `app.rs` registers it with the
//! [`Mailer`] as worker state.

use super::{send_payload, EmailJobPayload, Mailer};
use crate::jobs::{permanent, AppJob, JobCtx};

/// The e-mail job: its payload is an [`EmailJobPayload`].
pub type SendEmail = EmailJobPayload;

impl AppJob for EmailJobPayload {
    const IDENTIFIER: &'static str = "mail_send";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let mailer = ctx.state::<Mailer>().map_err(|_| {
            permanent(anyhow::anyhow!(
                "e-mail is not configured (smtp.host is empty)"
            ))
        })?;
        let Err(error) = send_payload(mailer, &self).await else {
            return Ok(());
        };
        let is_permanent = error.is_permanent();
        let error = anyhow::Error::new(error).context(format!("e-mailing {}", self.to.join(", ")));
        Err(if is_permanent {
            permanent(error)
        } else {
            error
        })
    }
}
