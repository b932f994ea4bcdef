//! Jobs of the pixel feature: the export CSV and the open report. Both send
//! through the outbound sender, never the bot directly.

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use super::endpoint::pixel_url;
use super::texts::{texts, Texts};
use super::{report, store};
use crate::db::Pool;
use crate::jobs::{AppJob, JobCtx, Queue};
use crate::telegram::lang::Lang;
use crate::telegram::sender::{OutMessage, Outbound};
use crate::telegram::texts::{fill, html};

/// What the pixel jobs need from the config.
#[derive(Debug, Clone)]
pub struct PixelJobState {
    /// `http.public_url`.
    pub public_url: String,
    /// `pixel.dedupe_minutes`.
    pub dedupe_minutes: u32,
    /// Where export files and charts are written.
    pub files_dir: PathBuf,
}

/// Sends campaign `campaign_id`'s pixels as a CSV document to `chat_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExportPixels {
    pub chat_id: i64,
    pub campaign_id: i64,
    pub lang: String,
}

/// Sends campaign `campaign_id`'s open report (text and charts) to `chat_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportOpens {
    pub chat_id: i64,
    pub campaign_id: i64,
    pub lang: String,
}

fn lang_texts(code: &str) -> &'static Texts {
    texts(Lang::from_code(code).unwrap_or_default())
}

async fn send(queue: &Queue, chat_id: i64, message: OutMessage) -> anyhow::Result<()> {
    queue
        .enqueue(Outbound {
            chat_id,
            message,
            broadcast_id: None,
            deferred: false,
        })
        .await?;
    Ok(())
}

fn fresh_dir(base: &Path) -> anyhow::Result<PathBuf> {
    let dir = base.join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The export CSV: one line per pixel.
pub fn export_csv(public_url: &str, rows: &[store::ExportRow]) -> anyhow::Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(["email", "name", "group", "pixel", "url", "img"])?;
    for row in rows {
        let url = pixel_url(public_url, row.token);
        let img = format!(r#"<img src="{url}" width="1" height="1" alt="" border="0">"#);
        writer.write_record([
            row.email.as_str(),
            row.name.as_str(),
            row.group.as_str(),
            &row.number.to_string(),
            &url,
            &img,
        ])?;
    }
    writer.into_inner().context("finishing the CSV")
}

impl AppJob for ExportPixels {
    const IDENTIFIER: &'static str = "pixel_export";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let (pool, queue) = (ctx.pool()?, ctx.queue()?);
        let state = ctx.state::<PixelJobState>()?;
        let t = lang_texts(&self.lang);
        let Some(campaign) = store::get(pool, self.chat_id, self.campaign_id).await? else {
            let text = fill(t.not_found, &[("id", &self.campaign_id)]);
            return send(queue, self.chat_id, text_message(text)).await;
        };
        let rows = store::export_rows(pool, campaign.id).await?;
        let name = html(&campaign.name);
        if rows.is_empty() {
            let text = fill(t.export_empty, &[("name", &name), ("id", &campaign.id)]);
            return send(queue, self.chat_id, text_message(text)).await;
        }
        let bytes = export_csv(&state.public_url, &rows)?;
        let path = fresh_dir(&state.files_dir)?.join(format!("pixels-{}.csv", campaign.id));
        tokio::fs::write(&path, bytes)
            .await
            .with_context(|| format!("writing {}", path.display()))?;
        let caption = fill(
            t.export_caption,
            &[
                ("name", &name),
                ("pixels", &rows.len()),
                ("contacts", &campaign.contacts),
            ],
        );
        send(
            queue,
            self.chat_id,
            OutMessage::Document {
                path,
                caption: Some(caption),
            },
        )
        .await
    }
}

fn text_message(text: String) -> OutMessage {
    OutMessage::Text {
        text,
        buttons: Vec::new(),
    }
}

impl AppJob for ReportOpens {
    const IDENTIFIER: &'static str = "pixel_report";

    async fn run(self, ctx: JobCtx) -> anyhow::Result<()> {
        let (pool, queue) = (ctx.pool()?, ctx.queue()?);
        let state = ctx.state::<PixelJobState>()?;
        let t = lang_texts(&self.lang);
        let Some(campaign) = store::get(pool, self.chat_id, self.campaign_id).await? else {
            let text = fill(t.not_found, &[("id", &self.campaign_id)]);
            return send(queue, self.chat_id, text_message(text)).await;
        };
        let stats = build(pool, &campaign, state.dedupe_minutes).await?;
        let text =
            report::render_text(t, &campaign.name, campaign.id, &stats, state.dedupe_minutes);
        send(queue, self.chat_id, text_message(text)).await?;
        let charts = report::charts(t, &stats);
        if charts.is_empty() {
            return Ok(());
        }
        let dir = fresh_dir(&state.files_dir)?;
        for (name, png) in charts {
            let path = dir.join(format!("{name}-{}.png", campaign.id));
            tokio::fs::write(&path, png)
                .await
                .with_context(|| format!("writing {}", path.display()))?;
            send(
                queue,
                self.chat_id,
                OutMessage::Photo {
                    path,
                    caption: None,
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// The stats of `campaign` from the database.
pub async fn build(
    pool: &Pool,
    campaign: &store::Campaign,
    dedupe_minutes: u32,
) -> anyhow::Result<report::Stats> {
    let opens = store::opens(pool, campaign.id).await?;
    let timezone = crate::telegram::store::chats::timezone(pool, campaign.chat_id)
        .await?
        .and_then(|tz| tz.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    Ok(report::compute(
        &campaign.groups,
        &opens,
        dedupe_minutes,
        timezone,
    ))
}
