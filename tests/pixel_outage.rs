//! The database stopped for 10 s while hits arrive: every response is the
//! GIF at once, and every hit is written once the database is back.

#[path = "pixel/common.rs"]
mod common;
mod support;

use std::time::{Duration, Instant};

use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::shutdown::Shutdown;
use support::eventually;

fn options(dir: &std::path::Path) -> EmbeddedOptions {
    EmbeddedOptions {
        data_dir: dir.join("pg"),
        os_user: "postgres".into(),
        database: "pixel_outage".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hits_during_a_database_outage_are_written_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cluster = EmbeddedPostgres::start(options(dir.path()))
        .await
        .expect("start the cluster (install PostgreSQL with `apt-get install postgresql`)");
    let mut config = Config::default();
    config.database.url = Some(cluster.url().into());
    config.workers.count = 2;
    let app = App::build(config, Shutdown::new())
        .await
        .expect("app builds");
    let seams = Seams {
        http_listen: Some("127.0.0.1:0".parse().expect("addr")),
        ..Seams::default()
    };
    let running = app.start(Mode::Run, seams).await.expect("app starts");
    let addr = running.http_addr().expect("addr");
    let tokens = {
        let (client, connection) = tokio_postgres::connect(&cluster.url(), tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(connection);
        common::seed(&client, 10).await
    };
    let http = common::http();

    cluster.stop().await.expect("stop the cluster");
    let started = Instant::now();
    let mut sent = 0usize;
    let mut slowest = Duration::ZERO;
    while started.elapsed() < Duration::from_secs(10) {
        for token in &tokens {
            let t0 = Instant::now();
            let response = http
                .get(common::url(addr, *token))
                .header("user-agent", "Thunderbird/115.0")
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            assert_eq!(response.bytes().await.expect("body").len(), 43);
            slowest = slowest.max(t0.elapsed());
            sent += 1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        slowest < Duration::from_millis(500),
        "a response waited {slowest:?}"
    );
    let cluster = EmbeddedPostgres::start(options(dir.path()))
        .await
        .expect("restart the cluster");
    let (client, connection) = tokio_postgres::connect(&cluster.url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    eventually(Duration::from_secs(30), "every hit written", || async {
        common::opens(&client).await >= sent as i64
    })
    .await;
    assert_eq!(common::opens(&client).await, sent as i64);
    assert_eq!(common::dropped(addr).await, 0.0);

    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
    cluster.stop().await.expect("stop the cluster");
}
