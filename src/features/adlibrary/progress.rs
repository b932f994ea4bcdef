//! A capture's progress in the chats waiting for it: one message per chat,
//! posted when the browser starts and edited as competitor pages are done
//! ("Acme: competitor 3/7 — 24 ads"), each in its chat's language.
//!
//! Progress is best-effort: a chat whose message cannot be posted or edited
//! simply sees no more progress; the report is delivered all the same.

use teloxide::payloads::SendMessageSetters;
use teloxide::prelude::Requester;
use teloxide::types::{ChatId, ParseMode};

use super::model::PageCapture;
use super::texts::texts;
use crate::telegram::bot::SenderBot;
use crate::telegram::lang::Lang;
use crate::telegram::progress::Progress;
use crate::telegram::texts::{fill, html};

/// One finished competitor page, as the progress message shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageDone {
    /// Pages done so far, including this one.
    pub done: usize,
    /// Pages in the capture.
    pub total: usize,
    /// Ads captured on this page.
    pub ads: usize,
    /// Why the page was not read completely, if it was not.
    pub reason: Option<String>,
}

impl PageDone {
    /// The event for `page`, the `done`-th of `total`.
    pub fn of(done: usize, total: usize, page: &PageCapture) -> Self {
        Self {
            done,
            total,
            ads: page.ads.len(),
            reason: page.outcome.reason().map(str::to_string),
        }
    }
}

/// The progress messages of one capture.
pub struct CaptureProgress {
    bot: SenderBot,
    account: String,
    total: usize,
    /// Every chat seen so far, whether or not its message could be posted.
    known: std::collections::HashSet<i64>,
    chats: Vec<(Lang, Progress<SenderBot>)>,
    /// The last page shown, for chats that join later.
    last: Option<PageDone>,
}

impl CaptureProgress {
    /// Posts the starting line ("capturing N competitors…") to every chat in
    /// `chats`; a chat the bot cannot write to is left out.
    pub async fn open(bot: &SenderBot, account: &str, chats: &[(i64, Lang)], total: usize) -> Self {
        let mut progress = Self {
            bot: bot.clone(),
            account: account.to_string(),
            total,
            known: std::collections::HashSet::new(),
            chats: Vec::with_capacity(chats.len()),
            last: None,
        };
        progress.join(chats).await;
        progress
    }

    /// Posts the progress message to the chats in `chats` that have none yet
    /// (requests that arrived while the capture runs), at the current state.
    pub async fn join(&mut self, chats: &[(i64, Lang)]) {
        for &(chat, lang) in chats {
            if !self.known.insert(chat) {
                continue;
            }
            let text = match &self.last {
                Some(page) => page_line(lang, &self.account, page),
                None => fill(
                    texts(lang).progress_start,
                    &[("account", &self.account), ("total", &self.total)],
                ),
            };
            match self
                .bot
                .send_message(ChatId(chat), html(&text))
                .parse_mode(ParseMode::Html)
                .await
            {
                Ok(message) => self.chats.push((
                    lang,
                    Progress::new(self.bot.clone(), ChatId(chat), message.id),
                )),
                Err(error) => {
                    tracing::warn!(chat, %error, "could not post the capture progress message")
                }
            }
        }
    }

    /// Shows `page` (edits are rate-limited; skipped states never matter).
    pub async fn page(&mut self, page: &PageDone) {
        self.last = Some(page.clone());
        let account = self.account.clone();
        self.each(false, |lang| page_line(lang, &account, page))
            .await;
    }

    /// Shows the final line: all pages done and how many ads were captured.
    pub async fn finished(&mut self, pages: usize, ads: usize) {
        let account = self.account.clone();
        self.each(true, |lang| {
            fill(
                texts(lang).progress_done,
                &[("account", &account), ("pages", &pages), ("ads", &ads)],
            )
        })
        .await;
    }

    /// Shows that the capture failed (the reason follows in its own message).
    pub async fn failed(&mut self) {
        let account = self.account.clone();
        self.each(true, |lang| {
            fill(texts(lang).progress_failed, &[("account", &account)])
        })
        .await;
    }

    async fn each(&mut self, last: bool, line: impl Fn(Lang) -> String) {
        for (lang, progress) in &mut self.chats {
            let text = html(&line(*lang));
            let shown = if last {
                progress.finish(text).await
            } else {
                progress.update(text).await
            };
            if let Err(error) = shown {
                tracing::warn!(%error, "could not edit the capture progress message");
            }
        }
    }
}

/// The line for one finished page in `lang`.
pub fn page_line(lang: Lang, account: &str, page: &PageDone) -> String {
    let t = texts(lang);
    match &page.reason {
        Some(reason) => fill(
            t.progress_degraded,
            &[
                ("account", &account),
                ("done", &page.done),
                ("total", &page.total),
                ("reason", reason),
            ],
        ),
        None => fill(
            t.progress,
            &[
                ("account", &account),
                ("done", &page.done),
                ("total", &page.total),
                ("ads", &page.ads),
            ],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lines_name_the_competitor_count_and_the_trouble() {
        let ok = PageDone {
            done: 3,
            total: 7,
            ads: 24,
            reason: None,
        };
        assert_eq!(
            page_line(Lang::En, "Acme", &ok),
            "Acme: competitor 3/7 — 24 ads"
        );
        let degraded = PageDone {
            reason: Some("challenge page".into()),
            ..ok
        };
        assert!(page_line(Lang::Ru, "Acme", &degraded).contains("challenge page"));
    }
}
