//! Loading: the JSON file (or built-in defaults), then environment overrides, then
//! deserialization into [`Config`] and validation.

use std::path::Path;

use serde_json::{Map, Value};

use super::env::{is_config_var, key_for_var, overrides};
use super::error::{ConfigError, Origin, Origins};
use super::schema::{is_secret, kind_of, suggest, KeyKind};
use super::types::Config;
use super::validate::validate;

/// Loads the configuration from the JSON file at `path` and the process environment.
///
/// When the file does not exist, built-in defaults are used if `explicit` is false
/// (the default path was tried) and it is an error if `explicit` is true (the user
/// named the file). Environment overrides are applied on top, then the result is
/// validated. See [`load_from`] for the rules.
pub fn load(path: &Path, explicit: bool) -> Result<Config, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => None,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ConfigError::NotFound {
                path: path.to_path_buf(),
            })
        }
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            })
        }
    };
    let env = process_env()?;
    let name = path.display().to_string();
    load_from(text.as_deref().map(|text| (name.as_str(), text)), &env)
}

/// Builds the configuration from an optional file and an explicit environment.
///
/// `file` is `(origin name, JSON text)`; the name (usually the path) is what error
/// messages call the file. `None` means built-in defaults. `env` holds
/// `(variable, value)` pairs; variables other than `PPC_…`, `TELOXIDE_TOKEN`,
/// `TELOXIDE_API_URL` and `DATABASE_URL` are ignored.
///
/// Fails on malformed JSON (with line and column), on unknown keys in the file or
/// named by `PPC_…` variables, on values of the wrong type and on every validation
/// rule (see `docs/configuration.md`); each error names the key, the problem and
/// the value's origin.
pub fn load_from(
    file: Option<(&str, &str)>,
    env: &[(String, String)],
) -> Result<Config, ConfigError> {
    let mut origins = Origins::default();
    let mut root = match file {
        Some((name, text)) => {
            let root = parse(name, text)?;
            record_file_keys(&root, name, &mut origins)?;
            root
        }
        None => Value::Object(Map::new()),
    };
    for found in overrides(env)? {
        if set(&mut root, &found.key, found.value) {
            origins.set(found.key, found.origin);
        }
    }
    let config = deserialize(root, &origins)?;
    validate(&config, &origins)?;
    Ok(config)
}

/// The variables of this process that the configuration reads.
fn process_env() -> Result<Vec<(String, String)>, ConfigError> {
    let mut env = Vec::new();
    for (name, value) in std::env::vars_os() {
        let Ok(name) = name.into_string() else {
            continue;
        };
        if !is_config_var(&name) {
            continue;
        }
        match value.into_string() {
            Ok(value) => env.push((name, value)),
            Err(_) => {
                return Err(ConfigError::Invalid {
                    key: key_for_var(&name),
                    problem: "the value is not valid UTF-8".into(),
                    origin: Origin::Env(name),
                })
            }
        }
    }
    Ok(env)
}

/// The file's JSON; a syntax error carries line and column.
fn parse(name: &str, text: &str) -> Result<Value, ConfigError> {
    serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        ConfigError::Syntax {
            origin: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_string(),
        }
    })
}

/// Records every key of the file as coming from it, and rejects unknown keys
/// (all of them at once, each with a suggestion when one is close).
fn record_file_keys(root: &Value, name: &str, origins: &mut Origins) -> Result<(), ConfigError> {
    let Value::Object(map) = root else {
        return Err(ConfigError::Invalid {
            key: "(top level)".into(),
            problem: "expected a JSON object with sections such as `telegram` and `smtp`".into(),
            origin: Origin::File(name.to_string()),
        });
    };
    let mut errors = Vec::new();
    walk(map, "", name, origins, &mut errors);
    match ConfigError::from_list(errors) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

fn walk(
    map: &Map<String, Value>,
    prefix: &str,
    name: &str,
    origins: &mut Origins,
    errors: &mut Vec<ConfigError>,
) {
    for (field, value) in map {
        let key = if prefix.is_empty() {
            field.clone()
        } else {
            format!("{prefix}.{field}")
        };
        origins.set(key.clone(), Origin::File(name.to_string()));
        match (kind_of(&key), value) {
            (None, _) => errors.push(ConfigError::UnknownKey {
                suggestion: suggest(&key),
                key,
                origin: Origin::File(name.to_string()),
            }),
            (Some(KeyKind::Section), Value::Object(inner)) => {
                walk(inner, &key, name, origins, errors)
            }
            // Any other mismatch is a type error that deserialization reports.
            _ => {}
        }
    }
}

/// Puts `value` at dotted `key`, creating sections as needed. Returns false (and
/// changes nothing) when a section on the way is not an object in the file: the
/// file's type error is then what gets reported.
fn set(root: &mut Value, key: &str, value: Value) -> bool {
    let mut node = root;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        let Value::Object(map) = node else {
            return false;
        };
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return true;
        }
        node = map
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    false
}

/// Deserializes the merged tree; a type error names its key and origin.
fn deserialize(root: Value, origins: &Origins) -> Result<Config, ConfigError> {
    serde_path_to_error::deserialize(root).map_err(|e| {
        let path = e.path().to_string();
        let key = if path == "." {
            "(top level)".to_string()
        } else {
            path
        };
        let problem = if is_secret(&key) {
            // serde's message would quote the value.
            "wrong type: expected a string, or null when not configured".to_string()
        } else {
            e.into_inner().to_string()
        };
        origins.invalid(&key, problem)
    })
}
