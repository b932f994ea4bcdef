//! Admin: the job queue — per-type counts, the failures with Retry and a
//! confirmed Discard. Every action is audited.

use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use graphile_worker::worker_utils::types::RescheduleJobOptions;
use serde_json::json;
use teloxide::types::{ChatId, InlineKeyboardButton, MessageId};

use super::{menus, reply};
use crate::jobs::registry::DEFAULT_MAX_ATTEMPTS;
use crate::jobs::summary;
use crate::telegram::core::Ctx;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::keyboard::{confirm_keyboard, paginate};
use crate::telegram::store::{audit, pending};
use crate::telegram::texts::{fill, html, texts};

const FAILURES_PER_PAGE: usize = 5;

pub(super) async fn jobs_page(
    ctx: &Ctx,
    chat: ChatId,
    message: Option<MessageId>,
    page: u32,
) -> anyhow::Result<()> {
    let lang = ctx.caller.lang;
    let t = texts(lang);
    let tasks = summary::per_task(&ctx.core.pool).await?;
    let failures = summary::recent_failures(&ctx.core.pool, 200).await?;
    let mut text = if tasks.is_empty() {
        t.jobs_empty.to_string()
    } else {
        let mut text = t.jobs_title.to_string();
        for task in &tasks {
            text.push_str(&format!(
                "\n• <code>{}</code>: {} / {} / {}",
                html(&task.task),
                task.queued,
                task.running,
                task.failed
            ));
        }
        text
    };
    let mut view = paginate(
        &failures,
        page,
        FAILURES_PER_PAGE,
        |job| {
            (
                format!("{} #{}", t.retry, job.id),
                CoreCallback::RetryJob(job.id).data(),
            )
        },
        |page| CoreCallback::JobsPage(page).data(),
        &menus::pager(lang),
    );
    for (row, job) in view
        .keyboard
        .inline_keyboard
        .iter_mut()
        .zip(&failures[view.range.clone()])
    {
        row.push(InlineKeyboardButton::callback(
            format!("{} #{}", t.discard, job.id),
            CoreCallback::DiscardJob(job.id).data(),
        ));
    }
    if !failures.is_empty() {
        text.push_str("\n\n");
        text.push_str(t.jobs_failures);
        for job in &failures[view.range.clone()] {
            let error: String = job
                .last_error
                .as_deref()
                .unwrap_or("")
                .chars()
                .take(300)
                .collect();
            text.push_str(&format!(
                "\n#{} <code>{}</code> ({}×, {}): {}",
                job.id,
                html(&job.task),
                job.attempts,
                job.updated_at.format("%Y-%m-%d %H:%M UTC"),
                html(&error)
            ));
        }
    }
    view.keyboard
        .inline_keyboard
        .push(menus::back_to_main(lang));
    match message {
        Some(id) => reply::edit(&ctx.bot, chat, id, &text, Some(view.keyboard)).await?,
        None => reply::send(&ctx.bot, chat, &text, Some(view.keyboard)).await?,
    }
    Ok(())
}

pub(super) async fn retry_job(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    job: i64,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let options = RescheduleJobOptions {
        run_at: Some(Utc::now()),
        attempts: Some(0),
        max_attempts: Some(DEFAULT_MAX_ATTEMPTS),
        ..RescheduleJobOptions::default()
    };
    let rescheduled = ctx
        .core
        .queue
        .utils()
        .reschedule_jobs(&[job], options)
        .await
        .context("rescheduling a failed job")?;
    let done = !rescheduled.is_empty();
    report_job_action(
        ctx,
        chat,
        message,
        job,
        done.then_some(("job.retry", t.job_retried)),
    )
    .await
}

/// Audits a done job action and tells the admin; `None` means the job was gone.
async fn report_job_action(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    job: i64,
    done: Option<(&str, &str)>,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let text = match done {
        None => fill(t.job_gone, &[("id", &job)]),
        Some((action, template)) => {
            let client = ctx.core.pool.get().await?;
            audit::record(
                &**client,
                Some(ctx.caller.user_id),
                action,
                json!({"job": job}),
            )
            .await?;
            fill(template, &[("id", &job)])
        }
    };
    reply::edit(&ctx.bot, chat, message, &text, None).await?;
    Ok(())
}

pub(super) async fn ask_discard(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    job: i64,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let action = pending::create(
        &ctx.core.pool,
        ctx.caller.user_id,
        json!({"discard_job": job}),
        Duration::from_secs(600),
    )
    .await?;
    let question = format!("{} #{job}?", t.discard);
    let markup = confirm_keyboard(
        t.discard,
        CoreCallback::Confirm {
            action: action as u32,
        }
        .data(),
        t.back,
        CoreCallback::JobsPage(0).data(),
    );
    reply::edit(&ctx.bot, chat, message, &question, Some(markup)).await?;
    Ok(())
}

pub(super) async fn confirm(
    ctx: &Ctx,
    chat: ChatId,
    message: MessageId,
    action: u32,
) -> anyhow::Result<()> {
    let t = texts(ctx.caller.lang);
    let taken = match i32::try_from(action) {
        Ok(id) => pending::take(&ctx.core.pool, id, ctx.caller.user_id).await?,
        Err(_) => None,
    };
    let Some(job) = taken.and_then(|a| a["discard_job"].as_i64()) else {
        return reply::edit(&ctx.bot, chat, message, t.expired_button, None)
            .await
            .map_err(Into::into);
    };
    let removed = ctx
        .core
        .queue
        .utils()
        .complete_jobs(&[job])
        .await
        .context("discarding a failed job")?;
    let done = !removed.is_empty();
    report_job_action(
        ctx,
        chat,
        message,
        job,
        done.then_some(("job.discard", t.job_discarded)),
    )
    .await
}
