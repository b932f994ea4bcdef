//! The shared test cluster and per-test databases.

use std::path::PathBuf;
use std::str::FromStr;

use ppc_helper::db::embedded::{EmbeddedOptions, EmbeddedPostgres};
use tokio_postgres::config::Host;
use tokio_postgres::NoTls;

/// Where the shared cluster lives; reused across test processes.
fn cluster_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pg-cluster")
}

static SERVER: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();

/// Connection string of the server hosting test databases, without a dbname.
async fn server_conninfo() -> String {
    SERVER.get_or_init(start_server).await.clone()
}

async fn start_server() -> String {
    if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
        return url;
    }
    let dir = cluster_dir();
    let lock_path = dir.with_extension("lock");
    // Several test processes start at once: only one may initialise the cluster.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap_or_else(|e| panic!("opening {}: {e}", lock_path.display()));
    let locked = nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
        .unwrap_or_else(|(_, e)| panic!("locking {}: {e}", lock_path.display()));
    let cluster = EmbeddedPostgres::start(EmbeddedOptions {
        data_dir: dir.clone(),
        os_user: "postgres".into(),
        database: "postgres".into(),
    })
    .await
    .unwrap_or_else(|e| {
        panic!(
            "cannot start the test PostgreSQL cluster in {} ({e:#}); install PostgreSQL with \
             `apt-get install postgresql` or set TEST_DATABASE_URL",
            dir.display()
        )
    });
    drop(locked);
    let config = cluster.connect_config();
    // The cluster outlives this process on purpose: the next test reuses it and
    // the test script stops it at the end.
    std::mem::forget(cluster);
    conninfo_without_db(&config)
}

fn conninfo_without_db(config: &tokio_postgres::Config) -> String {
    let mut parts = Vec::new();
    if let Some(host) = config.get_hosts().first() {
        match host {
            Host::Tcp(name) => parts.push(format!("host={name}")),
            Host::Unix(path) => parts.push(format!("host={}", path.display())),
        }
    }
    if let Some(port) = config.get_ports().first() {
        parts.push(format!("port={port}"));
    }
    if let Some(user) = config.get_user() {
        parts.push(format!("user={user}"));
    }
    parts.join(" ")
}

/// A fresh database for one test, dropped when the value is dropped.
pub struct TestDb {
    name: String,
    server: String,
    url: String,
}

impl TestDb {
    /// Creates a new empty database (migrations run when an app is built on it).
    pub async fn new() -> TestDb {
        let server = server_conninfo().await;
        let server = if server.starts_with("postgres") {
            // A URL: turn into key-value form by parsing it.
            let config = tokio_postgres::Config::from_str(&server)
                .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is invalid: {e}"));
            let mut conninfo = conninfo_without_db(&config);
            if let Some(password) = config.get_password() {
                conninfo.push_str(&format!(" password={}", String::from_utf8_lossy(password)));
            }
            conninfo
        } else {
            server
        };
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let admin = connect(&format!("{server} dbname=postgres")).await;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("creating test database {name}: {e}"));
        let url = format!("{server} dbname={name}");
        TestDb { name, server, url }
    }

    /// Connection string of this database (key-value form).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A direct connection for assertions.
    pub async fn client(&self) -> tokio_postgres::Client {
        connect(&self.url).await
    }
}

async fn connect(conninfo: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(conninfo, NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test cluster ({conninfo}): {e}"));
    tokio::spawn(connection);
    client
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs outside async context: use a short-lived runtime on a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async move {
                let (client, connection) =
                    tokio_postgres::connect(&format!("{server} dbname=postgres"), NoTls)
                        .await
                        .ok()?;
                tokio::spawn(connection);
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("note: test database {} was not dropped", self.name);
        }
    }
}
