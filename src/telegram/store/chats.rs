//! Chats the bot is in: kind, title, whether messages can still be delivered,
//! and the timezone schedules in the chat use by default.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio_postgres::Row;

use super::{audit, StoreError};
use crate::db::Pool;

/// Telegram's chat kinds, as stored in `chats.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChatKind {
    /// A one-to-one chat with a user; its id is the user's id.
    Private,
    /// A basic group.
    Group,
    /// A supergroup.
    Supergroup,
    /// A channel.
    Channel,
}

impl ChatKind {
    /// The kind as stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ChatKind::Private => "private",
            ChatKind::Group => "group",
            ChatKind::Supergroup => "supergroup",
            ChatKind::Channel => "channel",
        }
    }

    /// The kind of a chat as Telegram describes it.
    pub fn of(chat: &teloxide::types::Chat) -> Self {
        if chat.is_private() {
            ChatKind::Private
        } else if chat.is_supergroup() {
            ChatKind::Supergroup
        } else if chat.is_channel() {
            ChatKind::Channel
        } else {
            ChatKind::Group
        }
    }
}

impl fmt::Display for ChatKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ChatKind {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "private" => Ok(ChatKind::Private),
            "group" => Ok(ChatKind::Group),
            "supergroup" => Ok(ChatKind::Supergroup),
            "channel" => Ok(ChatKind::Channel),
            other => Err(StoreError::Invalid(format!("unknown chat kind {other:?}"))),
        }
    }
}

/// A chat as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Chat {
    /// Telegram chat id.
    pub id: i64,
    /// What kind of chat it is.
    pub kind: ChatKind,
    /// Group or channel title; `None` for private chats.
    pub title: Option<String>,
    /// False once delivery failed for good (bot blocked, kicked, chat deleted).
    pub active: bool,
    /// Why the chat was deactivated, while it is inactive.
    pub inactive_reason: Option<String>,
    /// IANA timezone name, `UTC` unless changed.
    pub timezone: String,
    /// First seen.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, kind, title, active, inactive_reason, timezone, created_at, updated_at";

fn from_row(row: &Row) -> Result<Chat, StoreError> {
    let kind: &str = row.try_get("kind")?;
    Ok(Chat {
        id: row.try_get("id")?,
        kind: kind.parse()?,
        title: row.try_get("title")?,
        active: row.try_get("active")?,
        inactive_reason: row.try_get("inactive_reason")?,
        timezone: row.try_get("timezone")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Records a chat the bot got an update from; refreshes kind and title of a
/// known chat (a group may become a supergroup, titles change). Does not
/// touch `active`: reactivation is an explicit [`set_active`].
pub async fn upsert(
    pool: &Pool,
    id: i64,
    kind: ChatKind,
    title: Option<&str>,
) -> Result<Chat, StoreError> {
    let client = pool.get().await?;
    let sql = format!(
        "INSERT INTO chats (id, kind, title) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, title = EXCLUDED.title,
           updated_at = now()
         RETURNING {COLUMNS}"
    );
    let row = client
        .query_one(&sql, &[&id, &kind.as_str(), &title])
        .await?;
    from_row(&row)
}

/// One chat by id.
pub async fn get(pool: &Pool, id: i64) -> Result<Option<Chat>, StoreError> {
    let client = pool.get().await?;
    let sql = format!("SELECT {COLUMNS} FROM chats WHERE id = $1");
    let row = client.query_opt(&sql, &[&id]).await?;
    row.as_ref().map(from_row).transpose()
}

/// Marks a chat deliverable or not.
///
/// Deactivating (with a `reason`, e.g. "bot blocked") also pauses every
/// schedule of the chat and writes an audit entry, all in one transaction;
/// returns how many schedules it paused. Reactivating clears the reason but
/// leaves schedules paused: the chat's owner resumes the ones still wanted.
/// [`StoreError::NotFound`] for an unknown chat.
pub async fn set_active(
    pool: &Pool,
    id: i64,
    active: bool,
    reason: Option<&str>,
) -> Result<u64, StoreError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let reason = if active { None } else { reason };
    let updated = tx
        .execute(
            "UPDATE chats SET active = $2, inactive_reason = $3, updated_at = now() WHERE id = $1",
            &[&id, &active, &reason],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    let mut paused = 0;
    if !active {
        paused = tx
            .execute(
                "UPDATE schedules SET enabled = false, updated_at = now()
                 WHERE chat_id = $1 AND enabled",
                &[&id],
            )
            .await?;
        let details = json!({"chat": id, "reason": reason, "paused_schedules": paused});
        audit::record(&*tx, None, "chat.deactivated", details).await?;
    }
    tx.commit().await?;
    Ok(paused)
}

/// Whether messages can be delivered to the chat; `None` for a chat the bot
/// never saw (the caller decides whether to try).
pub async fn is_active(pool: &Pool, id: i64) -> Result<Option<bool>, StoreError> {
    let client = pool.get().await?;
    let row = client
        .query_opt("SELECT active FROM chats WHERE id = $1", &[&id])
        .await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// The chat's timezone name; `None` for a chat the bot never saw.
pub async fn timezone(pool: &Pool, id: i64) -> Result<Option<String>, StoreError> {
    let client = pool.get().await?;
    let row = client
        .query_opt("SELECT timezone FROM chats WHERE id = $1", &[&id])
        .await?;
    Ok(row.map(|row| row.try_get(0)).transpose()?)
}

/// Sets the chat's timezone. `tz` must already be a valid IANA name (the
/// caller validates it with the message it shows the user); existing
/// schedules keep their own timezone. [`StoreError::NotFound`] for an
/// unknown chat.
pub async fn set_timezone(pool: &Pool, id: i64, tz: &str) -> Result<(), StoreError> {
    let client = pool.get().await?;
    let updated = client
        .execute(
            "UPDATE chats SET timezone = $2, updated_at = now() WHERE id = $1",
            &[&id, &tz],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
