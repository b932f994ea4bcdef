//! The main menu and the routing of the core's buttons.

use teloxide::types::{ChatId, InlineKeyboardButton, InlineKeyboardMarkup, MessageId};

use super::{admin, reply, settings};
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::keyboard::PagerLabels;
use crate::telegram::lang::Lang;
use crate::telegram::texts::texts;

/// Shows the main menu: one button per feature, then Settings. With
/// `message`, the menu replaces that message in place.
pub(super) async fn show_main(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let mut rows: Vec<Vec<InlineKeyboardButton>> = ctx
        .core
        .features
        .iter()
        .map(|feature| {
            let (label, data) = feature.menu_button(ctx.caller.lang);
            vec![InlineKeyboardButton::callback(label, data)]
        })
        .collect();
    rows.push(vec![InlineKeyboardButton::callback(
        t.settings,
        CoreCallback::Settings.data(),
    )]);
    let markup = InlineKeyboardMarkup::new(rows);
    match message {
        Some(id) => reply::edit(&ctx.bot, chat, id, t.main_menu, Some(markup)).await?,
        None => reply::send(&ctx.bot, chat, t.main_menu, Some(markup)).await?,
    }
    Ok(())
}

/// The pager labels in `lang`.
pub(super) fn pager(lang: Lang) -> PagerLabels {
    let t = texts(lang);
    PagerLabels {
        prev: t.prev.into(),
        next: t.next.into(),
        position: t.page.into(),
        noop_data: CoreCallback::Noop.data(),
    }
}

/// A back-to-main-menu row.
pub(super) fn back_to_main(lang: Lang) -> Vec<InlineKeyboardButton> {
    vec![InlineKeyboardButton::callback(
        texts(lang).back,
        CoreCallback::MainMenu.data(),
    )]
}

/// Handles a pressed core button (already answered; caller is a member).
pub(super) async fn on_core_callback(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    callback: CoreCallback,
) -> anyhow::Result<()> {
    match callback {
        CoreCallback::Noop => Ok(()),
        CoreCallback::MainMenu | CoreCallback::Cancel => show_main(ctx, chat, Some(message)).await,
        CoreCallback::Settings => settings::show(ctx, chat, Some(message)).await,
        CoreCallback::Language(lang) => settings::set_language(ctx, chat, message, lang).await,
        admin_callback => {
            if !ctx.caller.is_admin() {
                reply::send(&ctx.bot, chat, texts(ctx.caller.lang).admins_only, None).await?;
                return Ok(());
            }
            admin::on_callback(ctx, chat, message, admin_callback).await
        }
    }
}
