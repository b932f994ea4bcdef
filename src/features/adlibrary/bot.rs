//! Commands and menus of the Ad Library feature. Handlers answer at once; the
//! capture is a job on a browser queue.
//!
//! - [`commands`]: the slash commands;
//! - [`buttons`]: the menu buttons (screens edited in place);
//! - [`dialogue`]: typed input the menus ask for (names, URLs, e-mails,
//!   countries, times);
//! - [`actions`]: what commands, buttons and dialogues share: capture,
//!   add a competitor, set e-mails / country / schedule, remove an account.

mod actions;
mod buttons;
mod commands;
mod dialogue;

use std::path::PathBuf;

use async_trait::async_trait;
use teloxide::types::{BotCommand, CallbackQuery, ChatId, Message, MessageId};

use super::callback::AdCallback;
use super::menus::Screen;
use super::texts::texts;
use crate::telegram::callback::decode;
use crate::telegram::core::{Ctx, DialogueState, Feature};
use crate::telegram::handlers::reply::{edit, send};
use crate::telegram::handlers::say;
use crate::telegram::lang::Lang;

pub use commands::split_schedule;

/// Owner of this feature's dialogues.
pub const NAME: &str = "adlibrary";

/// The bot part.
pub struct AdlibBot {
    /// `workers.browser_slots`.
    pub browser_slots: usize,
    /// The feature's files (`captures/`, `reports/`): removing an account
    /// removes its captures' files.
    pub files_dir: PathBuf,
}

/// Edits the message `at` into `screen`, or sends it when `at` is `None`.
async fn show(
    ctx: &Ctx,
    chat: ChatId,
    at: Option<MessageId>,
    (text, keyboard): Screen,
) -> anyhow::Result<()> {
    match at {
        Some(id) => edit(&ctx.bot, chat, id, &text, Some(keyboard)).await?,
        None => send(&ctx.bot, chat, &text, Some(keyboard)).await?,
    }
    Ok(())
}

#[async_trait]
impl Feature for AdlibBot {
    fn name(&self) -> &'static str {
        NAME
    }

    fn callback_tag(&self) -> &'static str {
        "ad"
    }

    fn menu_button(&self, lang: Lang) -> (String, String) {
        (
            texts(lang).menu_button.to_string(),
            AdCallback::Accounts(0).data(),
        )
    }

    fn commands(&self, lang: Lang) -> Vec<BotCommand> {
        let t = texts(lang);
        vec![
            BotCommand::new("accounts", t.cmd_accounts),
            BotCommand::new("account_add", t.cmd_account_add),
            BotCommand::new("competitor_add", t.cmd_competitor_add),
            BotCommand::new("capture", t.cmd_capture),
            BotCommand::new("account_emails", t.cmd_account_emails),
            BotCommand::new("account_country", t.cmd_account_country),
            BotCommand::new("account_schedule", t.cmd_account_schedule),
        ]
    }

    async fn on_command(
        &self,
        ctx: &Ctx,
        msg: &Message,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool> {
        self.command(ctx, msg.chat.id, command, args).await
    }

    async fn on_callback(
        &self,
        ctx: &Ctx,
        query: &CallbackQuery,
        data: &str,
    ) -> anyhow::Result<bool> {
        let Some(callback) = decode::<AdCallback>(data) else {
            return Ok(false);
        };
        let Some(message) = query.regular_message() else {
            return Ok(true);
        };
        self.button(ctx, message.chat.id, message.id, callback)
            .await?;
        Ok(true)
    }

    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        self.dialogue_step(ctx, msg, state).await
    }
}
