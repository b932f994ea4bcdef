//! The scheduler tick against a real PostgreSQL: due schedules fire once,
//! missed fires fire once, concurrent ticks never double-fire.

mod support;

use std::time::Duration;

use chrono::{Duration as ChronoDuration, Utc};
use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::jobs::schedule_rule::ScheduleRule;
use ppc_helper::jobs::schedules::{self, NewSchedule};
use ppc_helper::jobs::{tick, JobRegistry};
use ppc_helper::shutdown::Shutdown;
use support::jobs::{create_tables, Scheduled};
use support::{eventually, test_config, TestDb};

async fn new_schedule(app: &App, rule: &str) -> schedules::Schedule {
    let client = app.pool().get().await.expect("connection");
    client
        .execute(
            "INSERT INTO chats (id, kind) VALUES (42, 'private') ON CONFLICT DO NOTHING",
            &[],
        )
        .await
        .expect("chat");
    schedules::create(
        app.pool(),
        NewSchedule {
            chat_id: 42,
            job_type: "test_scheduled".into(),
            target: serde_json::json!({"account": 7}),
            rule: rule.parse::<ScheduleRule>().expect("rule"),
            timezone: chrono_tz::Europe::Berlin,
        },
    )
    .await
    .expect("schedule created")
}

async fn jobs_named(db: &TestDb, task: &str) -> Vec<(String, serde_json::Value)> {
    db.client()
        .await
        .query(
            "SELECT j.key, p.payload FROM graphile_worker.jobs j
             JOIN graphile_worker._private_jobs p USING (id) WHERE j.task_identifier = $1",
            &[&task],
        )
        .await
        .expect("jobs")
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

#[tokio::test]
async fn missed_fires_fire_once_and_concurrent_ticks_do_not_double_fire() {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app");
    let schedule = new_schedule(&app, "every 5 minutes").await;
    assert!(schedule.next_fire_at > Utc::now());
    // The app was down for an hour: twelve fires were missed.
    let missed_at = Utc::now() - ChronoDuration::hours(1);
    db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = $2 WHERE id = $1",
            &[&schedule.id, &missed_at],
        )
        .await
        .expect("backdate");
    let now = Utc::now();
    let (a, b) = tokio::join!(
        tick::fire_due(app.pool(), app.queue(), now),
        tick::fire_due(app.pool(), app.queue(), now)
    );
    assert_eq!(a.expect("tick a") + b.expect("tick b"), 1);
    let jobs = jobs_named(&db, "test_scheduled").await;
    assert_eq!(jobs.len(), 1);
    let fired = missed_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(jobs[0].0, format!("schedule:{}:{fired}", schedule.id));
    assert_eq!(jobs[0].1["target"]["account"], 7);
    assert_eq!(jobs[0].1["chat_id"], 42);
    let after = schedules::get(app.pool(), schedule.id)
        .await
        .expect("get")
        .expect("exists");
    assert!(after.next_fire_at > now);
    assert!(after.next_fire_at <= now + ChronoDuration::minutes(5));
    assert_eq!(
        after.last_fired_at.map(|t| t.timestamp()),
        Some(missed_at.timestamp())
    );
    // Ticking again at the same time fires nothing.
    assert_eq!(
        tick::fire_due(app.pool(), app.queue(), now)
            .await
            .expect("tick"),
        0
    );
    app.close().await.expect("close");
}

#[tokio::test]
async fn paused_schedules_do_not_fire_and_resume_without_backlog() {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app");
    let schedule = new_schedule(&app, "daily 09:30").await;
    assert!(schedules::set_enabled(app.pool(), schedule.id, false)
        .await
        .expect("pause"));
    let later = Utc::now() + ChronoDuration::days(3);
    assert_eq!(
        tick::fire_due(app.pool(), app.queue(), later)
            .await
            .expect("tick"),
        0
    );
    assert!(schedules::set_enabled(app.pool(), schedule.id, true)
        .await
        .expect("resume"));
    let resumed = schedules::get(app.pool(), schedule.id)
        .await
        .expect("get")
        .expect("exists");
    assert!(resumed.next_fire_at > Utc::now());
    assert!(resumed.enabled);
    assert_eq!(
        schedules::pause_for_chat(app.pool(), 42)
            .await
            .expect("pause chat"),
        1
    );
    assert_eq!(
        schedules::list_for_chat(app.pool(), 42)
            .await
            .expect("list")
            .len(),
        1
    );
    assert!(schedules::delete(app.pool(), schedule.id)
        .await
        .expect("delete"));
    assert!(!schedules::delete(app.pool(), schedule.id)
        .await
        .expect("delete twice"));
    app.close().await.expect("close");
}

#[tokio::test]
async fn the_tick_job_runs_the_scheduled_job_once() {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app");
    create_tables(&db.client().await).await;
    let schedule = new_schedule(&app, "weekly mon-sun 00:00").await;
    db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = now() - interval '1 second' WHERE id = $1",
            &[&schedule.id],
        )
        .await
        .expect("make due");
    let queue = app.queue().clone();
    let seams = Seams {
        extra_jobs: JobRegistry::new().job::<Scheduled>(),
        ..Seams::default()
    };
    let running = app.start(Mode::Worker, seams).await.expect("start");
    queue
        .enqueue(tick::ScheduleTick::default())
        .await
        .expect("tick job");
    queue
        .enqueue(tick::ScheduleTick::default())
        .await
        .expect("second tick job");
    let key = format!("schedule-{}", schedule.id);
    eventually(Duration::from_secs(15), "scheduled job ran", || async {
        let rows = db
            .client()
            .await
            .query("SELECT 1 FROM test_runs WHERE key = $1", &[&key])
            .await
            .expect("runs");
        rows.len() == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let runs = db
        .client()
        .await
        .query("SELECT payload FROM test_runs WHERE key = $1", &[&key])
        .await
        .expect("runs");
    assert_eq!(runs.len(), 1);
    let payload: serde_json::Value = runs[0].get(0);
    assert_eq!(payload["schedule_id"], schedule.id);
    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
}

/// The real crontab, not a hand-enqueued tick: graphile_worker fires
/// `scheduler_tick` at the next minute boundary with its own cron payload,
/// and the due schedule's job runs. (A crontab line without a payload once
/// made every tick fail on a `null` payload.)
#[tokio::test]
async fn the_crontab_fires_the_tick_at_the_minute() {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app");
    create_tables(&db.client().await).await;
    let schedule = new_schedule(&app, "weekly mon-sun 00:00").await;
    db.client()
        .await
        .execute(
            "UPDATE schedules SET next_fire_at = now() - interval '1 second' WHERE id = $1",
            &[&schedule.id],
        )
        .await
        .expect("make due");
    let seams = Seams {
        extra_jobs: JobRegistry::new().job::<Scheduled>(),
        ..Seams::default()
    };
    let running = app.start(Mode::Worker, seams).await.expect("start");
    let key = format!("schedule-{}", schedule.id);
    eventually(
        Duration::from_secs(90),
        "the cron tick fired the schedule",
        || async {
            db.client()
                .await
                .query("SELECT 1 FROM test_runs WHERE key = $1", &[&key])
                .await
                .expect("runs")
                .len()
                == 1
        },
    )
    .await;
    let failed = db
        .client()
        .await
        .query(
            "SELECT last_error FROM graphile_worker.jobs
             WHERE task_identifier = 'scheduler_tick' AND last_error IS NOT NULL",
            &[],
        )
        .await
        .expect("ticks");
    assert!(
        failed.is_empty(),
        "a tick failed: {:?}",
        failed.first().map(|r| r.get::<_, String>(0))
    );
    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
}
