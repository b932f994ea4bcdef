//! Storage of accounts connected through the old API (`kind = 'legacy'`):
//! the sealed user token in `access_token_enc`, the ad account id in
//! `client_id`, and the pause after error 601 (`paused_until`).

use anyhow::Context;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};

use super::crypto::Sealer;
use super::legacy::LegacyAccount;
use crate::db::Pool;

/// Saves (or, for the same ad account in the chat, replaces the token of) a
/// legacy account; clears a reconnect mark and a pause. Returns its id and
/// name. The name is the ad account's name, with `#id` added when the chat
/// already has another account of that name.
pub async fn save(
    pool: &Pool,
    sealer: &Sealer,
    chat_id: i64,
    account: &LegacyAccount,
    token: &SecretString,
) -> anyhow::Result<(i64, String)> {
    let client = pool.get().await.context("connecting to the database")?;
    let sealed = sealer.seal(token.expose_secret());
    let ad_account = account.account_id.to_string();
    let updated = client
        .query_opt(
            "UPDATE vk_accounts SET access_token_enc = $3, status = 'ok', paused_until = NULL,
                 updated_at = now()
             WHERE chat_id = $1 AND kind = 'legacy' AND client_id = $2 RETURNING id, name",
            &[&chat_id, &ad_account, &sealed],
        )
        .await
        .context("updating a legacy VK account")?;
    if let Some(row) = updated {
        return Ok((row.try_get(0)?, row.try_get(1)?));
    }
    let base = if account.name.trim().is_empty() {
        format!("VK {}", account.account_id)
    } else {
        account.name.trim().to_string()
    };
    for name in [base.clone(), format!("{base} #{}", account.account_id)] {
        let inserted = client
            .query_opt(
                "INSERT INTO vk_accounts (chat_id, name, kind, client_id, access_token_enc)
                 VALUES ($1, $2, 'legacy', $3, $4)
                 ON CONFLICT (chat_id, name) DO NOTHING RETURNING id",
                &[&chat_id, &name, &ad_account, &sealed],
            )
            .await
            .context("saving a legacy VK account")?;
        if let Some(row) = inserted {
            return Ok((row.try_get(0)?, name));
        }
    }
    anyhow::bail!(
        "the chat already has accounts named {base:?} and \"{base} #{}\"",
        account.account_id
    )
}

/// The stored user token of a legacy account.
pub async fn token(pool: &Pool, sealer: &Sealer, id: i64) -> anyhow::Result<SecretString> {
    let client = pool.get().await.context("connecting to the database")?;
    let row = client
        .query_opt(
            "SELECT access_token_enc FROM vk_accounts WHERE id = $1 AND kind = 'legacy'",
            &[&id],
        )
        .await
        .context("reading a legacy VK token")?
        .ok_or_else(|| anyhow::anyhow!("legacy VK account {id} no longer exists"))?;
    let sealed: Option<Vec<u8>> = row.try_get(0)?;
    let sealed = sealed.ok_or_else(|| anyhow::anyhow!("legacy VK account {id} has no token"))?;
    Ok(sealer.open(&sealed)?)
}

/// No request for the account before `until` (the old API's daily limit).
pub async fn pause(pool: &Pool, id: i64, until: DateTime<Utc>) -> anyhow::Result<()> {
    let client = pool.get().await.context("connecting to the database")?;
    client
        .execute(
            "UPDATE vk_accounts SET paused_until = $2, updated_at = now() WHERE id = $1",
            &[&id, &until],
        )
        .await
        .context("pausing a legacy VK account")?;
    Ok(())
}

/// When VK's daily limits renew after `now`: the next midnight in Moscow.
pub fn next_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::{Days, TimeZone};
    let moscow = chrono_tz::Europe::Moscow;
    let tomorrow = now.with_timezone(&moscow).date_naive() + Days::new(1);
    moscow
        .from_local_datetime(&tomorrow.and_time(chrono::NaiveTime::MIN))
        .earliest()
        .map_or(now + chrono::Duration::hours(24), |t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_daily_limit_renews_at_the_next_moscow_midnight() {
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default()
        };
        // 20:59 UTC is 23:59 in Moscow: midnight is a minute away.
        assert_eq!(
            next_day_start(at("2024-05-01T20:59:00Z")),
            at("2024-05-01T21:00:00Z")
        );
        // 21:00 UTC is already the next Moscow day.
        assert_eq!(
            next_day_start(at("2024-05-01T21:00:00Z")),
            at("2024-05-02T21:00:00Z")
        );
    }
}
