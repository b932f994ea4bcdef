//! The menus: the paginated accounts list and an account's card.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::AdCallback;
use super::store::{self, Account};
use super::texts::texts;
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::keyboard::{paginate, PagerLabels};
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

const PER_PAGE: usize = 8;

/// Text and keyboard of one screen.
pub type Screen = (String, InlineKeyboardMarkup);

/// A page of the accounts list.
pub async fn accounts_screen(ctx: &Ctx, lang: Lang, page: u32) -> anyhow::Result<Screen> {
    let t = texts(lang);
    let (accounts, total) = store::list_accounts(&ctx.core.pool, 0, 10_000).await?;
    if accounts.is_empty() {
        return Ok((
            t.accounts_empty.to_string(),
            InlineKeyboardMarkup::default(),
        ));
    }
    let core = crate::telegram::texts::texts(lang);
    let labels = PagerLabels {
        prev: core.prev.to_string(),
        next: core.next.to_string(),
        position: core.page.to_string(),
        noop_data: CoreCallback::Noop.data(),
    };
    let page = paginate(
        &accounts,
        page,
        PER_PAGE,
        |a: &Account| (a.name.clone(), AdCallback::Account(a.id).data()),
        |p| AdCallback::Accounts(p).data(),
        &labels,
    );
    Ok((fill(t.accounts_title, &[("count", &total)]), page.keyboard))
}

/// An account's card.
pub async fn account_screen(ctx: &Ctx, lang: Lang, account: &Account) -> anyhow::Result<Screen> {
    let t = texts(lang);
    let pool = &ctx.core.pool;
    let competitors = store::competitors(pool, account.id).await?;
    let list: Vec<String> = competitors
        .iter()
        .map(|c| match &c.display_name {
            Some(name) => format!("• {} ({})", html(name), c.page_id),
            None => format!("• {}", c.page_id),
        })
        .collect();
    let last = match store::recent_captures(pool, account.id, 1).await?.first() {
        Some(c) => format!(
            "{} ({})",
            c.started_at.format("%Y-%m-%d %H:%M UTC"),
            c.status
        ),
        None => t.never.to_string(),
    };
    let emails = if account.emails.is_empty() {
        t.none.to_string()
    } else {
        html(&account.emails.join(", "))
    };
    let text = fill(
        t.account_card,
        &[
            ("name", &html(&account.name)),
            ("country", &account.country),
            ("emails", &emails),
            ("count", &competitors.len()),
            (
                "competitors",
                &if list.is_empty() {
                    t.none.to_string()
                } else {
                    list.join("\n")
                },
            ),
            ("last", &last),
        ],
    );
    let mut rows = vec![vec![InlineKeyboardButton::callback(
        t.capture_now,
        AdCallback::Capture(account.id).data(),
    )]];
    for c in &competitors {
        let data = AdCallback::RemoveAsk {
            account: account.id,
            page_id: c.page_id.clone(),
        }
        .data();
        rows.push(vec![InlineKeyboardButton::callback(
            fill(t.remove_competitor, &[("page", &c.page_id)]),
            data,
        )]);
    }
    rows.push(vec![InlineKeyboardButton::callback(
        t.back,
        AdCallback::Accounts(0).data(),
    )]);
    Ok((text, InlineKeyboardMarkup::new(rows)))
}
