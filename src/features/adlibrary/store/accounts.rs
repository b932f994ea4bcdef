//! Accounts and their competitor pages.

use std::path::PathBuf;

use super::{account, client, Account, Competitor, ACCOUNT};
use crate::db::Pool;
use crate::features::adlibrary::input::{PageRef, MEDIA_TYPES};

/// Creates an account; `Ok(None)` when the name (in any case) is taken.
pub async fn create_account(
    pool: &Pool,
    name: &str,
    created_by: Option<i64>,
) -> anyhow::Result<Option<Account>> {
    let sql = format!(
        "INSERT INTO adlib_accounts (name, created_by) VALUES ($1, $2)
         ON CONFLICT ((lower(name))) DO NOTHING RETURNING {ACCOUNT}"
    );
    let row = client(pool)
        .await?
        .query_opt(&sql, &[&name, &created_by])
        .await?;
    row.as_ref().map(account).transpose()
}

/// The account with this name, in any case.
pub async fn account_by_name(pool: &Pool, name: &str) -> anyhow::Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT} FROM adlib_accounts WHERE lower(name) = lower($1)");
    let row = client(pool).await?.query_opt(&sql, &[&name]).await?;
    row.as_ref().map(account).transpose()
}

/// The account with this id.
pub async fn account_by_id(pool: &Pool, id: i64) -> anyhow::Result<Option<Account>> {
    let sql = format!("SELECT {ACCOUNT} FROM adlib_accounts WHERE id = $1");
    let row = client(pool).await?.query_opt(&sql, &[&id]).await?;
    row.as_ref().map(account).transpose()
}

/// One page of accounts by name, and the total count.
pub async fn list_accounts(
    pool: &Pool,
    offset: i64,
    limit: i64,
) -> anyhow::Result<(Vec<Account>, i64)> {
    let c = client(pool).await?;
    let sql =
        format!("SELECT {ACCOUNT} FROM adlib_accounts ORDER BY lower(name) OFFSET $1 LIMIT $2");
    let rows = c.query(&sql, &[&offset, &limit]).await?;
    let total: i64 = c
        .query_one("SELECT count(*) FROM adlib_accounts", &[])
        .await?
        .get(0);
    Ok((
        rows.iter().map(account).collect::<anyhow::Result<_>>()?,
        total,
    ))
}

/// What removing an account left behind: the files of its captures, which
/// the caller removes (screenshots live under `captures/<id>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedAccount {
    /// Ids of the account's captures whose files were not expired yet.
    pub captures: Vec<i64>,
    /// Their report files.
    pub reports: Vec<PathBuf>,
    /// Schedules of any chat that captured this account.
    pub schedules: u64,
}

/// Removes an account with its competitor links, captures and requests
/// (cascade) and every schedule of `schedule_job` whose target is this
/// account, in one transaction. `None` when there was no such account.
/// Pages and ads stay: other accounts may watch the same pages.
pub async fn delete_account(
    pool: &Pool,
    id: i64,
    schedule_job: &str,
) -> anyhow::Result<Option<RemovedAccount>> {
    let mut c = client(pool).await?;
    let tx = c.transaction().await?;
    let captures = tx
        .query(
            "SELECT id, report_paths FROM adlib_captures WHERE account_id = $1 AND NOT expired",
            &[&id],
        )
        .await?;
    let schedules = tx
        .execute(
            "DELETE FROM schedules WHERE job_type = $1
             AND target @> jsonb_build_object('account_id', $2::bigint)",
            &[&schedule_job, &id],
        )
        .await?;
    let deleted = tx
        .execute("DELETE FROM adlib_accounts WHERE id = $1", &[&id])
        .await?;
    if deleted == 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    tx.commit().await?;
    let mut removed = RemovedAccount {
        captures: Vec::with_capacity(captures.len()),
        reports: Vec::new(),
        schedules,
    };
    for row in &captures {
        removed.captures.push(row.try_get(0)?);
        let paths: Vec<String> = row.try_get(1)?;
        removed.reports.extend(paths.into_iter().map(PathBuf::from));
    }
    Ok(Some(removed))
}

/// Replaces the report addresses; false when the account is gone.
pub async fn set_emails(pool: &Pool, id: i64, emails: &[String]) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET emails = $2 WHERE id = $1",
            &[&id, &emails],
        )
        .await?;
    Ok(n == 1)
}

/// Sets the country filter (already validated); false when the account is gone.
pub async fn set_country(pool: &Pool, id: i64, country: &str) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET country = $2 WHERE id = $1",
            &[&id, &country],
        )
        .await?;
    Ok(n == 1)
}

/// Sets the Ad Library `media_type` (one of [`MEDIA_TYPES`]; anything else is
/// an error and changes nothing); false when the account is gone.
pub async fn set_media_type(pool: &Pool, id: i64, media_type: &str) -> anyhow::Result<bool> {
    anyhow::ensure!(
        MEDIA_TYPES.contains(&media_type),
        "not an Ad Library media type: {media_type:?}"
    );
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET media_type = $2 WHERE id = $1",
            &[&id, &media_type],
        )
        .await?;
    Ok(n == 1)
}

/// Pauses (`active = false`: scheduled captures skip the account) or resumes
/// it; false when the account is gone.
pub async fn set_active(pool: &Pool, id: i64, active: bool) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "UPDATE adlib_accounts SET active = $2 WHERE id = $1",
            &[&id, &active],
        )
        .await?;
    Ok(n == 1)
}

/// Adds a competitor to an account; false when it was there already.
pub async fn add_competitor(
    pool: &Pool,
    account_id: i64,
    page: &PageRef,
    note: Option<&str>,
) -> anyhow::Result<bool> {
    let mut c = client(pool).await?;
    let tx = c.transaction().await?;
    tx.execute(
        "INSERT INTO adlib_pages (page_id) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&page.page_id],
    )
    .await?;
    let n = tx
        .execute(
            "INSERT INTO adlib_account_pages (account_id, page_id, note) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&account_id, &page.page_id, &note],
        )
        .await?;
    tx.commit().await?;
    Ok(n == 1)
}

/// Removes a competitor from an account; false when it was not there.
pub async fn remove_competitor(
    pool: &Pool,
    account_id: i64,
    page_id: &str,
) -> anyhow::Result<bool> {
    let n = client(pool)
        .await?
        .execute(
            "DELETE FROM adlib_account_pages WHERE account_id = $1 AND page_id = $2",
            &[&account_id, &page_id],
        )
        .await?;
    Ok(n == 1)
}

/// An account's competitors in the order they were added.
pub async fn competitors(pool: &Pool, account_id: i64) -> anyhow::Result<Vec<Competitor>> {
    let rows = client(pool)
        .await?
        .query(
            "SELECT p.page_id, p.display_name, ap.note FROM adlib_account_pages ap
             JOIN adlib_pages p USING (page_id) WHERE ap.account_id = $1
             ORDER BY ap.added_at, p.page_id",
            &[&account_id],
        )
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Competitor {
                page_id: r.try_get(0)?,
                display_name: r.try_get(1)?,
                note: r.try_get(2)?,
            })
        })
        .collect()
}
