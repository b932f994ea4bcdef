//! Delivery of a capture's report: documents to the waiting chats (with a
//! caption summary), one e-mail to the account, failure notices.

use std::path::PathBuf;

use anyhow::Context;

use super::pipeline::RunResult;
use super::store::{self, Account, Request};
use super::texts::texts;
use crate::db::Pool;
use crate::jobs::Queue;
use crate::mail::EmailJobPayload;
use crate::telegram::lang::Lang;
use crate::telegram::sender::{OutMessage, Outbound};
use crate::telegram::texts::{fill, html};

/// Totals and troubled pages of a capture, for captions and e-mails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub new: i64,
    pub running: i64,
    pub stopped: i64,
    /// `(page id, reason)` of degraded or failed pages.
    pub troubled: Vec<(String, String)>,
}

impl From<&RunResult> for Summary {
    fn from(r: &RunResult) -> Self {
        let (new, running, stopped) = r.totals();
        Summary {
            new: new as i64,
            running: running as i64,
            stopped: stopped as i64,
            troubled: r
                .pages
                .iter()
                .filter_map(|p| {
                    p.outcome.reason().map(|reason| {
                        (
                            p.name.clone().unwrap_or_else(|| p.page_id.clone()),
                            reason.to_string(),
                        )
                    })
                })
                .collect(),
        }
    }
}

pub(super) async fn summary_of(pool: &Pool, capture_id: i64) -> anyhow::Result<Summary> {
    let client = pool.get().await.context("connecting to the database")?;
    let rows = client
        .query(
            "SELECT cp.page_id, p.display_name, cp.reason, cp.new_ads, cp.running, cp.stopped
             FROM adlib_capture_pages cp LEFT JOIN adlib_pages p USING (page_id) WHERE cp.capture_id = $1",
            &[&capture_id],
        )
        .await?;
    let mut s = Summary::default();
    for r in rows {
        s.new += i64::from(r.get::<_, i32>(3));
        s.running += i64::from(r.get::<_, i32>(4));
        s.stopped += i64::from(r.get::<_, i32>(5));
        if let Some(reason) = r.get::<_, Option<String>>(2) {
            let name: Option<String> = r.get(1);
            s.troubled.push((name.unwrap_or_else(|| r.get(0)), reason));
        }
    }
    Ok(s)
}

/// The caption of a report's first part (at most 1024 characters).
pub fn caption(lang: Lang, account: &str, summary: &Summary) -> String {
    let t = texts(lang);
    let mut text = fill(
        t.caption,
        &[
            ("account", &account),
            ("new", &summary.new),
            ("running", &summary.running),
            ("stopped", &summary.stopped),
        ],
    );
    for (page, reason) in &summary.troubled {
        text.push('\n');
        text.push_str(&fill(
            t.caption_degraded,
            &[("page", page), ("reason", reason)],
        ));
    }
    let text: String = text.chars().take(1000).collect();
    html(&text)
}

pub(super) fn documents(
    chat_id: i64,
    lang: Lang,
    account: &Account,
    summary: &Summary,
    paths: &[PathBuf],
) -> Vec<Outbound> {
    let t = texts(lang);
    paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let caption = if i == 0 {
                caption(lang, &account.name, summary)
            } else {
                html(&fill(
                    t.caption_part,
                    &[
                        ("account", &account.name),
                        ("part", &(i + 1)),
                        ("parts", &paths.len()),
                    ],
                ))
            };
            Outbound {
                chat_id,
                message: OutMessage::Document {
                    path: path.clone(),
                    caption: Some(caption),
                },
                broadcast_id: None,
                deferred: false,
            }
        })
        .collect()
}

pub(super) async fn deliver(
    pool: &Pool,
    queue: &Queue,
    state: &super::jobs::AdlibState,
    account: &Account,
    result: &RunResult,
) -> anyhow::Result<()> {
    let summary = Summary::from(result);
    let requests = store::take_requests(pool, account.id, result.capture_id).await?;
    for request in &requests {
        let lang = Lang::from_code(&request.lang).unwrap_or_default();
        queue
            .enqueue_many(documents(
                request.chat_id,
                lang,
                account,
                &summary,
                &result.report_paths,
            ))
            .await?;
    }
    if state.email && !account.emails.is_empty() {
        let lang = requests
            .first()
            .and_then(|r| Lang::from_code(&r.lang))
            .unwrap_or_default();
        queue
            .enqueue(email(lang, account, &summary, &result.report_paths))
            .await?;
    }
    Ok(())
}

/// The report e-mail to the account's addresses.
pub fn email(
    lang: Lang,
    account: &Account,
    summary: &Summary,
    paths: &[PathBuf],
) -> EmailJobPayload {
    let t = texts(lang);
    let date = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let counts = fill(
        t.caption,
        &[
            ("account", &account.name),
            ("new", &summary.new),
            ("running", &summary.running),
            ("stopped", &summary.stopped),
        ],
    );
    let mut text = counts.clone();
    let mut rows = String::new();
    for (page, reason) in &summary.troubled {
        let line = fill(t.caption_degraded, &[("page", page), ("reason", reason)]);
        text.push('\n');
        text.push_str(&line);
        rows.push_str(&format!("<li>{}</li>", html(&line)));
    }
    let body = html(&counts).replace('\n', "<br>");
    let list = if rows.is_empty() {
        String::new()
    } else {
        format!("<ul>{rows}</ul>")
    };
    EmailJobPayload {
        to: account.emails.clone(),
        subject: fill(
            t.email_subject,
            &[("account", &account.name), ("date", &date)],
        ),
        text,
        html: Some(format!("<p>{body}</p>{list}")),
        attachment_paths: paths.to_vec(),
    }
}

pub(super) async fn notify_failure(
    queue: &Queue,
    account: &Account,
    requests: &[Request],
    error: &anyhow::Error,
) -> anyhow::Result<()> {
    let messages = requests
        .iter()
        .map(|r| {
            let t = texts(Lang::from_code(&r.lang).unwrap_or_default());
            let reason = format!("{error:#}");
            Outbound::text(
                r.chat_id,
                html(&fill(
                    t.capture_failed,
                    &[("account", &account.name), ("error", &reason)],
                )),
                vec![],
            )
        })
        .collect();
    queue.enqueue_many(messages).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captions_name_degraded_pages_and_stay_short() {
        let summary = Summary {
            new: 3,
            running: 44,
            stopped: 5,
            troubled: vec![("Blocked <x>".into(), "challenge page".into())],
        };
        let c = caption(Lang::En, "Acme", &summary);
        assert!(
            c.contains("New: 3") && c.contains("Blocked &lt;x&gt;") && c.contains("challenge page"),
            "{c}"
        );
        let long = Summary {
            troubled: vec![("p".into(), "r".repeat(3000))],
            ..summary
        };
        assert!(caption(Lang::Ru, "Acme", &long).chars().count() <= 1024);
    }
}
