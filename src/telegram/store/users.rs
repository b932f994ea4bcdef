//! People who wrote to the bot, their language and their role.
//!
//! A user's private chat with the bot has the same id as the user, which is
//! how [`members_with_active_chats`] finds where to broadcast.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde_json::json;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::{audit, StoreError};
use crate::db::Pool;

/// What a user may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Listed in config or promoted: everything, including admin commands.
    Admin,
    /// Approved by an admin: every feature.
    Member,
    /// Wrote to the bot and waits for an admin's decision: nothing else.
    Pending,
    /// Access withdrawn by an admin: nothing.
    Revoked,
}

impl Role {
    /// The role as stored in the database (`users.role`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Member => "member",
            Role::Pending => "pending",
            Role::Revoked => "revoked",
        }
    }

    /// Whether the role may use the bot's features.
    pub fn has_access(self) -> bool {
        matches!(self, Role::Admin | Role::Member)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "admin" => Ok(Role::Admin),
            "member" => Ok(Role::Member),
            "pending" => Ok(Role::Pending),
            "revoked" => Ok(Role::Revoked),
            other => Err(StoreError::Invalid(format!("unknown role {other:?}"))),
        }
    }
}

/// The languages the bot speaks, as stored in `users.language`.
pub const LANGUAGES: [&str; 2] = ["en", "ru"];

/// The bot's language for a Telegram `language_code`: Russian for `ru*`,
/// English for everything else (including no code).
pub fn language_for(language_code: Option<&str>) -> &'static str {
    match language_code {
        Some(code) if code.to_ascii_lowercase().starts_with("ru") => "ru",
        _ => "en",
    }
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    /// Telegram user id; also the id of their private chat with the bot.
    pub telegram_id: i64,
    /// `@username` without the `@`, when they have one.
    pub username: Option<String>,
    /// First name as Telegram last reported it.
    pub first_name: String,
    /// Last name as Telegram last reported it.
    pub last_name: Option<String>,
    /// `"en"` or `"ru"` (see [`LANGUAGES`]).
    pub language: String,
    /// What they may do.
    pub role: Role,
    /// First seen.
    pub created_at: DateTime<Utc>,
    /// Last change of names, language or role.
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str =
    "telegram_id, username, first_name, last_name, language, role, created_at, updated_at";

fn from_row(row: &Row) -> Result<User, StoreError> {
    let role: &str = row.try_get("role")?;
    Ok(User {
        telegram_id: row.try_get("telegram_id")?,
        username: row.try_get("username")?,
        first_name: row.try_get("first_name")?,
        last_name: row.try_get("last_name")?,
        language: row.try_get("language")?,
        role: role.parse()?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Records that a user wrote to the bot and returns them as stored.
///
/// New users are `pending` (or `admin` when their id is in `admins`, the
/// config's list) with the language [`language_for`] their Telegram code.
/// Known users get their names refreshed; their role and language are kept,
/// except that config admins are always promoted to admin (audited).
/// Nothing is written when nothing changed, so calling this on every update
/// is cheap.
pub async fn upsert_seen(
    pool: &Pool,
    telegram_id: i64,
    username: Option<&str>,
    first_name: &str,
    last_name: Option<&str>,
    language_code: Option<&str>,
    admins: &[i64],
) -> Result<User, StoreError> {
    let is_admin = admins.contains(&telegram_id);
    let role = if is_admin { Role::Admin } else { Role::Pending };
    let client = pool.get().await?;
    // `prev` and the fallback branch read the snapshot from before the upsert:
    // the old role for the audit, and the row as is when nothing changed.
    let sql = format!(
        "WITH prev AS (SELECT role FROM users WHERE telegram_id = $1),
         up AS (
           INSERT INTO users (telegram_id, username, first_name, last_name, language, role)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (telegram_id) DO UPDATE SET
             username = EXCLUDED.username,
             first_name = EXCLUDED.first_name,
             last_name = EXCLUDED.last_name,
             role = CASE WHEN $7 THEN 'admin' ELSE users.role END,
             updated_at = now()
           WHERE (users.username, users.first_name, users.last_name)
                 IS DISTINCT FROM (EXCLUDED.username, EXCLUDED.first_name, EXCLUDED.last_name)
              OR ($7 AND users.role <> 'admin')
           RETURNING {COLUMNS}
         )
         SELECT {COLUMNS}, (SELECT role FROM prev) AS previous_role FROM up
         UNION ALL
         SELECT {COLUMNS}, role AS previous_role FROM users
         WHERE telegram_id = $1 AND NOT EXISTS (SELECT 1 FROM up)"
    );
    let language = language_for(language_code);
    let params: [&(dyn ToSql + Sync); 7] = [
        &telegram_id,
        &username,
        &first_name,
        &last_name,
        &language,
        &role.as_str(),
        &is_admin,
    ];
    let mut found = client.query_opt(&sql, &params).await?;
    if found.is_none() {
        // A concurrent first contact inserted the row after our snapshot was
        // taken and nothing changed: a new statement sees it.
        found = client.query_opt(&sql, &params).await?;
    }
    let row = found.ok_or(StoreError::NotFound)?;
    let user = from_row(&row)?;
    let previous: Option<&str> = row.try_get("previous_role")?;
    if let Some(previous) = previous.filter(|p| *p != user.role.as_str()) {
        let details = json!({"user": telegram_id, "from": previous, "to": user.role.as_str(), "by": "config"});
        audit::record(&**client, None, "user.role", details).await?;
    }
    Ok(user)
}

/// One user by Telegram id.
pub async fn get(pool: &Pool, telegram_id: i64) -> Result<Option<User>, StoreError> {
    let client = pool.get().await?;
    let sql = format!("SELECT {COLUMNS} FROM users WHERE telegram_id = $1");
    let row = client.query_opt(&sql, &[&telegram_id]).await?;
    row.as_ref().map(from_row).transpose()
}

/// The user's role, `None` when they never wrote to the bot. The access
/// check's fast path: one indexed read of one column.
pub async fn role_of(pool: &Pool, telegram_id: i64) -> Result<Option<Role>, StoreError> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "SELECT role FROM users WHERE telegram_id = $1",
            &[&telegram_id],
        )
        .await?;
    match row {
        Some(row) => Ok(Some(row.try_get::<_, &str>(0)?.parse()?)),
        None => Ok(None),
    }
}

/// An admin's decision: sets the user's role and records who decided, with
/// an audit entry in the same transaction (both or neither are stored).
/// [`StoreError::NotFound`] when the user never wrote to the bot.
pub async fn set_role(
    pool: &Pool,
    actor: i64,
    telegram_id: i64,
    role: Role,
) -> Result<User, StoreError> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let previous = tx
        .query_opt(
            "SELECT role FROM users WHERE telegram_id = $1 FOR UPDATE",
            &[&telegram_id],
        )
        .await?
        .ok_or(StoreError::NotFound)?;
    let previous: String = previous.try_get(0)?;
    let sql = format!(
        "UPDATE users SET role = $2, decided_at = now(), decided_by = $3, updated_at = now()
         WHERE telegram_id = $1 RETURNING {COLUMNS}"
    );
    let row = tx
        .query_one(&sql, &[&telegram_id, &role.as_str(), &actor])
        .await?;
    let user = from_row(&row)?;
    let details = json!({"user": telegram_id, "from": previous, "to": role.as_str()});
    audit::record(&*tx, Some(actor), "user.role", details).await?;
    tx.commit().await?;
    Ok(user)
}

