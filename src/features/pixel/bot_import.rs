//! The `/import` command: a contacts file attached to the command.

use teloxide::net::Download;
use teloxide::prelude::Requester;
use teloxide::types::Message;

use super::bot::{campaign_id, say, t, PixelBot};
use super::import::{self, At, Reason, Refusal, MAX_PIXELS};
use super::store;
use super::texts::Texts;
use crate::telegram::core::Ctx;
use crate::telegram::texts::{fill, html};

/// Largest file the Bot API lets a bot download, in MB.
const MAX_FILE_MB: u32 = 20;
/// Rejected rows listed in the answer; the rest are counted.
const LISTED_REJECTS: usize = 30;

/// `/import <campaign id>` with a CSV or JSON document attached: refuses bad
/// files before writing anything, imports the good rows in one transaction
/// and lists the rejected ones.
pub(super) async fn import(
    bot: &PixelBot,
    ctx: &Ctx,
    msg: &Message,
    args: &str,
) -> anyhow::Result<()> {
    let (t, chat) = (t(ctx), msg.chat.id);
    let id = match campaign_id(t, args, t.import_usage) {
        Ok(id) => id,
        Err(text) => return say(ctx, chat, &text).await,
    };
    let Some(campaign) = store::get(&bot.pool, chat.0, id).await? else {
        return say(ctx, chat, &fill(t.not_found, &[("id", &id)])).await;
    };
    let Some(doc) = msg.document() else {
        return say(ctx, chat, &fill(t.import_no_file, &[("id", &id)])).await;
    };
    let Some(format) = import::format_of(
        doc.file_name.as_deref(),
        doc.mime_type.as_ref().map(|m| m.essence_str()),
    ) else {
        let file = html(doc.file_name.as_deref().unwrap_or("?"));
        return say(ctx, chat, &fill(t.import_not_csv_json, &[("file", &file)])).await;
    };
    if doc.file.size > MAX_FILE_MB * 1024 * 1024 {
        let size = doc.file.size.div_ceil(1024 * 1024);
        return say(
            ctx,
            chat,
            &fill(
                t.import_file_too_big,
                &[("size", &size), ("max", &MAX_FILE_MB)],
            ),
        )
        .await;
    }
    let file = ctx.bot.get_file(doc.file.id.clone()).await?;
    let mut bytes: Vec<u8> = Vec::with_capacity(file.size as usize);
    ctx.bot.download_file(&file.path, &mut bytes).await?;
    let parsed = match import::parse(format, &bytes, bot.max_import_rows) {
        Ok(parsed) => parsed,
        Err(refusal) => return say(ctx, chat, &refusal_text(t, &refusal)).await,
    };
    let counts = if parsed.rows.is_empty() {
        store::ImportCounts::default()
    } else {
        let counts = store::import(&bot.pool, id, &parsed.rows).await?;
        bot.recorder.invalidate_campaign(id);
        counts
    };
    let mut text = fill(
        t.import_done,
        &[
            ("name", &html(&campaign.name)),
            ("imported", &counts.imported),
            ("updated", &counts.updated),
            ("rejected", &parsed.rejected.len()),
        ],
    );
    if !parsed.rejected.is_empty() {
        text.push_str("\n\n");
        text.push_str(t.rejected_head);
        for r in parsed.rejected.iter().take(LISTED_REJECTS) {
            let email = if r.email.is_empty() {
                String::new()
            } else {
                format!(" <code>{}</code>", html(&r.email))
            };
            text.push_str(&format!(
                "\n• {}{email}: {}",
                at_text(t, r.at),
                reason_text(t, &r.reason)
            ));
        }
        if parsed.rejected.len() > LISTED_REJECTS {
            text.push('\n');
            text.push_str(&fill(
                t.more,
                &[("more", &(parsed.rejected.len() - LISTED_REJECTS))],
            ));
        }
    }
    say(ctx, chat, &text).await
}

fn at_text(t: &Texts, at: At) -> String {
    match at {
        At::Line(n) => fill(t.at_line, &[("n", &n)]),
        At::Item(n) => fill(t.at_item, &[("n", &n)]),
    }
}

fn reason_text(t: &Texts, reason: &Reason) -> String {
    match reason {
        Reason::InvalidEmail => t.reason_email.into(),
        Reason::UnparsableDate => t.reason_date.into(),
        Reason::DuplicateInFile { first } => {
            fill(t.reason_duplicate, &[("at", &at_text(t, *first))])
        }
        Reason::TooManyPixels => fill(t.reason_pixels, &[("max", &MAX_PIXELS)]),
        Reason::InvalidPixelCount => t.reason_pixel_count.into(),
    }
}

fn refusal_text(t: &Texts, refusal: &Refusal) -> String {
    match refusal {
        Refusal::NotCsvOrJson => fill(t.import_not_csv_json, &[("file", &"?")]),
        Refusal::TooManyRows { rows, max } => {
            fill(t.import_too_many, &[("rows", rows), ("max", max)])
        }
        Refusal::Unreadable(error) => fill(t.import_unreadable, &[("error", &html(error))]),
        Refusal::NoEmailColumn => t.import_no_email.into(),
        Refusal::Empty => t.import_empty.into(),
    }
}
