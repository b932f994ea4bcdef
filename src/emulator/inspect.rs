//! The reading side: what the bot did, waiting for it, and fault injection.

use std::time::Duration;

use axum::body::Bytes;

use super::rules;
use super::state::{Chat, Injection, Msg, Sender, StoredFile};
use super::types::{
    BotMessage, Call, CallbackAnswer, CommandSet, EmulatorError, SentFile, Violation,
};
use super::Emulator;

impl Emulator {
    /// The bot's messages in a chat, oldest first, in their current state (deleted ones
    /// included with `deleted = true`).
    pub fn messages(&self, chat_id: i64) -> Vec<BotMessage> {
        self.shared().read(|st| {
            st.chats
                .get(&chat_id)
                .map(|c| bot_messages(c).collect())
                .unwrap_or_default()
        })
    }

    /// The bot's most recent message in a chat that is not deleted.
    pub fn last_message(&self, chat_id: i64) -> Option<BotMessage> {
        self.messages(chat_id)
            .into_iter()
            .rev()
            .find(|m| !m.deleted)
    }

    /// Waits until a bot message in `chat_id` satisfies `predicate` and returns the most
    /// recent such message.
    pub async fn wait_for(
        &self,
        chat_id: i64,
        predicate: impl Fn(&BotMessage) -> bool,
        timeout: Duration,
    ) -> Result<BotMessage, EmulatorError> {
        let mut found = None;
        self.wait_until(
            || {
                found = self
                    .messages(chat_id)
                    .into_iter()
                    .rev()
                    .find(|m| predicate(m));
                found.is_some()
            },
            timeout,
            &format!("a matching bot message in chat {chat_id}"),
        )
        .await?;
        found.ok_or_else(|| {
            EmulatorError::Timeout(timeout, format!("a bot message in chat {chat_id}"))
        })
    }

    /// Waits until `condition` holds, re-checking it whenever the emulator's state
    /// changes. `what` names the condition in the timeout error.
    pub async fn wait_until(
        &self,
        mut condition: impl FnMut() -> bool,
        timeout: Duration,
        what: &str,
    ) -> Result<(), EmulatorError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut rx = self.shared().subscribe();
        loop {
            rx.borrow_and_update();
            if condition() {
                return Ok(());
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {}
                _ => {
                    return if condition() {
                        Ok(())
                    } else {
                        Err(EmulatorError::Timeout(timeout, what.to_string()))
                    }
                }
            }
        }
    }

    /// Answers to callback queries, in the order the buttons were pressed.
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.shared().read(|st| {
            st.callback_order
                .iter()
                .filter_map(|id| st.callbacks.get(id)?.answer.clone())
                .collect()
        })
    }

    /// The answer to one callback query, if the bot gave one.
    pub fn callback_answer(&self, query_id: &str) -> Option<CallbackAnswer> {
        self.shared()
            .read(|st| st.callbacks.get(query_id)?.answer.clone())
    }

    /// Ids of callback queries the bot has not answered yet.
    pub fn unanswered_callbacks(&self) -> Vec<String> {
        self.shared().read(|st| {
            st.callback_order
                .iter()
                .filter(|id| st.callbacks.get(*id).is_some_and(|c| c.answer.is_none()))
                .cloned()
                .collect()
        })
    }

    /// Every Bot API call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared().read(|st| st.calls.clone())
    }

    /// Calls of one method (case-insensitive), in arrival order.
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        self.shared().read(|st| {
            st.calls
                .iter()
                .filter(|c| c.method.eq_ignore_ascii_case(method))
                .cloned()
                .collect()
        })
    }

    /// What setMyCommands stored, per scope and language.
    pub fn commands(&self) -> Vec<CommandSet> {
        self.shared().read(|st| {
            st.commands
                .iter()
                .map(|((scope, lang), list)| CommandSet {
                    scope: scope.clone(),
                    language_code: lang.clone(),
                    commands: list.clone(),
                })
                .collect()
        })
    }

    /// Requests that broke the Bot API contract. Must be empty at the end of a test.
    pub fn violations(&self) -> Vec<Violation> {
        self.shared().read(|st| st.violations.clone())
    }

    /// Panics with the list of violations, if there are any (for tests).
    #[track_caller]
    pub fn assert_no_violations(&self) {
        let v = self.violations();
        if !v.is_empty() {
            let list: Vec<String> = v.iter().map(ToString::to_string).collect();
            panic!("Bot API contract violations:\n  {}", list.join("\n  "));
        }
    }

    /// Makes the next `times` calls of `method` (case-insensitive; to `chat`, or to any
    /// chat when `None`) fail with 429 and `retry_after = retry_after_secs`.
    pub fn inject_429(&self, method: &str, chat: Option<i64>, retry_after_secs: u32, times: usize) {
        self.shared().with(|st| {
            st.injections.push(Injection {
                method: method.to_string(),
                chat,
                retry_after: retry_after_secs,
                remaining: times,
            });
        });
    }

    /// Updates queued for the bot and not yet confirmed by a getUpdates offset.
    pub fn pending_updates(&self) -> usize {
        self.shared().read(|st| st.updates.len())
    }

    /// The webhook URL set with setWebhook, if any.
    pub fn webhook_url(&self) -> Option<String> {
        self.shared()
            .read(|st| st.webhook.as_ref().map(|w| w.url.clone()))
    }

    /// Bytes of a stored file by file_id (user uploads and bot uploads).
    pub fn file_bytes(&self, file_id: &str) -> Option<Bytes> {
        self.shared()
            .read(|st| st.files.get(file_id).map(|f| f.data.clone()))
    }

    /// Whether the user of a private chat has blocked the bot.
    pub fn is_blocked(&self, chat_id: i64) -> bool {
        self.shared()
            .read(|st| st.chats.get(&chat_id).is_some_and(|c| c.blocked))
    }
}

fn bot_messages(chat: &Chat) -> impl Iterator<Item = BotMessage> + '_ {
    chat.messages
        .values()
        .filter(|m| matches!(m.from, Sender::Bot))
        .map(move |m| bot_message(chat.id, m))
}

fn bot_message(chat_id: i64, m: &Msg) -> BotMessage {
    BotMessage {
        chat_id,
        message_id: m.id,
        date: m.date,
        text: m.text.as_ref().map(|t| t.text.clone()),
        caption: m.caption.as_ref().map(|c| c.text.clone()),
        buttons: rules::buttons(m.markup.as_ref()),
        document: m.document.as_ref().map(sent_file),
        photo: m.photo.as_ref().map(sent_file),
        edited: m.edit_date.is_some(),
        deleted: m.deleted,
    }
}

fn sent_file(f: &StoredFile) -> SentFile {
    SentFile {
        file_id: f.file_id.clone(),
        file_name: f.name.clone(),
        mime_type: f.mime.clone(),
        bytes: f.data.clone(),
    }
}
