//! Connected accounts and their campaigns; the one token per account, renewed
//! under a row lock so two workers never both refresh (a refresh kills the
//! old token).

use anyhow::Context;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use secrecy::{ExposeSecret, SecretString};
use tokio_postgres::Row;

use super::client::{Credentials, TokenSet, VkClient, VkError, VkObject};
use super::crypto::Sealer;
use crate::db::Pool;
use crate::jobs::AppJob;

/// A connected account as the bot shows it (no secrets).
#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    /// Database id.
    pub id: i64,
    /// The owner chat: it manages the account and gets its reports.
    pub chat_id: i64,
    /// Unique in the chat.
    pub name: String,
    /// `own`, `agency` or `legacy` (a token of the old API).
    pub kind: String,
    /// The client id of the API access; for `legacy`, the ad account id.
    pub client_id: String,
    /// `ok` or `reconnect`.
    pub status: String,
    /// Where digests are also e-mailed.
    pub digest_email: Option<String>,
    /// Set after the old API's daily limit (error 601): no request before then.
    pub paused_until: Option<DateTime<Utc>>,
}

impl Account {
    /// Whether the account goes through the old `api.vk.com` API.
    pub fn is_legacy(&self) -> bool {
        self.kind == "legacy"
    }
}

const COLUMNS: &str = "id, chat_id, name, kind, client_id, status, digest_email, paused_until";

fn account(row: &Row) -> anyhow::Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        chat_id: row.try_get("chat_id")?,
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        client_id: row.try_get("client_id")?,
        status: row.try_get("status")?,
        digest_email: row.try_get("digest_email")?,
        paused_until: row.try_get("paused_until")?,
    })
}

/// Saves verified credentials and their first token. Connecting the same
/// account (same name in the chat) again replaces its credentials: that is
/// how an account is reconnected.
pub async fn save(
    pool: &Pool,
    sealer: &Sealer,
    chat_id: i64,
    name: &str,
    creds: &Credentials,
    token: &TokenSet,
) -> anyhow::Result<i64> {
    let client = pool.get().await.context("connecting to the database")?;
    let kind = if creds.agency_client_name.is_some() {
        "agency"
    } else {
        "own"
    };
    let expires = Utc::now() + ChronoDuration::seconds(token.expires_in);
    let row = client
        .query_one(
            "INSERT INTO vk_accounts (chat_id, name, kind, client_id, client_secret_enc,
                 agency_client_name, access_token_enc, refresh_token_enc, token_expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (chat_id, name) DO UPDATE SET kind = EXCLUDED.kind,
                 client_id = EXCLUDED.client_id, client_secret_enc = EXCLUDED.client_secret_enc,
                 agency_client_name = EXCLUDED.agency_client_name,
                 access_token_enc = EXCLUDED.access_token_enc,
                 refresh_token_enc = EXCLUDED.refresh_token_enc,
                 token_expires_at = EXCLUDED.token_expires_at, status = 'ok', updated_at = now()
             RETURNING id",
            &[
                &chat_id,
                &name,
                &kind,
                &creds.client_id,
                &sealer.seal(creds.client_secret.expose_secret()),
                &creds.agency_client_name,
                &sealer.seal(token.access_token.expose_secret()),
                &token
                    .refresh_token
                    .as_ref()
                    .map(|t| sealer.seal(t.expose_secret())),
                &expires,
            ],
        )
        .await
        .context("saving a VK account")?;
    Ok(row.try_get(0)?)
}

/// The chat's accounts, by name.
pub async fn list_for_chat(pool: &Pool, chat_id: i64) -> anyhow::Result<Vec<Account>> {
    let client = pool.get().await.context("connecting to the database")?;
    let sql = format!("SELECT {COLUMNS} FROM vk_accounts WHERE chat_id = $1 ORDER BY name, id");
    let rows = client
        .query(&sql, &[&chat_id])
        .await
        .context("listing VK accounts")?;
    rows.iter().map(account).collect()
}

