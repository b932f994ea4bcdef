//! Chats waiting for an account's next report (`adlib_requests`).

use std::collections::HashSet;

use super::{client, Request};
use crate::db::Pool;

/// Registers a chat waiting for the account's next report.
pub async fn add_request(
    pool: &Pool,
    account_id: i64,
    chat_id: i64,
    lang: &str,
) -> anyhow::Result<i64> {
    let row = client(pool)
        .await?
        .query_one(
            "INSERT INTO adlib_requests (account_id, chat_id, lang) VALUES ($1, $2, $3) RETURNING id",
            &[&account_id, &chat_id, &lang],
        )
        .await?;
    Ok(row.get(0))
}

/// Marks every waiting request of the account as served by `capture_id` and
/// returns them (one per chat).
pub async fn take_requests(
    pool: &Pool,
    account_id: i64,
    capture_id: i64,
) -> anyhow::Result<Vec<Request>> {
    let rows = client(pool)
        .await?
        .query(
            "UPDATE adlib_requests SET served_by = $2, served_at = now()
             WHERE account_id = $1 AND served_at IS NULL RETURNING id, chat_id, lang",
            &[&account_id, &capture_id],
        )
        .await?;
    let mut seen = HashSet::new();
    Ok(rows
        .iter()
        .map(|r| Request {
            id: r.get(0),
            chat_id: r.get(1),
            lang: r.get(2),
        })
        .filter(|r| seen.insert(r.chat_id))
        .collect())
}
