//! The paginated lists of an account: its competitors (each with a remove
//! button, confirmed) and its latest captures.

use teloxide::types::InlineKeyboardMarkup;

use super::{
    back_to_card, button, chat_timezone, competitor_label, menu_texts, pager, status_word,
    with_notice, Screen,
};
use crate::features::adlibrary::callback::AdCallback;
use crate::features::adlibrary::store::{self, Account};
use crate::features::adlibrary::texts::texts;
use crate::telegram::core::Ctx;
use crate::telegram::keyboard::{confirm_keyboard, paginate};
use crate::telegram::texts::{fill, html};

/// Competitors per page.
const COMPETITORS_PER_PAGE: usize = 8;
/// Captures per page of the "last reports" list.
const REPORTS_PER_PAGE: usize = 8;
/// How many captures the list goes back.
const REPORTS_KEPT: i64 = 40;
/// Longest error shown for a failed capture.
const ERROR_CHARS: usize = 200;

/// A page of the account's competitors: one remove button each, then
/// "Add competitor" and the way back to the card.
pub async fn competitors_screen(
    ctx: &Ctx,
    account: &Account,
    page: u32,
    notice: Option<&str>,
) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let (t, m) = (texts(lang), menu_texts(lang));
    let competitors = store::competitors(&ctx.core.pool, account.id).await?;
    let id = account.id;
    let shown = paginate(
        &competitors,
        page,
        COMPETITORS_PER_PAGE,
        |c| {
            let label = match &c.display_name {
                Some(name) => format!("{name} ({})", c.page_id),
                None => c.page_id.clone(),
            };
            let data = AdCallback::RemoveAsk {
                account: id,
                page_id: c.page_id.clone(),
            }
            .data();
            (fill(t.remove_competitor, &[("page", &label)]), data)
        },
        |p| {
            AdCallback::Competitors {
                account: id,
                page: p,
            }
            .data()
        },
        &pager(lang),
    );
    let name = html(&account.name);
    let text = if competitors.is_empty() {
        fill(m.competitors_empty, &[("account", &name)])
    } else {
        let lines: Vec<String> = competitors[shown.range.clone()]
            .iter()
            .map(|c| format!("• {}", competitor_label(c)))
            .collect();
        format!(
            "{}\n{}",
            fill(
                m.competitors_title,
                &[("account", &name), ("count", &competitors.len())]
            ),
            lines.join("\n")
        )
    };
    let mut rows = shown.keyboard.inline_keyboard;
    rows.push(vec![button(
        m.btn_add_competitor,
        AdCallback::AddCompetitor(id),
    )]);
    rows.push(back_to_card(lang, id));
    Ok((with_notice(notice, text), InlineKeyboardMarkup::new(rows)))
}

/// Asks before removing a competitor.
pub fn remove_competitor_screen(ctx: &Ctx, account: &Account, page_id: &str) -> Screen {
    let m = menu_texts(ctx.caller.lang);
    let text = fill(
        m.confirm_remove_competitor,
        &[("page", &page_id), ("account", &html(&account.name))],
    );
    let keyboard = confirm_keyboard(
        m.btn_yes_remove,
        AdCallback::Remove {
            account: account.id,
            page_id: page_id.to_string(),
        }
        .data(),
        m.btn_back,
        AdCallback::Competitors {
            account: account.id,
            page: 0,
        }
        .data(),
    );
    (text, keyboard)
}

/// A page of the account's latest captures with status and counts, times in
/// the chat's timezone.
pub async fn reports_screen(
    ctx: &Ctx,
    chat: i64,
    account: &Account,
    page: u32,
) -> anyhow::Result<Screen> {
    let lang = ctx.caller.lang;
    let m = menu_texts(lang);
    let pool = &ctx.core.pool;
    let captures = store::capture_history(pool, account.id, REPORTS_KEPT).await?;
    let timezone = chat_timezone(pool, chat).await;
    let id = account.id;
    let shown = paginate(
        &captures,
        page,
        REPORTS_PER_PAGE,
        |_| (String::new(), String::new()),
        |p| {
            AdCallback::Reports {
                account: id,
                page: p,
            }
            .data()
        },
        &pager(lang),
    );
    let name = html(&account.name);
    let text = if captures.is_empty() {
        fill(m.reports_empty, &[("account", &name)])
    } else {
        let lines: Vec<String> = captures[shown.range.clone()]
            .iter()
            .map(|c| {
                let date = c
                    .started_at
                    .with_timezone(&timezone)
                    .format("%Y-%m-%d %H:%M");
                let mut line = match c.status.as_str() {
                    "failed" => {
                        let error: String = c
                            .error
                            .as_deref()
                            .unwrap_or_default()
                            .chars()
                            .take(ERROR_CHARS)
                            .collect();
                        fill(
                            m.report_failed,
                            &[("date", &date), ("error", &html(&error))],
                        )
                    }
                    "running" => fill(m.report_running, &[("date", &date)]),
                    status => fill(
                        m.report_line,
                        &[
                            ("icon", &if status == "ok" { "✅" } else { "⚠️" }),
                            ("date", &date),
                            ("status", &status_word(lang, status)),
                            ("pages", &c.pages),
                            ("ads", &c.ads),
                            ("new", &c.new),
                            ("running", &c.running),
                            ("stopped", &c.stopped),
                        ],
                    ),
                };
                if c.expired {
                    line.push_str(m.report_expired);
                }
                line
            })
            .collect();
        format!(
            "{}\n{}",
            fill(
                m.reports_title,
                &[
                    ("account", &name),
                    ("count", &captures.len()),
                    ("timezone", &timezone.name()),
                ]
            ),
            lines.join("\n")
        )
    };
    // Only the pager's navigation row: the captures are listed in the text.
    let mut items = shown.keyboard.inline_keyboard;
    let mut rows = items.split_off(shown.range.len());
    rows.push(back_to_card(lang, id));
    Ok((text, InlineKeyboardMarkup::new(rows)))
}
