//! What every handler gets: the pool, the queue, the admins, the features.

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use teloxide::types::{BotCommand, CallbackQuery, Message};
use teloxide::Bot;

use super::caller::Caller;
use super::dialogue::PgStorage;
use super::lang::Lang;
use crate::db::Pool;
use crate::jobs::Queue;

/// A multi-step input in progress for one chat (stored in `dialogues`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DialogueState {
    /// Owner: `"core"` or a feature's name.
    pub owner: String,
    /// The owner's step name.
    pub step: String,
    /// What the bot waits for, shown when something else arrives.
    pub expects: String,
    /// The owner's data collected so far.
    #[serde(default)]
    pub data: serde_json::Value,
}

/// One feature's part of the bot. Features are listed in `app.rs` only.
#[async_trait]
pub trait Feature: Send + Sync {
    /// Short name, also the owner of its dialogues.
    fn name(&self) -> &'static str;
    /// The `Callback::TAG` of this feature's callback enum.
    fn callback_tag(&self) -> &'static str;
    /// Main-menu button: label and callback data.
    fn menu_button(&self, lang: Lang) -> (String, String);
    /// Member commands with descriptions (for /help and setMyCommands).
    fn commands(&self, lang: Lang) -> Vec<BotCommand>;
    /// A command for this feature (access already checked: a member). Returns
    /// whether it was this feature's.
    async fn on_command(
        &self,
        ctx: &Ctx,
        msg: &Message,
        command: &str,
        args: &str,
    ) -> anyhow::Result<bool>;
    /// A callback whose data starts with this feature's tag (answered already).
    async fn on_callback(
        &self,
        ctx: &Ctx,
        query: &CallbackQuery,
        data: &str,
    ) -> anyhow::Result<bool>;
    /// A message while this feature's dialogue is active.
    async fn on_dialogue(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()>;
}

/// Shared state of the dispatcher.
pub struct Core {
    pub pool: Pool,
    pub queue: Queue,
    /// `telegram.admins`: always admins, cannot be demoted from the bot.
    pub admins: Vec<i64>,
    pub dialogues: Arc<PgStorage>,
    pub features: Vec<Arc<dyn Feature>>,
}

/// One update's context: the core, the bot and the checked caller.
pub struct Ctx {
    pub core: Arc<Core>,
    pub bot: Bot,
    pub caller: Caller,
}

impl Core {
    /// The chat's active dialogue, if any.
    pub async fn dialogue(
        &self,
        chat: teloxide::types::ChatId,
    ) -> anyhow::Result<Option<DialogueState>> {
        use teloxide::dispatching::dialogue::Storage;
        Ok(self.dialogues.clone().get_dialogue(chat).await?)
    }

    /// Starts or advances the chat's dialogue.
    pub async fn set_dialogue(
        &self,
        chat: teloxide::types::ChatId,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        use teloxide::dispatching::dialogue::Storage;
        Ok(self.dialogues.clone().update_dialogue(chat, state).await?)
    }

    /// Ends the chat's dialogue (no-op when none is active).
    pub async fn end_dialogue(&self, chat: teloxide::types::ChatId) -> anyhow::Result<()> {
        use teloxide::dispatching::dialogue::Storage;
        Ok(
            <PgStorage as Storage<DialogueState>>::remove_dialogue(self.dialogues.clone(), chat)
                .await?,
        )
    }
}
