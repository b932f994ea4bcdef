//! Who sent an update and what they may do: checked before anything else.

use teloxide::types::User as TgUser;

use super::lang::Lang;
use super::store::users::{self, Role};
use super::store::StoreError;
use crate::db::Pool;

/// The sender of an update as the access check sees it.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Telegram user id.
    pub user_id: i64,
    /// Display name for messages ("Anna (@anna)").
    pub name: String,
    /// `None` for a stranger who never sent /start.
    pub role: Option<Role>,
    /// Language for replies: stored choice, else Telegram's, else English.
    pub lang: Lang,
}

impl Caller {
    /// Admins and members may use the features.
    pub fn is_member(&self) -> bool {
        self.role.is_some_and(Role::has_access)
    }

    /// Admins may also manage users and the queue.
    pub fn is_admin(&self) -> bool {
        self.role == Some(Role::Admin)
    }
}

/// "First Last (@username)".
pub fn display_name(user: &TgUser) -> String {
    let mut name = user.first_name.clone();
    if let Some(last) = &user.last_name {
        name.push(' ');
        name.push_str(last);
    }
    if let Some(username) = &user.username {
        name.push_str(&format!(" (@{username})"));
    }
    name
}

/// Looks the sender up. Config admins are (re)recorded as admins on every
/// update; anyone else is only read — a stranger's update writes nothing.
pub async fn identify(pool: &Pool, user: &TgUser, admins: &[i64]) -> Result<Caller, StoreError> {
    let user_id = user.id.0 as i64;
    let stored = if admins.contains(&user_id) {
        Some(
            users::upsert_seen(
                pool,
                user_id,
                user.username.as_deref(),
                &user.first_name,
                user.last_name.as_deref(),
                user.language_code.as_deref(),
                admins,
            )
            .await?,
        )
    } else {
        users::get(pool, user_id).await?
    };
    let lang = stored
        .as_ref()
        .and_then(|u| Lang::from_code(&u.language))
        .unwrap_or_else(|| Lang::from_telegram(user.language_code.as_deref()));
    Ok(Caller {
        user_id,
        name: display_name(user),
        role: stored.map(|u| u.role),
        lang,
    })
}

/// The language of a private chat's user (English when unknown).
pub async fn language_of_chat(pool: &Pool, chat_id: i64) -> Lang {
    match users::get(pool, chat_id).await {
        Ok(Some(user)) => Lang::from_code(&user.language).unwrap_or_default(),
        _ => Lang::En,
    }
}
