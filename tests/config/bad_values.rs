//! Unknown keys, wrong types and malformed JSON: the message names the key, the
//! problem and the origin of the value (`config.json` or an environment variable).

use ppc_helper::config::ConfigError;

use super::{fails, in_env, in_file, says};

// ---- unknown keys and wrong types ----

#[test]
fn unknown_keys() {
    in_file(
        r#"{"smtpp": {}}"#,
        &[
            "smtpp: unknown key",
            "from config.json",
            "did you mean `smtp`",
        ],
    );
    in_file(
        r#"{"smtp": {"hots": "x"}}"#,
        &["smtp.hots: unknown key", "from config.json", "`smtp.host`"],
    );
    in_file(
        r#"{"telegram": {"webhook": {"secert": "x"}}}"#,
        &["telegram.webhook.secert: unknown key"],
    );
    in_env(
        &[("PPC_SMTP__HOTS", "x")],
        &[
            "smtp.hots: unknown key",
            "environment variable PPC_SMTP__HOTS",
            "`PPC_SMTP__HOST`",
        ],
    );
    in_env(
        &[("PPC_NOPE__X", "1")],
        &["nope.x: unknown key", "environment variable PPC_NOPE__X"],
    );
    in_env(
        &[("PPC_SMTP", "x")],
        &["smtp: names a section", "environment variable PPC_SMTP"],
    );
    let error = fails(Some(r#"{"a": 1, "smtp": {"b": 2}}"#), &[]);
    assert_eq!(
        error.problems().len(),
        2,
        "all unknown keys at once: {error}"
    );
}

#[test]
fn wrong_types() {
    in_file(
        r#"{"smtp": {"port": "abc"}}"#,
        &[
            "smtp.port: invalid type: string \"abc\", expected u16",
            "(from config.json)",
        ],
    );
    in_env(
        &[("PPC_SMTP__PORT", "abc")],
        &[
            "smtp.port: invalid type",
            "expected u16",
            "environment variable PPC_SMTP__PORT",
        ],
    );
    in_env(
        &[("PPC_SMTP__PORT", "70000")],
        &["smtp.port", "70000", "PPC_SMTP__PORT"],
    );
    in_env(
        &[("PPC_WORKERS__COUNT", "-1")],
        &["workers.count", "-1", "PPC_WORKERS__COUNT"],
    );
    in_env(
        &[("PPC_PIXEL__ANONYMIZE_IP", "maybe")],
        &["pixel.anonymize_ip", "expected a boolean"],
    );
    in_env(
        &[("PPC_TELEGRAM__ADMINS", "1,x")],
        &[
            "telegram.admins: `x` is not a numeric Telegram user id",
            "PPC_TELEGRAM__ADMINS",
        ],
    );
    in_env(
        &[("PPC_TELEGRAM__ADMINS", "[1,")],
        &["telegram.admins: not a JSON list"],
    );
    in_file(
        r#"{"telegram": {"admins": [1, "two"]}}"#,
        &["telegram.admins[1]: invalid type", "config.json"],
    );
    in_file(
        r#"{"smtp": {"tls": "ssl"}}"#,
        &["smtp.tls: unknown variant `ssl`", "`starttls`"],
    );
    in_file(
        r#"{"telegram": {"parse_mode": "html"}}"#,
        &["telegram.parse_mode: unknown variant"],
    );
    in_env(
        &[("PPC_HTTP__LISTEN", "localhost")],
        &["http.listen: invalid socket address", "PPC_HTTP__LISTEN"],
    );
    in_file(
        r#"{"smtp": 5}"#,
        &["smtp: invalid type: integer `5`", "config.json"],
    );
    in_file(
        r#"[]"#,
        &["(top level): expected a JSON object", "config.json"],
    );
    in_file(
        r#"{"smtp": {"password": 1234567}}"#,
        &["smtp.password: wrong type: expected a string"],
    );
}

#[test]
fn malformed_json_names_line_and_column() {
    let error = fails(Some("{\n  \"smtp\": {\n    \"port\": 25,\n  }\n}"), &[]);
    assert!(
        matches!(error, ConfigError::Syntax { line: 4, .. }),
        "{error:?}"
    );
    says(&error, &["config.json:4:3: malformed JSON: trailing comma"]);
    says(
        &fails(Some(""), &[]),
        &["config.json:1:0: malformed JSON: EOF while parsing"],
    );
}
