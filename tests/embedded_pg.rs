//! The embedded PostgreSQL cluster against the system's real server binaries.
//!
//! These need `initdb`/`pg_ctl`/`postgres` (Debian: `apt-get install postgresql`);
//! without them every test fails with that hint. As root (CI) the cluster runs
//! as the `postgres` user the Debian package creates.

use std::error::Error;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ppc_helper::db::embedded::{
    find_binaries_in, EmbeddedError, EmbeddedOptions, EmbeddedPostgres,
};
use tempfile::TempDir;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config, NoTls};

/// A temp directory the cluster's user can pass through, whatever the umask.
fn fresh_dir() -> TempDir {
    let dir = tempfile::tempdir().expect("creating a temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755))
        .expect("opening the temp dir to the cluster's user");
    dir
}

fn options(dir: &Path) -> EmbeddedOptions {
    EmbeddedOptions::new(dir.join("pg"))
}

/// The error with its causes, as a person would read it.
fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

async fn start(opts: EmbeddedOptions) -> EmbeddedPostgres {
    EmbeddedPostgres::start(opts)
        .await
        .unwrap_or_else(|e| panic!("starting the embedded cluster: {}", chain(&e)))
}

async fn stop(pg: EmbeddedPostgres) {
    pg.stop()
        .await
        .unwrap_or_else(|e| panic!("stopping the embedded cluster: {}", chain(&e)));
}

async fn connect(config: &Config) -> Client {
    let (client, connection) = config
        .connect(NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting: {}", chain(&e)));
    tokio::spawn(connection);
    client
}

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

#[tokio::test]
async fn data_survives_a_restart_without_a_new_initdb() {
    let dir = fresh_dir();
    let pg = start(options(dir.path())).await;
    let client = connect(&pg.connect_config()).await;
    let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
    assert_eq!(one, 1);
    client
        .batch_execute("CREATE TABLE notes (body text); INSERT INTO notes VALUES ('kept')")
        .await
        .unwrap();
    drop(client);
    let pg_version = pg.data_dir().join("PG_VERSION");
    let initialised_at = std::fs::metadata(&pg_version).unwrap().modified().unwrap();
    stop(pg).await;

    let pg = start(options(dir.path())).await;
    assert_eq!(
        pg.adopted_pid(),
        None,
        "the server was stopped; it must be started anew"
    );
    let again = std::fs::metadata(&pg_version).unwrap().modified().unwrap();
    assert_eq!(
        initialised_at, again,
        "a second start must not run initdb again"
    );
    let client = connect(&pg.connect_config()).await;
    let body: String = client
        .query_one("SELECT body FROM notes", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(body, "kept");
    drop(client);
    stop(pg).await;
}

#[tokio::test]
async fn url_and_per_test_databases() {
    let dir = fresh_dir();
    let pg = start(options(dir.path())).await;
    let from_url: Config = pg
        .url()
        .parse()
        .expect("url() parses as a tokio_postgres config");
    assert_eq!(from_url.get_dbname(), Some("ppc_helper"));
    let client = connect(&from_url).await;
    let db: String = client
        .query_one("SELECT current_database()", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(db, "ppc_helper");

    pg.create_database("test one").await.unwrap();
    let other = connect(&pg.connect_config_for("test one")).await;
    other.batch_execute("CREATE TABLE t (x int)").await.unwrap();
    let again = pg.create_database("test one").await.unwrap_err();
    assert!(matches!(again, EmbeddedError::Sql { .. }), "{again:?}");
    drop(other);
    pg.create_database_from("clone", "test one").await.unwrap();
    pg.drop_database("test one").await.unwrap();
    pg.drop_database("test one").await.unwrap();
    let clone = connect(&pg.connect_config_for("clone")).await;
    clone
        .query_one("SELECT count(*) FROM t", &[])
        .await
        .unwrap();
    drop((client, clone));
    stop(pg).await;
}

#[tokio::test]
async fn stale_pid_files_are_cleared() {
    let dir = fresh_dir();
    let pg = start(options(dir.path())).await;
    let data_dir = pg.data_dir().to_path_buf();
    stop(pg).await;
    assert!(!data_dir.join("postmaster.pid").exists());

    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let alive_but_not_postgres = std::process::id();
    for pid in [dead_pid, alive_but_not_postgres] {
        let bogus = format!(
            "{pid}\n{}\n1700000000\n5432\n{}\n\n  1234  5678\nready   \n",
            data_dir.display(),
            data_dir.display()
        );
        std::fs::write(data_dir.join("postmaster.pid"), bogus).unwrap();
        let pg = start(options(dir.path())).await;
        assert_eq!(pg.adopted_pid(), None, "pid {pid} is not our server");
        let client = connect(&pg.connect_config()).await;
        client.query_one("SELECT 1", &[]).await.unwrap();
        drop(client);
        stop(pg).await;
    }
}

#[tokio::test]
async fn a_surviving_server_is_reused_and_stopped() {
    let dir = fresh_dir();
    let first = start(options(dir.path())).await;
    let socket_dir = first.socket_dir().to_path_buf();
    let data_dir = first.data_dir().to_path_buf();
    // As if the app were SIGKILLed: no stop, no drop, the server lives on.
    std::mem::forget(first);

    let pg = start(options(dir.path())).await;
    assert!(pg.adopted_pid().is_some(), "the live server must be reused");
    assert_eq!(pg.socket_dir(), socket_dir);
    let client = connect(&pg.connect_config()).await;
    client.query_one("SELECT 1", &[]).await.unwrap();
    drop(client);
    stop(pg).await;
    assert!(
        !data_dir.join("postmaster.pid").exists(),
        "stop must stop an adopted server too"
    );
}

#[tokio::test]
async fn dropping_without_stop_stops_the_server() {
    let dir = fresh_dir();
    let pg = start(options(dir.path())).await;
    let data_dir = pg.data_dir().to_path_buf();
    drop(pg);
    assert!(!data_dir.join("postmaster.pid").exists());
}

#[test]
fn missing_binaries_name_the_debian_package() {
    let empty = tempfile::tempdir().unwrap();
    let error = find_binaries_in(&[], empty.path()).unwrap_err();
    assert!(matches!(error, EmbeddedError::BinariesMissing { .. }));
    let message = error.to_string();
    assert!(message.contains("apt-get install postgresql"), "{message}");
    assert!(
        message.contains("initdb") && message.contains("pg_ctl"),
        "{message}"
    );
}

#[test]
fn the_highest_installed_version_is_picked() {
    let root = tempfile::tempdir().unwrap();
    for version in ["9.6", "16", "13"] {
        let bin = root.path().join(version).join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        for program in ["initdb", "pg_ctl", "postgres"] {
            std::fs::write(bin.join(program), "#!/bin/sh\n").unwrap();
            let mode = std::fs::Permissions::from_mode(0o755);
            std::fs::set_permissions(bin.join(program), mode).unwrap();
        }
    }
    // Incomplete directories (here: no postgres) do not count.
    std::fs::remove_file(root.path().join("16/bin/postgres")).unwrap();
    let found = find_binaries_in(&[PathBuf::from("/nonexistent")], root.path()).unwrap();
    let expected = std::fs::canonicalize(root.path().join("13/bin")).unwrap();
    assert_eq!(found.bin_dir, expected);
}

#[tokio::test]
async fn the_server_listens_on_its_socket_only() {
    let dir = fresh_dir();
    let pg = start(options(dir.path())).await;
    let conf = std::fs::read_to_string(pg.data_dir().join("postgresql.conf")).unwrap();
    let listen: Vec<&str> = conf
        .lines()
        .filter(|l| l.trim_start().starts_with("listen_addresses"))
        .collect();
    assert_eq!(listen, ["listen_addresses = ''"], "{conf}");
    assert_eq!(pg.socket_dir(), pg.data_dir());
    let config = pg.connect_config();
    assert_eq!(
        config.get_hosts(),
        [Host::Unix(pg.socket_dir().to_path_buf())]
    );

    let client = connect(&config).await;
    let row = client
        .query_one(
            "SELECT current_setting('listen_addresses'), current_setting('unix_socket_directories'), \
             inet_server_addr() IS NULL",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "");
    assert_eq!(
        row.get::<_, String>(1),
        format!("\"{}\"", pg.socket_dir().display())
    );
    assert!(
        row.get::<_, bool>(2),
        "the connection must come over the Unix socket"
    );
    drop(client);
    stop(pg).await;
}

#[tokio::test]
async fn a_long_data_dir_gets_a_short_socket_dir() {
    let dir = fresh_dir();
    let mut data_dir = dir.path().to_path_buf();
    for part in [
        "a-rather-long-directory-name",
        "another-long-directory-name",
        "and-one-more-long-directory-name",
        "pg-data",
    ] {
        data_dir.push(part);
    }
    assert!(data_dir.as_os_str().len() > 107 - "/.s.PGSQL.5432".len());
    let pg = start(EmbeddedOptions::new(&data_dir)).await;
    assert!(
        pg.socket_dir()
            .to_string_lossy()
            .starts_with("/tmp/ppc-pg-"),
        "{}",
        pg.socket_dir().display()
    );
    let client = connect(&pg.connect_config()).await;
    client.query_one("SELECT 1", &[]).await.unwrap();
    drop(client);
    stop(pg).await;
}

#[tokio::test]
async fn an_unknown_os_user_is_named_when_root() {
    let dir = fresh_dir();
    let mut opts = options(dir.path());
    opts.os_user = "no-such-user-ppc".to_string();
    let result = EmbeddedPostgres::start(opts).await;
    if is_root() {
        let error = result.expect_err("an unknown os_user must be refused");
        let message = error.to_string();
        assert!(
            matches!(error, EmbeddedError::UserMissing { .. }),
            "{message}"
        );
        assert!(message.contains("no-such-user-ppc") && message.contains("database.os_user"));
    } else {
        // Not root: os_user is not used, the cluster runs as the current user.
        let pg = result.unwrap_or_else(|e| panic!("{}", chain(&e)));
        stop(pg).await;
    }
}

#[tokio::test]
async fn a_closed_parent_directory_is_named_when_root() {
    let closed = tempfile::tempdir().unwrap();
    std::fs::set_permissions(closed.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
    let result = EmbeddedPostgres::start(options(closed.path())).await;
    if is_root() {
        let error = result.expect_err("postgres cannot enter a 0700 root directory");
        match &error {
            EmbeddedError::NotTraversable { dir, user } => {
                assert_eq!(dir, &std::fs::canonicalize(closed.path()).unwrap());
                assert_eq!(user, "postgres");
            }
            other => panic!("expected NotTraversable, got {}", chain(other)),
        }
        assert!(error.to_string().contains("chmod o+x"));
    } else {
        let pg = result.unwrap_or_else(|e| panic!("{}", chain(&e)));
        stop(pg).await;
    }
}