/// Changes the user's language (`"en"` or `"ru"`, else
/// [`StoreError::Invalid`]); [`StoreError::NotFound`] for an unknown user.
pub async fn set_language(pool: &Pool, telegram_id: i64, language: &str) -> Result<(), StoreError> {
    if !LANGUAGES.contains(&language) {
        return Err(StoreError::Invalid(format!(
            "unsupported language {language:?}"
        )));
    }
    let client = pool.get().await?;
    let updated = client
        .execute(
            "UPDATE users SET language = $2, updated_at = now() WHERE telegram_id = $1",
            &[&telegram_id, &language],
        )
        .await?;
    if updated == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// One page of users for the admin list: pending users first (they need a
/// decision), then everyone by first contact. Returns the page and the total
/// number of users.
pub async fn list(pool: &Pool, offset: i64, limit: i64) -> Result<(Vec<User>, i64), StoreError> {
    let client = pool.get().await?;
    let sql = format!(
        "SELECT {COLUMNS} FROM users
         ORDER BY (role <> 'pending'), created_at, telegram_id OFFSET $1 LIMIT $2"
    );
    let rows = client.query(&sql, &[&offset.max(0), &limit.max(0)]).await?;
    let total: i64 = client
        .query_one("SELECT count(*) FROM users", &[])
        .await?
        .try_get(0)?;
    let users = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    Ok((users, total))
}

async fn with_role(pool: &Pool, role: Role) -> Result<Vec<User>, StoreError> {
    let client = pool.get().await?;
    let sql =
        format!("SELECT {COLUMNS} FROM users WHERE role = $1 ORDER BY created_at, telegram_id");
    let rows = client.query(&sql, &[&role.as_str()]).await?;
    rows.iter().map(from_row).collect()
}

/// Users waiting for an admin's decision, oldest first.
pub async fn pending(pool: &Pool) -> Result<Vec<User>, StoreError> {
    with_role(pool, Role::Pending).await
}

/// Admins (config ones included once they wrote to the bot), oldest first.
pub async fn admins(pool: &Pool) -> Result<Vec<User>, StoreError> {
    with_role(pool, Role::Admin).await
}

/// Private chat ids of members and admins whose chat with the bot is active:
/// the audience of `/broadcast`. Ordered by id.
pub async fn members_with_active_chats(pool: &Pool) -> Result<Vec<i64>, StoreError> {
    let client = pool.get().await?;
    let rows = client
        .query(
            "SELECT c.id FROM users u JOIN chats c ON c.id = u.telegram_id
             WHERE u.role IN ('admin', 'member') AND c.kind = 'private' AND c.active
             ORDER BY c.id",
            &[],
        )
        .await?;
    rows.iter()
        .map(|row| row.try_get(0).map_err(StoreError::from))
        .collect()
}
