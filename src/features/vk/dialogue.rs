//! The feature's dialogue steps: connecting (client id → secret → agency
//! client name, or a legacy token), the digest e-mail address and a typed
//! digest time. A message carrying a secret or token is deleted as soon as
//! it is read, and the value travels on sealed.

use serde_json::json;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, Message};

use super::bot::VkBot;
use super::crypto::Sealer;
use super::digests::{parse_time_of_day, schedule_digest};
use super::jobs::{VkConnect, VkLegacyConnect};
use super::menus::show_account;
use super::store;
use super::texts::texts;
use crate::telegram::core::{Ctx, DialogueState};
use crate::telegram::handlers::reply::send;
use crate::telegram::texts::{fill, html, texts as core_texts};

/// A dialogue state of this feature.
pub(super) fn dialogue(step: &str, expects: &str, data: serde_json::Value) -> DialogueState {
    DialogueState {
        owner: "vk".into(),
        step: step.into(),
        expects: expects.into(),
        data,
    }
}

impl VkBot {
    /// Handles a message while one of this feature's dialogues is active.
    pub(super) async fn dialogue_step(
        &self,
        ctx: &Ctx,
        msg: &Message,
        state: DialogueState,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let chat = msg.chat.id;
        let Some(text) = msg.text().map(str::trim).filter(|s| !s.is_empty()) else {
            let reply = fill(
                core_texts(ctx.caller.lang).expects_text,
                &[("what", &state.expects)],
            );
            send(&ctx.bot, chat, &reply, None).await?;
            return Ok(());
        };
        let mut data = state.data.clone();
        match state.step.as_str() {
            "client_id" => {
                if text.chars().any(char::is_whitespace) || text.len() > 128 {
                    send(&ctx.bot, chat, t.bad_client_id, None).await?;
                    return Ok(());
                }
                data["client_id"] = json!(text);
                ctx.core
                    .set_dialogue(chat, dialogue("secret", t.expects_secret, data))
                    .await?;
                send(&ctx.bot, chat, t.ask_secret, None).await?;
            }
            "secret" => {
                forget_message(ctx, msg).await;
                let Some(sealer) = self.sealer_or_stop(ctx, chat).await? else {
                    return Ok(());
                };
                data["sealed_secret"] = json!(seal(sealer, text));
                if data["agency"].as_bool() == Some(true) {
                    ctx.core
                        .set_dialogue(chat, dialogue("agency", t.expects_agency, data))
                        .await?;
                    send(&ctx.bot, chat, t.ask_agency_client, None).await?;
                } else {
                    self.finish_connect(ctx, chat, &data, None).await?;
                }
            }
            "agency" => {
                self.finish_connect(ctx, chat, &data, Some(text.to_string()))
                    .await?
            }
            "legacy_token" => {
                forget_message(ctx, msg).await;
                if !looks_like_token(text) {
                    send(&ctx.bot, chat, t.bad_legacy_token, None).await?;
                    return Ok(());
                }
                let Some(sealer) = self.sealer_or_stop(ctx, chat).await? else {
                    return Ok(());
                };
                let job = VkLegacyConnect {
                    chat_id: chat.0,
                    sealed_token: seal(sealer, text),
                };
                ctx.core.queue.enqueue(job).await?;
                ctx.core.end_dialogue(chat).await?;
                send(&ctx.bot, chat, t.legacy_checking, None).await?;
            }
            "email" => self.email_step(ctx, chat, &data, text).await?,
            "digest_time" => {
                let Some(at) = parse_time_of_day(text) else {
                    let reply = fill(t.bad_time, &[("value", &html(text))]);
                    send(&ctx.bot, chat, &reply, None).await?;
                    return Ok(());
                };
                ctx.core.end_dialogue(chat).await?;
                let id = data["account"].as_i64().unwrap_or_default();
                let Some(account) = store::get(&ctx.core.pool, chat.0, id).await? else {
                    send(&ctx.bot, chat, t.account_gone, None).await?;
                    return Ok(());
                };
                let weekly = data["weekly"].as_bool() == Some(true);
                let reply = schedule_digest(ctx, chat, &account, weekly, at).await?;
                send(&ctx.bot, chat, &reply, None).await?;
                show_account(ctx, chat, None, &account).await?;
            }
            _ => {
                let reply = fill(
                    core_texts(ctx.caller.lang).expects_text,
                    &[("what", &state.expects)],
                );
                send(&ctx.bot, chat, &reply, None).await?;
            }
        }
        Ok(())
    }

