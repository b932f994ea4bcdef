//! What a polling cycle sends besides alert messages: the admins' notices
//! (rejected credentials, a short call budget), and the per-chat languages.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::store::{self, Alert};
use super::texts::texts;
use super::EbayState;
use crate::db::Pool;
use crate::mail::EmailJobPayload;
use crate::telegram::caller::language_of_chat;
use crate::telegram::lang::Lang;
use crate::telegram::sender::Outbound;
use crate::telegram::texts::fill;

/// Messages and e-mails of a cycle, and the languages looked up so far.
#[derive(Default)]
pub(super) struct Outgoing {
    pub(super) messages: Vec<Outbound>,
    pub(super) emails: Vec<EmailJobPayload>,
    pub(super) langs: HashMap<i64, Lang>,
}

impl Outgoing {
    /// Looks up the language of every chat of `groups` in one query.
    pub(super) async fn load_langs(
        &mut self,
        pool: &Pool,
        groups: &[(String, Vec<Alert>)],
    ) -> anyhow::Result<()> {
        let chats: Vec<i64> = groups
            .iter()
            .flat_map(|(_, a)| a.iter().map(|a| a.chat_id))
            .collect();
        let db = pool.get().await?;
        let rows = db
            .query(
                "SELECT telegram_id, language FROM users WHERE telegram_id = ANY($1)",
                &[&chats],
            )
            .await?;
        for chat in chats {
            self.langs.insert(chat, Lang::En);
        }
        for row in rows {
            let lang = Lang::from_code(row.get::<_, &str>(1)).unwrap_or_default();
            self.langs.insert(row.get(0), lang);
        }
        Ok(())
    }

    pub(super) async fn lang(&mut self, pool: &Pool, chat: i64) -> Lang {
        if let Some(lang) = self.langs.get(&chat) {
            return *lang;
        }
        let lang = language_of_chat(pool, chat).await;
        self.langs.insert(chat, lang);
        lang
    }
}

pub(super) async fn tell_admins(
    state: &EbayState,
    pool: &Pool,
    out: &mut Outgoing,
    text: impl Fn(Lang) -> String,
) -> anyhow::Result<()> {
    let mut admins = state.admins.clone();
    for user in crate::telegram::store::users::admins(pool).await? {
        if !admins.contains(&user.telegram_id) {
            admins.push(user.telegram_id);
        }
    }
    for admin in admins {
        let lang = out.lang(pool, admin).await;
        out.messages
            .push(Outbound::text(admin, text(lang), Vec::new()));
    }
    Ok(())
}

/// How many groups may be searched now and the interval stretch, telling the
/// admins once a day when the budget runs short.
pub(super) async fn budget(
    state: &EbayState,
    pool: &Pool,
    now: DateTime<Utc>,
    groups: usize,
    out: &mut Outgoing,
) -> anyhow::Result<(usize, f64)> {
    let budget = i64::from(state.daily_call_budget);
    let remaining = (budget - store::calls_today(pool).await?).max(0);
    let midnight = (now.date_naive() + chrono::Days::new(1))
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    let minutes_left = ((midnight - now).num_seconds() as f64 / 60.0).max(1.0);
    let need: f64 = store::demand(pool)
        .await?
        .iter()
        .map(|&interval| minutes_left / f64::from(interval.max(1)))
        .sum();
    let stretch = if remaining == 0 {
        f64::INFINITY
    } else if need > remaining as f64 {
        need / remaining as f64
    } else {
        1.0
    };
    if stretch > 1.0 && store::set_flag_once(pool, &format!("budget:{}", now.date_naive())).await? {
        let factor = if stretch.is_finite() {
            format!("{stretch:.1}")
        } else {
            "∞".into()
        };
        tell_admins(state, pool, out, |lang| {
            fill(
                texts(lang).budget_low,
                &[("budget", &state.daily_call_budget), ("factor", &factor)],
            )
        })
        .await?;
    }
    // Infinity would overflow the interval arithmetic: wait until tomorrow instead.
    let stretch = stretch.min(minutes_left);
    Ok((
        groups.min(usize::try_from(remaining).unwrap_or(usize::MAX)),
        stretch,
    ))
}
