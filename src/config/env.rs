//! Environment overrides: `TELOXIDE_TOKEN`, `TELOXIDE_API_URL`, `DATABASE_URL` and
//! `PPC_<SECTION>__<KEY>` (levels separated by `__`, key names case-insensitive).
//!
//! A variable's text is coerced to the kind of its key (see [`KeyKind`]): numbers and
//! booleans are parsed (text that does not parse is passed on as a string, so the
//! type error names the variable), id lists accept `1,2,3` or JSON `[1,2,3]`.
//! An empty value unsets a secret (`null`), empties a text key, empties a list, and
//! leaves a number or boolean key as it was.

use serde_json::Value;

use super::error::{ConfigError, Origin};
use super::schema::{env_var_for, kind_of, suggest, KeyKind};

/// Prefix of the variables that may set any key.
pub const PREFIX: &str = "PPC_";

/// Conventional variables that set one key each; a `PPC_…` variable for the same
/// key wins over these.
pub const ALIASES: &[(&str, &str)] = &[
    ("TELOXIDE_TOKEN", "telegram.token"),
    ("TELOXIDE_API_URL", "telegram.api_url"),
    ("DATABASE_URL", "database.url"),
];

/// One key set from the environment.
#[derive(Debug)]
pub(crate) struct Override {
    /// Dotted path of the key.
    pub key: String,
    /// The coerced value.
    pub value: Value,
    /// The variable it came from.
    pub origin: Origin,
}

/// Whether the variable `name` is read by the configuration.
pub(crate) fn is_config_var(name: &str) -> bool {
    name.starts_with(PREFIX) || ALIASES.iter().any(|(alias, _)| *alias == name)
}

/// The dotted key a variable names (whether or not such a key exists).
pub(crate) fn key_for_var(name: &str) -> String {
    if let Some((_, key)) = ALIASES.iter().find(|(alias, _)| *alias == name) {
        return (*key).to_string();
    }
    let rest = name.strip_prefix(PREFIX).unwrap_or(name);
    rest.split("__")
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(".")
}

/// The overrides `env` asks for, aliases first so `PPC_…` variables win.
/// Variables that the configuration does not read are ignored; a `PPC_…` variable
/// naming no key is an error (all such variables are reported together).
pub(crate) fn overrides(env: &[(String, String)]) -> Result<Vec<Override>, ConfigError> {
    let mut vars: Vec<&(String, String)> =
        env.iter().filter(|(name, _)| is_config_var(name)).collect();
    vars.sort_by_key(|(name, _)| (name.starts_with(PREFIX), name.clone()));

    let mut found = Vec::new();
    let mut errors = Vec::new();
    for (name, raw) in vars {
        let key = key_for_var(name);
        let origin = Origin::Env(name.clone());
        match kind_of(&key) {
            None => errors.push(ConfigError::UnknownKey {
                suggestion: suggest(&key).map(|k| env_var_for(&k)),
                key,
                origin,
            }),
            Some(KeyKind::Section) => errors.push(ConfigError::Invalid {
                problem: format!(
                    "names a section, not a key: set its keys one by one, e.g. {}__…",
                    name.to_uppercase()
                ),
                key,
                origin,
            }),
            Some(kind) => match coerce(&key, kind, raw) {
                Ok(Some(value)) => found.push(Override { key, value, origin }),
                Ok(None) => {}
                Err(problem) => errors.push(ConfigError::Invalid {
                    key,
                    problem,
                    origin,
                }),
            },
        }
    }
    match ConfigError::from_list(errors) {
        Some(error) => Err(error),
        None => Ok(found),
    }
}

/// The JSON value for `raw` given to a key of `kind`; `None` leaves the key as is.
fn coerce(key: &str, kind: KeyKind, raw: &str) -> Result<Option<Value>, String> {
    let trimmed = raw.trim();
    Ok(Some(match kind {
        KeyKind::Secret if raw.is_empty() => Value::Null,
        KeyKind::Secret | KeyKind::Text | KeyKind::Section => Value::String(raw.to_string()),
        KeyKind::Number | KeyKind::Bool if trimmed.is_empty() => return Ok(None),
        KeyKind::Number => match serde_json::from_str::<Value>(trimmed) {
            Ok(number @ Value::Number(_)) => number,
            _ => Value::String(raw.to_string()),
        },
        KeyKind::Bool => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "on" => Value::Bool(true),
            "false" | "0" | "no" | "off" => Value::Bool(false),
            _ => Value::String(raw.to_string()),
        },
        KeyKind::IdList => id_list(key, trimmed)?,
    }))
}

/// `1,2,3`, `[1, 2, 3]` or empty (no ids) as a JSON array of integers.
fn id_list(key: &str, text: &str) -> Result<Value, String> {
    if text.starts_with('[') {
        return serde_json::from_str::<Value>(text)
            .map_err(|e| format!("not a JSON list of user ids for {key}: {e}"));
    }
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<i64>().map(Value::from).map_err(|_| {
                format!("`{item}` is not a numeric Telegram user id (expected e.g. `12345,67890`)")
            })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, value: &str) -> Result<Vec<Override>, ConfigError> {
        overrides(&[(name.to_string(), value.to_string())])
    }

    #[test]
    fn keys_are_case_insensitive_and_nested() {
        let found = one("PPC_telegram__WEBHOOK__Listen_Path", "/hook").unwrap();
        assert_eq!(found[0].key, "telegram.webhook.listen_path");
        assert_eq!(found[0].value, Value::from("/hook"));
    }

    #[test]
    fn coercion() {
        assert_eq!(
            one("PPC_SMTP__PORT", "25").unwrap()[0].value,
            Value::from(25)
        );
        assert_eq!(
            one("PPC_SMTP__PORT", "x").unwrap()[0].value,
            Value::from("x")
        );
        assert!(one("PPC_SMTP__PORT", " ").unwrap().is_empty());
        assert_eq!(
            one("PPC_PIXEL__ANONYMIZE_IP", "No").unwrap()[0].value,
            Value::Bool(false)
        );
        assert_eq!(one("PPC_SMTP__PASSWORD", "").unwrap()[0].value, Value::Null);
        assert_eq!(
            one("PPC_TELEGRAM__ADMINS", " 1, 2 ,3,").unwrap()[0].value,
            serde_json::json!([1, 2, 3])
        );
        assert_eq!(
            one("PPC_TELEGRAM__ADMINS", "").unwrap()[0].value,
            serde_json::json!([])
        );
    }

    #[test]
    fn unrelated_variables_are_ignored() {
        assert!(one("HOME", "/root").unwrap().is_empty());
        assert!(one("TELOXIDE_PROXY", "x").unwrap().is_empty());
    }

    #[test]
    fn section_names_are_rejected() {
        let message = one("PPC_SMTP", "x").unwrap_err().to_string();
        assert!(message.contains("names a section"), "{message}");
    }
}
