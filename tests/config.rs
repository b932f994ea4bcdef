//! Configuration loading: the example file, defaults, environment overrides and
//! one test per kind of bad value, each checking that the message names the key,
//! the problem and where the value came from.

use std::collections::BTreeSet;
use std::path::PathBuf;

use ppc_helper::config::schema::{env_var_for, KeyKind, KEYS};
use ppc_helper::config::{load, load_from, Config, ConfigError, SmtpTls};
use secrecy::ExposeSecret;
use serde_json::Value;

const FILE: &str = "config.json";

fn example_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config.example.json")
}

fn example_text() -> String {
    std::fs::read_to_string(example_path()).expect("config.example.json is readable")
}

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The variables of this process that `load` would read (CI may set some).
fn process_env() -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(k, _)| {
            k.starts_with("PPC_")
                || ["TELOXIDE_TOKEN", "TELOXIDE_API_URL", "DATABASE_URL"].contains(&k.as_str())
        })
        .collect()
}

fn ok(file: Option<&str>, vars: &[(&str, &str)]) -> Config {
    load_from(file.map(|text| (FILE, text)), &env(vars))
        .unwrap_or_else(|e| panic!("expected a valid config, got: {e}"))
}

fn fails(file: Option<&str>, vars: &[(&str, &str)]) -> ConfigError {
    match load_from(file.map(|text| (FILE, text)), &env(vars)) {
        Ok(config) => panic!("expected an error, got {config:?}"),
        Err(e) => e,
    }
}

/// Asserts the error's message contains every fragment.
fn says(error: &ConfigError, fragments: &[&str]) {
    let message = error.to_string();
    for fragment in fragments {
        assert!(
            message.contains(fragment),
            "`{fragment}` missing from: {message}"
        );
    }
}

fn in_file(file: &str, fragments: &[&str]) {
    says(&fails(Some(file), &[]), fragments);
}

fn in_env(vars: &[(&str, &str)], fragments: &[&str]) {
    says(&fails(None, vars), fragments);
}

// ---- example file, defaults, documentation ----

#[test]
fn example_file_yields_the_built_in_defaults() {
    let example = ok(Some(&example_text()), &[]);
    assert_eq!(format!("{example:?}"), format!("{:?}", Config::default()));
    assert_eq!(
        format!("{:?}", ok(None, &[])),
        format!("{:?}", Config::default())
    );
    assert_eq!(example.telegram.api_url, "https://api.telegram.org");
    assert_eq!(example.telegram.webhook.listen_path, "/telegram/webhook");
    assert_eq!(example.smtp.port, 587);
    assert_eq!(example.smtp.tls, SmtpTls::Starttls);
    assert_eq!(example.workers.count, 8);
    assert_eq!(example.database.max_connections, 16);
    assert_eq!(example.ebay.marketplace, "EBAY_US");
    assert!(example.database_url().is_none());
    assert!(!example.telegram_configured() && !example.smtp_configured());
}

#[test]
fn load_reads_the_example_file_and_the_process_environment() {
    let loaded = load(&example_path(), true).expect("config.example.json loads");
    let expected = load_from(Some((FILE, &example_text())), &process_env()).expect("loads");
    assert_eq!(format!("{loaded:?}"), format!("{expected:?}"));
}

#[test]
fn absent_default_file_means_defaults_and_absent_named_file_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nope.json");
    let defaults = load(&path, false).expect("defaults");
    let expected = load_from(None, &process_env()).expect("defaults");
    assert_eq!(format!("{defaults:?}"), format!("{expected:?}"));

    let error = load(&path, true).unwrap_err();
    assert!(matches!(error, ConfigError::NotFound { .. }));
    says(&error, &[&path.display().to_string(), "not found"]);
}

/// Every dotted key of a JSON document, sections included.
fn json_keys(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Value::Object(map) = value {
        for (name, inner) in map {
            let key = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            json_keys(inner, &key, out);
            out.insert(key);
        }
    }
}

fn example_json() -> Value {
    serde_json::from_str(&example_text()).expect("example is JSON")
}

#[test]
fn example_file_has_exactly_the_known_keys() {
    let mut in_example = BTreeSet::new();
    json_keys(&example_json(), "", &mut in_example);
    let known: BTreeSet<String> = KEYS.iter().map(|(k, _)| k.to_string()).collect();
    assert_eq!(in_example, known);
}

#[test]
fn key_list_matches_the_config_structs() {
    // serde lists a struct's fields when it meets an unknown one.
    let sections = std::iter::once("").chain(
        KEYS.iter()
            .filter(|(_, kind)| *kind == KeyKind::Section)
            .map(|(k, _)| *k),
    );
    for section in sections {
        let mut doc = serde_json::json!({});
        let mut node = &mut doc;
        for part in section.split('.').filter(|p| !p.is_empty()) {
            node = &mut node[part];
        }
        node["zz_unknown"] = Value::from(1);
        let message = serde_json::from_value::<Config>(doc)
            .unwrap_err()
            .to_string();
        let listed: BTreeSet<String> = message
            .split('`')
            .skip(3)
            .step_by(2)
            .map(|field| {
                if section.is_empty() {
                    field.to_string()
                } else {
                    format!("{section}.{field}")
                }
            })
            .collect();
        let known: BTreeSet<String> = KEYS
            .iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| k.rsplit_once('.').map_or("", |(parent, _)| parent) == section)
            .collect();
        assert_eq!(listed, known, "section `{section}`: {message}");
    }
}

