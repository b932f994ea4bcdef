//! The binary's commands: `migrate`, `check`, and config errors before start-up.

mod support;

use std::process::{Command, Output};

use support::TestDb;

fn ppc(args: &[&str], config: &serde_json::Value) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.json");
    std::fs::write(&path, config.to_string()).expect("write config");
    Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
        .arg("--config")
        .arg(&path)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("TELOXIDE_TOKEN")
        .output()
        .expect("run ppc-helper")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn migrate_creates_the_platform_tables_and_the_queue_schema() {
    let db = TestDb::new().await;
    let config = serde_json::json!({"database": {"url": db.url()}});
    let output = ppc(&["migrate"], &config);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("migrations applied"));
    let client = db.client().await;
    for table in [
        "users",
        "chats",
        "audit_log",
        "schedules",
        "graphile_worker._private_jobs",
    ] {
        let row = client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
            .await
            .expect("query");
        assert!(row.get::<_, bool>(0), "{table} exists");
    }
    // A second run applies nothing and still succeeds.
    let again = ppc(&["migrate"], &config);
    assert!(again.status.success(), "{}", text(&again));
}

#[tokio::test]
async fn check_prints_one_line_per_service() {
    let db = TestDb::new().await;
    let config = serde_json::json!({
        "database": {"url": db.url()},
        "vk": {"api_base_url": "http://127.0.0.1:9"}
    });
    let output = ppc(&["check"], &config);
    let out = text(&output);
    assert!(out.contains("database      ok (PostgreSQL"), "{out}");
    assert!(out.contains("smtp          not configured"), "{out}");
    assert!(out.contains("telegram      not configured"), "{out}");
    assert!(out.contains("ebay          not configured"), "{out}");
    assert!(out.contains("vk            FAILED"), "{out}");
    assert!(
        !output.status.success(),
        "a failed service makes the exit code non-zero"
    );
}

#[test]
fn check_reports_an_unreachable_database_and_exits_non_zero() {
    let config = serde_json::json!({
        "database": {"url": "postgres://nobody@127.0.0.1:9/none"}
    });
    let output = ppc(&["check"], &config);
    let out = text(&output);
    assert!(out.contains("database      FAILED"), "{out}");
    assert!(!output.status.success());
}

#[test]
fn a_bad_config_stops_the_process_before_anything_starts() {
    let config = serde_json::json!({"smtp": {"prot": 25}});
    let output = ppc(&["run"], &config);
    let out = text(&output);
    assert!(!output.status.success());
    assert!(out.contains("smtp.prot"), "names the key: {out}");
    assert!(
        !out.contains("HTTP server listening"),
        "nothing started: {out}"
    );
}

#[test]
fn an_explicit_config_path_that_does_not_exist_is_an_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_ppc-helper"))
        .args(["--config", "/nonexistent/ppc.json", "check"])
        .output()
        .expect("run ppc-helper");
    assert!(!output.status.success());
    assert!(
        text(&output).contains("/nonexistent/ppc.json"),
        "{}",
        text(&output)
    );
}
