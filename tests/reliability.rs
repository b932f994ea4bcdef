//! Reliability of the real binary: SIGKILL mid-job, SIGTERM mid-job, and the
//! database restarting under a running app.

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use graphile_worker::tokio_postgres::TokioPostgresDatabase;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use ppc_helper::jobs::probe::Probe;
use ppc_helper::jobs::Queue;
use support::{eventually, TestDb};

/// A worker process of the real binary on `db`, killed on drop.
struct Worker {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Worker {
    fn spawn(db: &TestDb) -> Worker {
        let dir = tempfile::tempdir().expect("tempdir");
        let config = serde_json::json!({
            "database": {"url": db.url(), "max_connections": 4},
            "workers": {"count": 2, "heartbeat_secs": 1, "dead_after_secs": 4, "shutdown_grace_secs": 20}
        });
        let path = dir.path().join("config.json");
        std::fs::write(&path, config.to_string()).expect("write config");
        let child = Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
            .arg("--config")
            .arg(&path)
            .arg("worker")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn ppc-helper worker");
        Worker { child, _dir: dir }
    }

    fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).expect("signal the worker");
    }

    fn wait_exit(&mut self, timeout: Duration) -> std::process::ExitStatus {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                started.elapsed() < timeout,
                "worker did not exit within {timeout:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn queue_for(db: &TestDb) -> Queue {
    let database = TokioPostgresDatabase::from_url(db.url(), 2).expect("queue db");
    let queue = Queue::new(database);
    queue.migrate().await.expect("queue schema");
    queue
}

async fn count(db: &TestDb, sql: &str, key: &str) -> i64 {
    db.client()
        .await
        .query_one(sql, &[&key])
        .await
        .expect("count")
        .get(0)
}

/// Probe jobs a worker holds right now (cron jobs such as the scheduler tick may
/// be locked too; they must not be mistaken for the probe).
async fn locked_probes(db: &TestDb) -> i64 {
    db.client()
        .await
        .query_one(
            "SELECT count(*) FROM graphile_worker.jobs
             WHERE locked_at IS NOT NULL AND task_identifier = 'platform_probe'",
            &[],
        )
        .await
        .expect("locked")
        .get(0)
}

async fn locked_jobs(db: &TestDb) -> i64 {
    db.client()
        .await
        .query_one(
            "SELECT count(*) FROM graphile_worker.jobs WHERE locked_at IS NOT NULL",
            &[],
        )
        .await
        .expect("locked")
        .get(0)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_job_of_a_killed_worker_runs_again_and_its_effect_happens_once() {
    let db = TestDb::new().await;
    let queue = queue_for(&db).await;
    let mut first = Worker::spawn(&db);
    queue
        .enqueue(Probe {
            key: "killed".into(),
            delay_ms: 3_000,
        })
        .await
        .expect("enqueue");
    eventually(
        Duration::from_secs(60),
        "the first worker took the job",
        || async { locked_probes(&db).await == 1 },
    )
    .await;
    first.signal(Signal::SIGKILL);
    first.wait_exit(Duration::from_secs(10));
    let probes = "SELECT count(*) FROM job_probes WHERE key = $1";
    assert_eq!(
        count(&db, probes, "killed").await,
        0,
        "killed before its effect"
    );

    let _second = Worker::spawn(&db);
    eventually(
        Duration::from_secs(90),
        "the job ran again after recovery",
        || async { count(&db, probes, "killed").await == 1 },
    )
    .await;
    let leftover = "SELECT count(*) FROM graphile_worker.jobs WHERE task_identifier = $1";
    eventually(
        Duration::from_secs(10),
        "the probe left the queue",
        || async { count(&db, leftover, "platform_probe").await == 0 },
    )
    .await;
    assert_eq!(count(&db, probes, "killed").await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_lets_the_running_job_finish_and_exits_zero() {
    let db = TestDb::new().await;
    let queue = queue_for(&db).await;
    let mut worker = Worker::spawn(&db);
    queue
        .enqueue(Probe {
            key: "graceful".into(),
            delay_ms: 2_000,
        })
        .await
        .expect("enqueue");
    eventually(
        Duration::from_secs(60),
        "the worker took the job",
        || async { locked_probes(&db).await == 1 },
    )
    .await;
    worker.signal(Signal::SIGTERM);
    let status = worker.wait_exit(Duration::from_secs(30));
    assert!(status.success(), "exit status {status}");
    let probes = "SELECT count(*) FROM job_probes WHERE key = $1";
    assert_eq!(count(&db, probes, "graceful").await, 1);
    assert_eq!(locked_jobs(&db).await, 0, "nothing left locked");
    let queues_locked: i64 = db
        .client()
        .await
        .query_one(
            "SELECT count(*) FROM graphile_worker._private_job_queues WHERE locked_at IS NOT NULL",
            &[],
        )
        .await
        .expect("queues")
        .get(0);
    assert_eq!(queues_locked, 0);
}
