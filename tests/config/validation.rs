//! Validation rules (URLs, secrets, ranges, shapes): one test per rule, each checking
//! that the message names the key, the problem and where the value came from.

use ppc_helper::config::Origin;

use super::{fails, in_env, in_file, ok, says};

// ---- validation ----

#[test]
fn malformed_urls() {
    in_file(
        r#"{"telegram": {"api_url": "not a url"}}"#,
        &["telegram.api_url: malformed URL `not a url`", "config.json"],
    );
    in_env(
        &[("TELOXIDE_API_URL", "ftp://x")],
        &[
            "telegram.api_url",
            "http or https",
            "environment variable TELOXIDE_API_URL",
        ],
    );
    in_file(
        r#"{"http": {"public_url": "example.com"}}"#,
        &["http.public_url: malformed URL"],
    );
    in_file(
        r#"{"adlibrary": {"webdriver_url": "localhost:4444"}}"#,
        &["adlibrary.webdriver_url: malformed URL"],
    );
    in_file(
        r#"{"adlibrary": {"base_url": ""}}"#,
        &["adlibrary.base_url: missing"],
    );
    in_env(
        &[("PPC_EBAY__API_BASE_URL", "http://")],
        &["ebay.api_base_url: malformed URL", "PPC_EBAY__API_BASE_URL"],
    );
    in_env(
        &[("PPC_VK__API_BASE_URL", "vk")],
        &["vk.api_base_url: malformed URL"],
    );
    in_file(
        r#"{"vk": {"legacy": {"api_base_url": "x:y"}}}"#,
        &["vk.legacy.api_base_url: malformed URL"],
    );
    in_file(
        r#"{"telegram": {"webhook": {"url": "/hook", "secret": "s"}}}"#,
        &["telegram.webhook.url: malformed URL"],
    );
    let error = fails(None, &[("DATABASE_URL", "mysql://root:hunter2@db")]);
    says(
        &error,
        &[
            "database.url: not a valid PostgreSQL connection URL",
            "environment variable DATABASE_URL",
        ],
    );
    assert!(!error.to_string().contains("hunter2"));
    ok(
        Some(r#"{"adlibrary": {"webdriver_url": "http://127.0.0.1:4444"}}"#),
        &[],
    );
}

#[test]
fn webhook_rules() {
    in_file(
        r#"{"telegram": {"webhook": {"url": "https://bot.example.com/hook"}}}"#,
        &[
            "telegram.webhook.secret: missing: required when telegram.webhook.url is set",
            "(from config.json)",
        ],
    );
    in_env(
        &[
            ("PPC_TELEGRAM__WEBHOOK__URL", "https://bot.example.com/hook"),
            ("PPC_TELEGRAM__WEBHOOK__SECRET", ""),
        ],
        &[
            "telegram.webhook.secret: missing",
            "environment variable PPC_TELEGRAM__WEBHOOK__SECRET",
        ],
    );
    in_file(
        r#"{"telegram": {"webhook": {"url": "https://b.example.com/h", "secret": ""}}}"#,
        &["telegram.webhook.secret: empty secret", "config.json"],
    );
    let error = fails(
        Some(r#"{"telegram": {"webhook": {"secret": "pass word!"}}}"#),
        &[],
    );
    says(
        &error,
        &[
            "telegram.webhook.secret: must be 1–256 characters of A–Z",
            "outside that set",
            "config.json",
        ],
    );
    assert!(!error.to_string().contains("pass word"));
    let long = format!(
        r#"{{"telegram": {{"webhook": {{"secret": "{}"}}}}}}"#,
        "a".repeat(257)
    );
    in_file(
        &long,
        &["telegram.webhook.secret: must be 1–256", "257 characters"],
    );
    in_file(
        r#"{"telegram": {"webhook": {"listen_path": "hook"}}}"#,
        &["telegram.webhook.listen_path: must start with `/`"],
    );
    let config = ok(
        None,
        &[
            ("PPC_TELEGRAM__WEBHOOK__URL", "https://b.example.com/h"),
            ("PPC_TELEGRAM__WEBHOOK__SECRET", "Abc_123-x"),
        ],
    );
    assert!(config.webhook_configured());
}

#[test]
fn bot_token_rules() {
    in_file(
        r#"{"telegram": {"token": ""}}"#,
        &["telegram.token: empty secret", "config.json"],
    );
    let error = fails(None, &[("TELOXIDE_TOKEN", "SECRET-without-colon")]);
    says(
        &error,
        &[
            "telegram.token: not a bot token",
            "environment variable TELOXIDE_TOKEN",
        ],
    );
    assert!(!error.to_string().contains("SECRET"));
    in_file(
        r#"{"telegram": {"token": "abc:def"}}"#,
        &["telegram.token: not a bot token"],
    );
}

#[test]
fn secrets_required_by_a_configured_feature() {
    let smtp = r#"{"smtp": {"host": "mail.example.com", "from": "a@example.com", "username": "u", "password": ""}}"#;
    in_file(
        smtp,
        &[
            "smtp.password: empty secret: required when smtp.username is set",
            "config.json",
        ],
    );
    let smtp =
        r#"{"smtp": {"host": "mail.example.com", "from": "a@example.com", "username": "u"}}"#;
    in_file(
        smtp,
        &[
            "smtp.password: missing: required when smtp.username is set",
            "(from config.json)",
        ],
    );
    ok(Some(smtp), &[("PPC_SMTP__PASSWORD", "pw")]);
    in_env(
        &[
            ("PPC_EBAY__CLIENT_ID", "app"),
            ("PPC_EBAY__CLIENT_SECRET", ""),
        ],
        &[
            "ebay.client_secret: missing: required when ebay.client_id is set",
            "PPC_EBAY__CLIENT_SECRET",
        ],
    );
    in_file(
        r#"{"ebay": {"client_id": "app", "client_secret": ""}}"#,
        &["ebay.client_secret: empty secret"],
    );
    in_file(
        r#"{"ebay": {"client_secret": "s"}}"#,
        &["ebay.client_id: missing: required when ebay.client_secret is set"],
    );
}

#[test]
fn numeric_ranges() {
    in_file(
        r#"{"workers": {"count": 0}}"#,
        &[
            "workers.count: out of range: must be at least 1, got 0",
            "config.json",
        ],
    );
    in_env(
        &[("PPC_WORKERS__BROWSER_SLOTS", "0")],
        &[
            "workers.browser_slots: out of range",
            "PPC_WORKERS__BROWSER_SLOTS",
        ],
    );
    in_file(
        r#"{"database": {"max_connections": 1}}"#,
        &["database.max_connections: out of range: must be at least 2, got 1"],
    );
    in_file(
        r#"{"smtp": {"port": 0}}"#,
        &["smtp.port: out of range: must be at least 1"],
    );
    let error = fails(
        Some(r#"{"workers": {"count": 0, "browser_slots": 0}, "smtp": {"port": 0}}"#),
        &[],
    );
    assert_eq!(error.problems().len(), 3, "{error}");
    says(
        &error,
        &[
            "3 configuration problems",
            "workers.count",
            "workers.browser_slots",
            "smtp.port",
        ],
    );
}

#[test]
fn mail_settings() {
    in_file(
        r#"{"smtp": {"host": "mail.example.com", "from": "nobody"}}"#,
        &["smtp.from: `nobody` is not a valid mailbox", "config.json"],
    );
    in_env(
        &[("PPC_SMTP__HOST", "mail.example.com")],
        &[
            "smtp.from: missing: required when smtp.host is set",
            "PPC_SMTP__HOST",
        ],
    );
    in_file(
        r#"{"smtp": {"host": "smtp://mail.example.com", "from": "a@b.org"}}"#,
        &["smtp.host: `smtp://mail.example.com` is not a host name"],
    );
    let config = ok(
        Some(
            r#"{"smtp": {"host": "mail.example.com", "from": "PPC Helper <reports@example.com>"}}"#,
        ),
        &[],
    );
    assert!(config.smtp_configured());
}

#[test]
fn vk_encryption_key_and_ebay_marketplace() {
    in_env(
        &[("PPC_VK__ENCRYPTION_KEY", "not base64!")],
        &[
            "vk.encryption_key: not valid base64",
            "PPC_VK__ENCRYPTION_KEY",
        ],
    );
    in_file(
        r#"{"vk": {"encryption_key": "aGVsbG8="}}"#,
        &[
            "vk.encryption_key: must be 32 bytes",
            "decodes to 5 bytes",
            "config.json",
        ],
    );
    in_file(
        r#"{"vk": {"encryption_key": ""}}"#,
        &["vk.encryption_key: empty secret"],
    );
    let config = ok(
        None,
        &[(
            "PPC_VK__ENCRYPTION_KEY",
            "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
        )],
    );
    assert!(config.vk.encryption_key_bytes().is_some());
    in_file(
        r#"{"ebay": {"marketplace": "US"}}"#,
        &[
            "ebay.marketplace: `US` is not an eBay marketplace id",
            "config.json",
        ],
    );
    ok(Some(r#"{"ebay": {"marketplace": "EBAY_DE"}}"#), &[]);
}

#[test]
fn admin_ids_must_be_positive() {
    in_env(
        &[("PPC_TELEGRAM__ADMINS", "5,-3")],
        &[
            "telegram.admins[1]: -3 is not a Telegram user id",
            "PPC_TELEGRAM__ADMINS",
        ],
    );
}

#[test]
fn origins_are_named() {
    assert_eq!(Origin::File("a.json".into()).to_string(), "a.json");
    assert_eq!(
        Origin::Env("PPC_X".into()).to_string(),
        "environment variable PPC_X"
    );
    assert_eq!(Origin::Default.to_string(), "built-in default");
    let error = fails(Some(r#"{"workers": {"count": 0}}"#), &[]);
    assert_eq!(error.key(), Some("workers.count"));
}

#[test]
fn worker_liveness_settings() {
    in_file(
        r#"{"workers": {"heartbeat_secs": 60, "dead_after_secs": 60}}"#,
        &["workers.dead_after_secs: out of range: must be more than workers.heartbeat_secs (60), got 60", "config.json"],
    );
    in_env(
        &[("PPC_WORKERS__HEARTBEAT_SECS", "0")],
        &[
            "workers.heartbeat_secs: out of range",
            "PPC_WORKERS__HEARTBEAT_SECS",
        ],
    );
}
