//! The menus of the feature (accounts, account card, campaigns) and
//! `/vk_stats`: read the store, answer at once, queue the slow work. Digest
//! schedules are in [`super::digests`].

use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, MessageId};

use super::callback::VkCallback;
use super::digests::digests_of;
use super::jobs::{local_today, VkReport};
use super::period::{self, PeriodError};
use super::store::{self, Account};
use super::texts::{texts, Texts};
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::keyboard::{paginate, PagerLabels};
use crate::telegram::texts::{fill, html, texts as core_texts};

/// Campaigns per page of the campaign list.
const PER_PAGE: usize = 10;

/// A button of this feature.
pub(super) fn button(text: impl Into<String>, callback: VkCallback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.into(), callback.data())
}

/// The chat's accounts (a new message, or `message` edited).
pub(super) async fn show_accounts(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let accounts = store::list_for_chat(&ctx.core.pool, chat.0).await?;
    let mut rows: Vec<Vec<InlineKeyboardButton>> = accounts
        .iter()
        .map(|a| {
            let mark = if a.status == "ok" { "" } else { "⚠️ " };
            vec![button(
                format!("{mark}{}", a.name),
                VkCallback::Account(a.id),
            )]
        })
        .collect();
    rows.push(vec![button(t.connect_button, VkCallback::Connect)]);
    rows.push(vec![InlineKeyboardButton::callback(
        t.back,
        CoreCallback::MainMenu.data(),
    )]);
    let text = if accounts.is_empty() {
        t.accounts_empty
    } else {
        t.accounts_title
    };
    let markup = Some(InlineKeyboardMarkup::new(rows));
    match message {
        Some(id) => edit(&ctx.bot, chat, id, text, markup).await?,
        None => send(&ctx.bot, chat, text, markup).await?,
    }
    Ok(())
}

