//! Configuration errors and where a value came from.
//!
//! Every message names the key (a dotted path such as `smtp.port`), what is wrong and
//! the value's origin. Secret values are never part of a message.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

/// Where a configuration value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The config file, by the name it was loaded under (usually its path).
    File(String),
    /// An environment variable, by name.
    Env(String),
    /// Nobody set the key: the built-in default applies.
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(name) => f.write_str(name),
            Origin::Env(var) => write!(f, "environment variable {var}"),
            Origin::Default => f.write_str("built-in default"),
        }
    }
}

/// Why the configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file was named explicitly (`--config`) but does not exist.
    #[error(
        "config file {} not found (it was named explicitly, so built-in defaults are not used)",
        path.display()
    )]
    NotFound {
        /// The path that was given.
        path: PathBuf,
    },
    /// The config file exists but could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The path that was given.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The config file is not well-formed JSON.
    #[error("{origin}:{line}:{column}: malformed JSON: {message}")]
    Syntax {
        /// The file's name.
        origin: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser found.
        message: String,
    },
    /// A key (in the file or named by a `PPC_…` variable) that the configuration lacks.
    #[error("{key}: unknown key (from {origin}){}", suggestion_text(.suggestion))]
    UnknownKey {
        /// Dotted path of the unknown key.
        key: String,
        /// Where it was given.
        origin: Origin,
        /// A known key with a similar name, if any.
        suggestion: Option<String>,
    },
    /// A key whose value is unusable: wrong type, out of range, malformed, missing.
    #[error("{key}: {problem} (from {origin})")]
    Invalid {
        /// Dotted path of the key, e.g. `smtp.port` or `telegram.admins[1]`.
        key: String,
        /// What is wrong, in words (never containing a secret value).
        problem: String,
        /// Where the value came from.
        origin: Origin,
    },
    /// Several validation problems at once, reported together.
    #[error("{} configuration problems:{}", .0.len(), list_text(.0))]
    Multiple(Vec<ConfigError>),
}

impl ConfigError {
    /// The dotted key this error is about, when it is about one key.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::UnknownKey { key, .. } | ConfigError::Invalid { key, .. } => Some(key),
            _ => None,
        }
    }

    /// Every single error inside (itself, or the members of [`ConfigError::Multiple`]).
    pub fn problems(&self) -> Vec<&ConfigError> {
        match self {
            ConfigError::Multiple(all) => all.iter().collect(),
            other => vec![other],
        }
    }

    /// One error, or [`ConfigError::Multiple`] for several; `None` for none.
    pub(crate) fn from_list(mut errors: Vec<ConfigError>) -> Option<ConfigError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(ConfigError::Multiple(errors)),
        }
    }
}

fn suggestion_text(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(known) => format!("; did you mean `{known}`?"),
        None => String::new(),
    }
}

fn list_text(errors: &[ConfigError]) -> String {
    errors.iter().map(|e| format!("\n  - {e}")).collect()
}

/// The origin of every key that was set, by dotted path (array indices omitted).
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins {
    by_key: HashMap<String, Origin>,
}

impl Origins {
    /// Records that `key` was set by `origin` (a later record wins).
    pub(crate) fn set(&mut self, key: String, origin: Origin) {
        self.by_key.insert(key, origin);
    }

    /// Where `key` came from: its own record, else the built-in default.
    /// `key` may carry array indices (`telegram.admins[1]`), which are ignored.
    pub(crate) fn of(&self, key: &str) -> Origin {
        let key = key.split('[').next().unwrap_or(key);
        self.by_key.get(key).cloned().unwrap_or(Origin::Default)
    }

    /// An [`ConfigError::Invalid`] for `key`, with the key's origin.
    pub(crate) fn invalid(&self, key: &str, problem: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            key: key.to_string(),
            problem: problem.into(),
            origin: self.of(key),
        }
    }
}