#[test]
fn documentation_has_one_row_per_key_with_the_example_default() {
    let docs_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/configuration.md");
    let docs = std::fs::read_to_string(docs_path).expect("docs/configuration.md is readable");
    let table = docs
        .split("## Configuration\n")
        .nth(1)
        .expect("a `## Configuration` section");
    let example = example_json();
    let mut documented = BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 4, "key, default, meaning, env variable: {row}");
        let key = cells[0].trim_matches('`');
        let default: Value = serde_json::from_str(cells[1].trim_matches('`'))
            .unwrap_or_else(|e| panic!("default of {key} is not JSON: {e}"));
        let mut in_example = &example;
        for part in key.split('.') {
            in_example = &in_example[part];
        }
        assert_eq!(&default, in_example, "default of {key}");
        assert!(!cells[2].is_empty(), "meaning of {key}");
        assert!(
            cells[3].contains(&format!("`{}`", env_var_for(key))),
            "env of {key}"
        );
        assert!(documented.insert(key.to_string()), "{key} documented twice");
    }
    let leaves: BTreeSet<String> = KEYS
        .iter()
        .filter(|(_, kind)| *kind != KeyKind::Section)
        .map(|(k, _)| k.to_string())
        .collect();
    assert_eq!(documented, leaves);
}

// ---- environment overrides ----

#[test]
fn environment_wins_over_the_file() {
    let file = r#"{"smtp": {"host": "mail.example.com", "port": 25, "from": "a@example.com"},
                   "workers": {"count": 3}}"#;
    let config = ok(
        Some(file),
        &[("PPC_SMTP__PORT", "2525"), ("PPC_WORKERS__COUNT", "")],
    );
    assert_eq!(config.smtp.port, 2525);
    assert_eq!(config.smtp.host, "mail.example.com");
    assert_eq!(
        config.workers.count, 3,
        "an empty value leaves a number as it was"
    );
    let config = ok(Some(file), &[("ppc_smtp__port", "2525")]);
    assert_eq!(config.smtp.port, 25, "only upper-case PPC_ is read");
}

#[test]
fn conventional_variables_and_their_ppc_twins() {
    let config = ok(
        None,
        &[
            ("TELOXIDE_TOKEN", "123:abc"),
            ("TELOXIDE_API_URL", "http://127.0.0.1:8081"),
            ("DATABASE_URL", "postgres://app:pw@localhost:5432/app"),
        ],
    );
    assert_eq!(
        config.telegram.token.as_ref().map(|t| t.expose_secret()),
        Some("123:abc")
    );
    assert_eq!(config.telegram.api_url, "http://127.0.0.1:8081");
    assert!(config.database_url().is_some());
    assert!(config.telegram_configured());

    let config = ok(
        None,
        &[
            ("PPC_TELEGRAM__TOKEN", "2:ppc"),
            ("TELOXIDE_TOKEN", "1:teloxide"),
        ],
    );
    assert_eq!(
        config.telegram.token.as_ref().map(|t| t.expose_secret()),
        Some("2:ppc")
    );

    let config = ok(
        Some(r#"{"telegram": {"token": "1:file"}}"#),
        &[("TELOXIDE_TOKEN", "")],
    );
    assert!(
        !config.telegram_configured(),
        "an empty variable unsets a secret"
    );
}

#[test]
fn lists_of_ids_and_other_coercions() {
    let config = ok(None, &[("PPC_TELEGRAM__ADMINS", "1, 2,3")]);
    assert_eq!(config.telegram.admins, vec![1, 2, 3]);
    let config = ok(None, &[("PPC_TELEGRAM__ADMINS", "[10,20]")]);
    assert_eq!(config.telegram.admins, vec![10, 20]);
    let config = ok(
        None,
        &[
            ("PPC_PIXEL__ANONYMIZE_IP", "off"),
            ("PPC_VK__LEGACY__ENABLED", "TRUE"),
            ("PPC_SMTP__TLS", "tls"),
            ("PPC_HTTP__LISTEN", "0.0.0.0:9000"),
            ("PPC_telegram__webhook__LISTEN_PATH", "/hook"),
        ],
    );
    assert!(!config.pixel.anonymize_ip && config.vk.legacy.enabled);
    assert_eq!(config.smtp.tls, SmtpTls::Tls);
    assert_eq!(config.http.listen.port(), 9000);
    assert_eq!(config.telegram.webhook.listen_path, "/hook");
}

// Bad values: unknown keys, wrong types and malformed JSON; then every validation rule.
#[path = "config/bad_values.rs"]
mod bad_values;
#[path = "config/validation.rs"]
mod validation;