/// An account card (a new message, or `message` edited).
pub(super) async fn show_account(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
    account: &Account,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let digests = digests_of(ctx, chat, account.id).await?;
    let digest_text = if digests.is_empty() {
        t.none.to_string()
    } else {
        digests
            .iter()
            .map(|s| format!("{} ({})", s.rule, s.timezone.name()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = fill(
        t.account_card,
        &[
            ("name", &html(&account.name)),
            (
                "kind",
                &match account.kind.as_str() {
                    "agency" => t.kind_agency_label,
                    "legacy" => t.kind_legacy_label,
                    _ => t.kind_own_label,
                },
            ),
            (
                "id_label",
                &if account.is_legacy() {
                    t.id_label_legacy
                } else {
                    t.id_label_client
                },
            ),
            ("client_id", &html(&account.client_id)),
            (
                "status",
                &if account.status == "ok" {
                    t.status_ok
                } else {
                    t.status_reconnect
                },
            ),
            ("digests", &digest_text),
            (
                "email",
                &account
                    .digest_email
                    .as_deref()
                    .map_or_else(|| t.none.to_string(), html),
            ),
        ],
    );
    let id = account.id;
    let mut rows = vec![
        vec![
            button(
                t.btn_campaigns,
                VkCallback::Campaigns {
                    account: id,
                    page: 0,
                },
            ),
            button(t.btn_report, VkCallback::Report(id)),
        ],
        vec![
            button(
                t.btn_daily,
                VkCallback::Digest {
                    account: id,
                    weekly: false,
                },
            ),
            button(
                t.btn_weekly,
                VkCallback::Digest {
                    account: id,
                    weekly: true,
                },
            ),
        ],
    ];
    if !digests.is_empty() {
        rows.push(vec![button(
            t.btn_stop_digests,
            VkCallback::StopDigests(id),
        )]);
    }
    rows.push(vec![
        button(t.btn_email, VkCallback::Email(id)),
        button(t.btn_disconnect, VkCallback::Disconnect(id)),
    ]);
    rows.push(vec![button(t.back, VkCallback::Accounts)]);
    let markup = Some(InlineKeyboardMarkup::new(rows));
    match message {
        Some(m) => edit(&ctx.bot, chat, m, &text, markup).await?,
        None => send(&ctx.bot, chat, &text, markup).await?,
    }
    Ok(())
}

/// A page of the account's stored campaigns.
pub(super) async fn show_campaigns(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    account: &Account,
    page: u32,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let core = core_texts(ctx.caller.lang);
    let campaigns = store::campaigns(&ctx.core.pool, account.id).await?;
    let labels = PagerLabels {
        prev: core.prev.into(),
        next: core.next.into(),
        position: core.page.into(),
        noop_data: CoreCallback::Noop.data(),
    };
    let shown = paginate(
        &campaigns,
        page,
        PER_PAGE,
        |c| {
            let icon = if c.status == "active" { "🟢" } else { "⏸" };
            (
                format!("{icon} {} · {}", c.name, c.status),
                CoreCallback::Noop.data(),
            )
        },
        |p| {
            VkCallback::Campaigns {
                account: account.id,
                page: p,
            }
            .data()
        },
        &labels,
    );
    let mut text = fill(
        t.campaigns_title,
        &[("name", &html(&account.name)), ("count", &campaigns.len())],
    );
    if campaigns.is_empty() {
        text = format!("{text}\n{}", t.campaigns_empty);
    }
    let mut rows = shown.keyboard.inline_keyboard;
    rows.push(vec![button(t.back, VkCallback::Account(account.id))]);
    edit(
        &ctx.bot,
        chat,
        message,
        &text,
        Some(InlineKeyboardMarkup::new(rows)),
    )
    .await?;
    Ok(())
}

/// Queues a report and says so.
pub(super) async fn enqueue_report(
    ctx: &Ctx,
    chat: ChatId,
    account: &Account,
    period: period::Period,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let job = VkReport {
        chat_id: chat.0,
        account_id: account.id,
        from: period.from,
        to: period.to,
        csv: false,
    };
    ctx.core.queue.enqueue(job).await?;
    let text = fill(
        t.report_queued,
        &[
            ("name", &html(&account.name)),
            ("from", &period.from),
            ("to", &period.to),
        ],
    );
    send(&ctx.bot, chat, &text, None).await?;
    Ok(())
}

fn period_error(t: &Texts, error: &PeriodError) -> String {
    match error {
        PeriodError::Unknown(value) => fill(t.period_unknown, &[("value", &html(value))]),
        PeriodError::Reversed => t.period_reversed.to_string(),
        PeriodError::TooLong(days) => fill(t.period_too_long, &[("days", days)]),
        PeriodError::Future => t.period_future.to_string(),
    }
}

/// `/vk_stats [period] [account]`: checks the input, then queues the report.
pub(super) async fn stats_command(ctx: &Ctx, chat: ChatId, args: &str) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let pool = &ctx.core.pool;
    let accounts = store::list_for_chat(pool, chat.0).await?;
    if accounts.is_empty() {
        send(&ctx.bot, chat, t.accounts_empty, None).await?;
        return Ok(());
    }
    let today = local_today(pool, chat.0).await;
    let args = args.trim();
    let (first, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let (period, reference) = if args.is_empty() {
        (period::parse("7d", today), "")
    } else {
        match period::parse(first, today) {
            Err(PeriodError::Unknown(_)) if store::find(pool, chat.0, args).await?.is_some() => {
                (period::parse("7d", today), args)
            }
            parsed => (parsed, rest.trim()),
        }
    };
    let period = match period {
        Ok(period) => period,
        Err(error) => {
            send(&ctx.bot, chat, &period_error(t, &error), None).await?;
            return Ok(());
        }
    };
    let names = accounts
        .iter()
        .map(|a| format!("<code>{}</code>", html(&a.name)))
        .collect::<Vec<_>>()
        .join(", ");
    let account = if reference.is_empty() {
        if accounts.len() > 1 {
            let text = fill(
                t.account_choose,
                &[("accounts", &names), ("example", &html(&accounts[0].name))],
            );
            send(&ctx.bot, chat, &text, None).await?;
            return Ok(());
        }
        accounts[0].clone()
    } else {
        match store::find(pool, chat.0, reference).await? {
            Some(account) => account,
            None => {
                let text = fill(
                    t.account_unknown,
                    &[("value", &html(reference)), ("accounts", &names)],
                );
                send(&ctx.bot, chat, &text, None).await?;
                return Ok(());
            }
        }
    };
    enqueue_report(ctx, chat, &account, period).await
}