/// One account of the chat (`None` for another chat's account).
pub async fn get(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<Option<Account>> {
    let client = pool.get().await.context("connecting to the database")?;
    let sql = format!("SELECT {COLUMNS} FROM vk_accounts WHERE id = $1 AND chat_id = $2");
    let row = client
        .query_opt(&sql, &[&id, &chat_id])
        .await
        .context("reading a VK account")?;
    row.as_ref().map(account).transpose()
}

/// The chat's account named `reference` (case-insensitive), or with that id
/// (`3` or `#3`).
pub async fn find(pool: &Pool, chat_id: i64, reference: &str) -> anyhow::Result<Option<Account>> {
    let reference = reference.trim();
    let accounts = list_for_chat(pool, chat_id).await?;
    let id: Option<i64> = reference.trim_start_matches('#').parse().ok();
    Ok(accounts
        .into_iter()
        .find(|a| a.name.eq_ignore_ascii_case(reference) || Some(a.id) == id))
}

/// Deletes the account, its campaigns and its digests; whether it existed.
pub async fn delete(pool: &Pool, chat_id: i64, id: i64) -> anyhow::Result<bool> {
    let mut client = pool.get().await.context("connecting to the database")?;
    let tx = client.transaction().await?;
    tx.execute(
        "DELETE FROM schedules WHERE chat_id = $1 AND job_type = $2 AND target->>'account_id' = $3",
        &[
            &chat_id,
            &super::jobs::VkDigest::IDENTIFIER,
            &id.to_string(),
        ],
    )
    .await
    .context("deleting the account's digests")?;
    let deleted = tx
        .execute(
            "DELETE FROM vk_accounts WHERE id = $1 AND chat_id = $2",
            &[&id, &chat_id],
        )
        .await
        .context("deleting a VK account")?;
    tx.commit().await?;
    Ok(deleted == 1)
}

/// The stored credentials of a VK Ads (`own` / `agency`) account; `None`
/// for a legacy account or one that no longer exists.
pub async fn credentials(
    pool: &Pool,
    sealer: &Sealer,
    id: i64,
) -> anyhow::Result<Option<Credentials>> {
    let client = pool.get().await.context("connecting to the database")?;
    let row = client
        .query_opt(
            "SELECT client_id, client_secret_enc, agency_client_name FROM vk_accounts
             WHERE id = $1 AND kind <> 'legacy'",
            &[&id],
        )
        .await
        .context("reading VK credentials")?;
    let Some(row) = row else {
        return Ok(None);
    };
    let secret: Option<Vec<u8>> = row.try_get("client_secret_enc")?;
    let Some(secret) = secret else {
        return Ok(None);
    };
    Ok(Some(Credentials {
        client_id: row.try_get("client_id")?,
        client_secret: sealer.open(&secret)?,
        agency_client_name: row.try_get("agency_client_name")?,
    }))
}

/// Marks the account as needing a reconnect (credentials rejected).
pub async fn set_status(pool: &Pool, id: i64, status: &str) -> anyhow::Result<()> {
    let client = pool.get().await.context("connecting to the database")?;
    client
        .execute(
            "UPDATE vk_accounts SET status = $2, updated_at = now() WHERE id = $1",
            &[&id, &status],
        )
        .await
        .context("updating a VK account")?;
    Ok(())
}

/// Sets or clears the address digests are also e-mailed to.
pub async fn set_digest_email(pool: &Pool, id: i64, email: Option<&str>) -> anyhow::Result<()> {
    let client = pool.get().await.context("connecting to the database")?;
    client
        .execute(
            "UPDATE vk_accounts SET digest_email = $2, updated_at = now() WHERE id = $1",
            &[&id, &email],
        )
        .await
        .context("updating a VK account")?;
    Ok(())
}

/// Replaces the stored campaign list of an account.
pub async fn store_campaigns(
    pool: &Pool,
    account_id: i64,
    items: &[VkObject],
) -> anyhow::Result<()> {
    let mut client = pool.get().await.context("connecting to the database")?;
    let tx = client.transaction().await?;
    tx.execute(
        "DELETE FROM vk_campaigns WHERE account_id = $1",
        &[&account_id],
    )
    .await?;
    let ids: Vec<i64> = items.iter().map(|c| c.id).collect();
    let names: Vec<&str> = items.iter().map(|c| c.name.as_str()).collect();
    let statuses: Vec<&str> = items.iter().map(|c| c.status.as_str()).collect();
    tx.execute(
        "INSERT INTO vk_campaigns (account_id, id, name, status)
         SELECT $1, * FROM unnest($2::BIGINT[], $3::TEXT[], $4::TEXT[])
         ON CONFLICT DO NOTHING",
        &[&account_id, &ids, &names, &statuses],
    )
    .await
    .context("storing campaigns")?;
    tx.commit().await.context("storing campaigns")?;
    Ok(())
}

/// The stored campaigns of an account, active first, then by name.
pub async fn campaigns(pool: &Pool, account_id: i64) -> anyhow::Result<Vec<VkObject>> {
    let client = pool.get().await.context("connecting to the database")?;
    let rows = client
        .query(
            "SELECT id, name, status FROM vk_campaigns WHERE account_id = $1
             ORDER BY status <> 'active', name, id",
            &[&account_id],
        )
        .await
        .context("listing campaigns")?;
    rows.iter()
        .map(|r| {
            Ok(VkObject {
                id: r.try_get(0)?,
                name: r.try_get(1)?,
                status: r.try_get(2)?,
            })
        })
        .collect()
}

/// A usable access token for the account. The stored token is reused while
/// it has more than 5 minutes left; otherwise (or when `failed` is the stored
/// token, i.e. the API just refused it) it is refreshed, or re-issued by
/// client credentials when the refresh token is refused, all while the
/// account row is locked. A worker that waited on the lock finds the token
/// already renewed and uses it.
pub async fn access_token(
    pool: &Pool,
    sealer: &Sealer,
    vk: &VkClient,
    account_id: i64,
    failed: Option<&SecretString>,
) -> anyhow::Result<SecretString> {
    let mut client = pool.get().await.context("connecting to the database")?;
    let tx = client.transaction().await?;
    let row = tx
        .query_opt(
            "SELECT client_id, client_secret_enc, agency_client_name, access_token_enc,
                    refresh_token_enc, token_expires_at > now() + interval '5 minutes' AS fresh
             FROM vk_accounts WHERE id = $1 FOR UPDATE",
            &[&account_id],
        )
        .await
        .context("locking the VK account")?
        .ok_or_else(|| anyhow::anyhow!("VK account {account_id} no longer exists"))?;
    let stored: Option<Vec<u8>> = row.try_get("access_token_enc")?;
    let stored = stored.map(|s| sealer.open(&s)).transpose()?;
    let fresh: Option<bool> = row.try_get("fresh")?;
    if let Some(token) = stored {
        let refused = failed.is_some_and(|f| f.expose_secret() == token.expose_secret());
        if fresh == Some(true) && !refused {
            return Ok(token);
        }
        if !refused && failed.is_some() {
            // Another worker renewed it meanwhile.
            return Ok(token);
        }
    }
    let secret: Option<Vec<u8>> = row.try_get("client_secret_enc")?;
    let secret = secret.ok_or_else(|| anyhow::anyhow!("VK account {account_id} has no secret"))?;
    let creds = Credentials {
        client_id: row.try_get("client_id")?,
        client_secret: sealer.open(&secret)?,
        agency_client_name: row.try_get("agency_client_name")?,
    };
    let refresh: Option<Vec<u8>> = row.try_get("refresh_token_enc")?;
    let renewed = match refresh.map(|r| sealer.open(&r)).transpose()? {
        Some(refresh) => match vk.refresh(&creds, &refresh).await {
            Err(VkError::InvalidCredentials(_) | VkError::TokenExpired(_)) => {
                vk.token(&creds).await
            }
            other => other,
        },
        None => vk.token(&creds).await,
    };
    let token = renewed?;
    let expires = Utc::now() + ChronoDuration::seconds(token.expires_in);
    tx.execute(
        "UPDATE vk_accounts SET access_token_enc = $2, refresh_token_enc = COALESCE($3, refresh_token_enc),
             token_expires_at = $4, updated_at = now() WHERE id = $1",
        &[
            &account_id,
            &sealer.seal(token.access_token.expose_secret()),
            &token.refresh_token.as_ref().map(|t| sealer.seal(t.expose_secret())),
            &expires,
        ],
    )
    .await
    .context("storing the renewed VK token")?;
    tx.commit().await.context("storing the renewed VK token")?;
    Ok(token.access_token)
}
