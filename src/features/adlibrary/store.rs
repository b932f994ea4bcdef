//! The feature's tables (migration `V40__adlibrary.sql`): accounts, competitor
//! pages, ads keyed by Library ID per page, captures and their requesters.
//!
//! - [`accounts`]: accounts and their competitors;
//! - [`captures`]: a capture's life: start, each page's ads and diff, finish,
//!   expiry;
//! - [`history`]: reading past captures (reuse, the "last reports" list);
//! - [`requests`]: chats waiting for an account's report.

mod accounts;
mod captures;
mod history;
mod requests;

use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

use crate::db::Pool;

pub use accounts::*;
pub use captures::*;
pub use history::*;
pub use requests::*;

/// A client account (shared by the whole team).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i64,
    /// Unique regardless of case.
    pub name: String,
    /// Report e-mail addresses.
    pub emails: Vec<String>,
    /// ISO-2 upper case or `ALL`.
    pub country: String,
    /// Ad Library `media_type` (one of [`crate::features::adlibrary::input::MEDIA_TYPES`]),
    /// set on the account card; every competitor page is opened with it.
    pub media_type: String,
    /// False when paused: scheduled captures skip the account (a capture
    /// asked for explicitly still runs).
    pub active: bool,
}

/// A competitor page of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competitor {
    /// `view_all_page_id`.
    pub page_id: String,
    pub display_name: Option<String>,
    pub note: Option<String>,
}

/// A finished or running capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    pub id: i64,
    pub account_id: i64,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `ok`, `degraded` or `failed`.
    pub status: String,
    pub error: Option<String>,
    pub report_paths: Vec<PathBuf>,
}

/// A chat waiting for an account's report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub id: i64,
    pub chat_id: i64,
    /// Language code of the requester.
    pub lang: String,
}

const ACCOUNT: &str = "id, name, emails, country, media_type, active";

fn account(row: &Row) -> anyhow::Result<Account> {
    Ok(Account {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        emails: row.try_get("emails")?,
        country: row.try_get("country")?,
        media_type: row.try_get("media_type")?,
        active: row.try_get("active")?,
    })
}

const CAPTURE: &str = "id, account_id, started_at, finished_at, status, error, report_paths";

fn capture(row: &Row) -> anyhow::Result<Capture> {
    let paths: Vec<String> = row.try_get("report_paths")?;
    Ok(Capture {
        id: row.try_get("id")?,
        account_id: row.try_get("account_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        status: row.try_get("status")?,
        error: row.try_get("error")?,
        report_paths: paths.into_iter().map(PathBuf::from).collect(),
    })
}

async fn client(pool: &Pool) -> anyhow::Result<deadpool_postgres::Object> {
    pool.get().await.context("connecting to the database")
}
