//! Disconnecting an account: its tokens are deleted at VK Ads first
//! (`oauth2/token/delete.json`, best effort: a failure is logged and told,
//! and the account is removed all the same), then the account with its
//! campaigns and digests. A legacy account's user token cannot be revoked
//! through the API: it is only deleted here, and the owner is told so.

use super::jobs::{send, VkDisconnect, VkState};
use super::texts::texts;
use super::{store, VkCallback};
use crate::jobs::JobCtx;
use crate::telegram::caller::language_of_chat;
use crate::telegram::sender::{Button, Outbound};
use crate::telegram::texts::{fill, html};

/// Runs a [`VkDisconnect`].
pub(super) async fn run(ctx: &JobCtx, job: VkDisconnect) -> anyhow::Result<()> {
    let state = ctx.state::<VkState>()?;
    let pool = ctx.pool()?;
    let t = texts(language_of_chat(pool, job.chat_id).await);
    let Some(account) = store::get(pool, job.chat_id, job.account_id).await? else {
        // Already disconnected (a repeated press, or a retry after the delete).
        return Ok(());
    };
    let name = html(&account.name);
    let text = if account.is_legacy() {
        fill(t.disconnected_legacy, &[("name", &name)])
    } else {
        match delete_tokens(state, pool, account.id).await {
            Ok(()) => fill(t.disconnected, &[("name", &name)]),
            Err(reason) => {
                tracing::warn!(
                    account = account.id,
                    %reason,
                    "VK Ads tokens not deleted on disconnect; removing the account anyway"
                );
                fill(
                    t.disconnected_tokens_kept,
                    &[("name", &name), ("reason", &html(&reason))],
                )
            }
        }
    };
    store::delete(pool, job.chat_id, account.id).await?;
    let back = Button {
        text: t.back.into(),
        data: VkCallback::Accounts.data(),
    };
    send(ctx, Outbound::text(job.chat_id, text, vec![vec![back]])).await
}

/// Asks VK Ads to delete the account's tokens; the reason when it could not.
async fn delete_tokens(state: &VkState, pool: &crate::db::Pool, id: i64) -> Result<(), String> {
    let sealer = state
        .sealer
        .as_ref()
        .ok_or_else(|| "vk.encryption_key is not set".to_string())?;
    let creds = store::credentials(pool, sealer, id)
        .await
        .map_err(|e| format!("{e:#}"))?
        .ok_or_else(|| "no stored credentials".to_string())?;
    state
        .client
        .delete_tokens(&creds)
        .await
        .map_err(|e| e.to_string())
}
