//! The job queue against a real PostgreSQL: processing, batches, transactional
//! enqueue, retries, permanent failures, job keys and graceful shutdown.

mod support;

use std::time::Duration;

use ppc_helper::app::{App, Mode, Running, Seams};
use ppc_helper::jobs::{summary, JobRegistry};
use ppc_helper::shutdown::Shutdown;
use support::jobs::{create_tables, Fail, Record};
use support::{eventually, test_config, TestDb};

async fn start(db: &TestDb) -> Running {
    let app = App::build(test_config(db), Shutdown::new())
        .await
        .expect("app builds");
    create_tables(&db.client().await).await;
    let seams = Seams {
        extra_jobs: JobRegistry::new().job::<Record>().job::<Fail>(),
        ..Seams::default()
    };
    app.start(Mode::Worker, seams).await.expect("app starts")
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.client()
        .await
        .query_one(sql, &[])
        .await
        .expect("count query")
        .get(0)
}

#[tokio::test]
async fn batch_enqueued_jobs_all_run_once() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let jobs: Vec<Record> = (0..300)
        .map(|i| Record {
            key: format!("k{i}"),
            delay_ms: 0,
            job_key: None,
            queue: None,
        })
        .collect();
    assert_eq!(app.queue().enqueue_many(jobs).await.expect("enqueue"), 300);
    eventually(Duration::from_secs(30), "300 runs", || async {
        count(&db, "SELECT count(*) FROM test_runs").await == 300
    })
    .await;
    assert_eq!(
        count(&db, "SELECT count(DISTINCT key) FROM test_runs").await,
        300
    );
    eventually(Duration::from_secs(10), "queue empty", || async {
        count(
            &db,
            "SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = 'test_record'",
        )
        .await
            == 0
    })
    .await;
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}

#[tokio::test]
async fn enqueue_in_a_transaction_follows_its_outcome() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let mut client = app.pool().get().await.expect("connection");
    {
        let tx = client.transaction().await.expect("tx");
        tx.execute("INSERT INTO audit_log (action) VALUES ('rolled back')", &[])
            .await
            .expect("insert");
        let job = Record {
            key: "rolled-back".into(),
            delay_ms: 0,
            job_key: None,
            queue: None,
        };
        app.queue().enqueue_in(&tx, job).await.expect("enqueue");
        tx.rollback().await.expect("rollback");
    }
    {
        let tx = client.transaction().await.expect("tx");
        tx.execute("INSERT INTO audit_log (action) VALUES ('committed')", &[])
            .await
            .expect("insert");
        let job = Record {
            key: "committed".into(),
            delay_ms: 0,
            job_key: None,
            queue: None,
        };
        app.queue().enqueue_in(&tx, job).await.expect("enqueue");
        tx.commit().await.expect("commit");
    }
    eventually(Duration::from_secs(10), "committed job ran", || async {
        count(
            &db,
            "SELECT count(*) FROM test_runs WHERE key = 'committed'",
        )
        .await
            == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM test_runs WHERE key = 'rolled-back'"
        )
        .await,
        0
    );
    assert_eq!(count(&db, "SELECT count(*) FROM audit_log").await, 1);
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}

#[tokio::test]
async fn permanent_failure_is_not_retried_and_is_listed() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let job = Fail {
        key: "perm".into(),
        permanent: true,
        max_attempts: 5,
    };
    app.queue().enqueue(job).await.expect("enqueue");
    eventually(Duration::from_secs(10), "job failed", || async {
        summary::recent_failures(app.pool(), 10)
            .await
            .expect("failures")
            .len()
            == 1
    })
    .await;
    let failures = summary::recent_failures(app.pool(), 10)
        .await
        .expect("failures");
    assert_eq!(failures[0].task, "test_fail");
    let error = failures[0].last_error.clone().unwrap_or_default();
    assert!(
        error.contains("the remote side said no"),
        "error kept its cause: {error}"
    );
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(
        count(&db, "SELECT count(*) FROM test_runs WHERE key = 'perm'").await,
        1
    );
    let tasks = summary::per_task(app.pool()).await.expect("summary");
    let fail = tasks
        .iter()
        .find(|t| t.task == "test_fail")
        .expect("listed");
    assert_eq!((fail.queued, fail.running, fail.failed), (0, 0, 1));
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}

