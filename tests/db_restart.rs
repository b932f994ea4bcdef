//! The database restarting under a running app: the app reconnects and keeps
//! working without a restart. Uses its own cluster so other tests are not hit.

mod support;

use std::time::Duration;

use ppc_helper::app::{App, Mode, Seams};
use ppc_helper::config::Config;
use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use ppc_helper::jobs::probe;
use ppc_helper::shutdown::Shutdown;
use support::eventually;

fn options(dir: &std::path::Path) -> EmbeddedOptions {
    EmbeddedOptions {
        data_dir: dir.join("pg"),
        os_user: "postgres".into(),
        database: "restart".into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_survives_a_database_restart() {
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
    let readyz = format!("http://{}/readyz", running.http_addr().expect("addr"));
    probe::round_trip(running.pool(), running.queue(), Duration::from_secs(10))
        .await
        .expect("jobs run before the restart");

    cluster.stop().await.expect("stop the cluster");
    let status = reqwest::get(&readyz).await.expect("readyz").status();
    assert_eq!(status, 503, "not ready while the database is down");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let cluster = EmbeddedPostgres::start(options(dir.path()))
        .await
        .expect("restart the cluster");

    eventually(Duration::from_secs(30), "ready again", || async {
        matches!(reqwest::get(&readyz).await, Ok(r) if r.status() == 200)
    })
    .await;
    probe::round_trip(running.pool(), running.queue(), Duration::from_secs(30))
        .await
        .expect("jobs run after the restart");

    running.shutdown().trigger();
    running.wait().await.expect("clean stop");
    cluster.stop().await.expect("stop the cluster");
}