    /// The sealer; without one the dialogue ends with the admin hint.
    async fn sealer_or_stop(&self, ctx: &Ctx, chat: ChatId) -> anyhow::Result<Option<&Sealer>> {
        if self.sealer.is_none() {
            ctx.core.end_dialogue(chat).await?;
            send(&ctx.bot, chat, texts(ctx.caller.lang).no_key, None).await?;
        }
        Ok(self.sealer.as_ref())
    }

    async fn email_step(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        data: &serde_json::Value,
        text: &str,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let account = data["account"].as_i64().unwrap_or_default();
        let clear = text == "-";
        if !clear && !looks_like_email(text) {
            let reply = fill(t.bad_email, &[("value", &html(text))]);
            send(&ctx.bot, chat, &reply, None).await?;
            return Ok(());
        }
        ctx.core.end_dialogue(chat).await?;
        if store::get(&ctx.core.pool, chat.0, account).await?.is_none() {
            send(&ctx.bot, chat, t.account_gone, None).await?;
            return Ok(());
        }
        store::set_digest_email(&ctx.core.pool, account, (!clear).then_some(text)).await?;
        let reply = if clear {
            t.email_cleared.to_string()
        } else {
            fill(t.email_set, &[("email", &html(text))])
        };
        send(&ctx.bot, chat, &reply, None).await?;
        Ok(())
    }

    async fn finish_connect(
        &self,
        ctx: &Ctx,
        chat: ChatId,
        data: &serde_json::Value,
        agency: Option<String>,
    ) -> anyhow::Result<()> {
        let t = texts(ctx.caller.lang);
        let job = VkConnect {
            chat_id: chat.0,
            client_id: data["client_id"].as_str().unwrap_or_default().to_string(),
            sealed_secret: data["sealed_secret"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            agency_client_name: agency,
        };
        ctx.core.queue.enqueue(job).await?;
        ctx.core.end_dialogue(chat).await?;
        send(&ctx.bot, chat, t.checking, None).await?;
        Ok(())
    }
}

/// Deletes a message that carried a secret: it must not stay in the chat.
async fn forget_message(ctx: &Ctx, msg: &Message) {
    if let Err(error) = ctx.bot.delete_message(msg.chat.id, msg.id).await {
        tracing::warn!(%error, "could not delete the message carrying a VK secret");
    }
}

/// Base64 of the sealed value (how secrets travel in dialogue data and jobs).
fn seal(sealer: &Sealer, plain: &str) -> String {
    base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        sealer.seal(plain),
    )
}

/// A VK access token: one word of at least 16 letters, digits, `.`, `-`, `_`.
fn looks_like_token(text: &str) -> bool {
    (16..=1024).contains(&text.len())
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
}

fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text.chars().any(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_addresses_are_recognised() {
        assert!(looks_like_token("vk1.a.AbC-123_xyz.QWERTY"));
        for bad in [
            "short",
            "vk1.a.has space inside",
            "токен-токен-токен-токен",
            "",
        ] {
            assert!(!looks_like_token(bad), "{bad:?}");
        }
        assert!(!looks_like_token(&"a".repeat(1025)));
        assert!(looks_like_email("name@example.com"));
        for bad in ["name", "@example.com", "a@b", "a@.b.", "a b@c.d", "a@b@c.d"] {
            assert!(!looks_like_email(bad), "{bad:?}");
        }
    }
}