#[tokio::test]
async fn retries_stop_at_the_attempt_limit() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let job = Fail {
        key: "retry".into(),
        permanent: false,
        max_attempts: 2,
    };
    app.queue().enqueue(job).await.expect("enqueue");
    // graphile_worker backs off exp(1) ≈ 2.7 s before the second attempt.
    eventually(Duration::from_secs(20), "two attempts", || async {
        count(&db, "SELECT count(*) FROM test_runs WHERE key = 'retry'").await == 2
    })
    .await;
    tokio::time::sleep(Duration::from_secs(8)).await;
    assert_eq!(
        count(&db, "SELECT count(*) FROM test_runs WHERE key = 'retry'").await,
        2
    );
    assert_eq!(
        count(
            &db,
            "SELECT max(attempt)::bigint FROM test_runs WHERE key = 'retry'"
        )
        .await,
        2
    );
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}

#[tokio::test]
async fn a_job_key_keeps_one_pending_job() {
    let db = TestDb::new().await;
    let app = App::build(test_config(&db), Shutdown::new())
        .await
        .expect("app builds");
    for delay in [10, 20, 30] {
        let job = Record {
            key: "keyed".into(),
            delay_ms: delay,
            job_key: Some("same".into()),
            queue: None,
        };
        app.queue().enqueue(job).await.expect("enqueue");
    }
    assert_eq!(
        count(&db, "SELECT count(*) FROM graphile_worker.jobs").await,
        1
    );
    app.close().await.expect("close");
}

#[tokio::test]
async fn shutdown_lets_the_running_job_finish() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let job = Record {
        key: "slow".into(),
        delay_ms: 1500,
        job_key: None,
        queue: None,
    };
    app.queue().enqueue(job).await.expect("enqueue");
    eventually(Duration::from_secs(10), "job locked", || async {
        count(
            &db,
            "SELECT count(*) FROM graphile_worker.jobs
             WHERE locked_at IS NOT NULL AND task_identifier = 'test_record'",
        )
        .await
            == 1
    })
    .await;
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
    assert_eq!(
        count(&db, "SELECT count(*) FROM test_runs WHERE key = 'slow'").await,
        1
    );
    let leftover = db
        .client()
        .await
        .query(
            "SELECT task_identifier, attempts, last_error, locked_at IS NOT NULL FROM graphile_worker.jobs
             WHERE task_identifier LIKE 'test_%'",
            &[],
        )
        .await
        .expect("jobs");
    let leftover: Vec<(String, i16, Option<String>, bool)> = leftover
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    assert!(
        leftover.is_empty(),
        "jobs left after shutdown: {leftover:?}"
    );
}

/// The keys of the first `runs` test jobs, in the order they ran.
async fn run_order(db: &TestDb, runs: i64) -> Vec<String> {
    eventually(Duration::from_secs(30), "all runs", || async {
        count(db, "SELECT count(*) FROM test_runs").await == runs
    })
    .await;
    db.client()
        .await
        .query("SELECT key FROM test_runs ORDER BY ran_at", &[])
        .await
        .expect("runs")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[tokio::test]
async fn a_batch_on_one_named_queue_runs_in_the_order_given() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    // A small batch: PostgreSQL inserts these in reverse (seen with 5 jobs).
    let jobs: Vec<Record> = (0..5)
        .map(|i| Record {
            key: format!("{i:02}"),
            delay_ms: 0,
            job_key: None,
            queue: Some("chat:77".into()),
        })
        .collect();
    app.queue().enqueue_many(jobs).await.expect("enqueue");
    let order = run_order(&db, 5).await;
    let expected: Vec<String> = (0..5).map(|i| format!("{i:02}")).collect();
    assert_eq!(order, expected);
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}

#[tokio::test]
async fn a_batch_in_a_transaction_follows_its_outcome_and_keeps_its_order() {
    let db = TestDb::new().await;
    let app = start(&db).await;
    let batch = |prefix: &str| -> Vec<Record> {
        (0..5)
            .map(|i| Record {
                key: format!("{prefix}{i}"),
                delay_ms: 0,
                job_key: None,
                queue: Some("chat:78".into()),
            })
            .collect()
    };
    let mut client = app.pool().get().await.expect("connection");
    let tx = client.transaction().await.expect("tx");
    assert_eq!(
        app.queue()
            .enqueue_many_in(&tx, batch("gone"))
            .await
            .expect("enqueue"),
        5
    );
    tx.rollback().await.expect("rollback");
    let tx = client.transaction().await.expect("tx");
    app.queue()
        .enqueue_many_in(&tx, batch("kept"))
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    let order = run_order(&db, 5).await;
    assert_eq!(order, ["kept0", "kept1", "kept2", "kept3", "kept4"]);
    app.shutdown().trigger();
    app.wait().await.expect("clean stop");
}
