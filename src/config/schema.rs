//! The list of configuration keys and the kind of value each takes.
//!
//! Used to reject unknown keys with a clear message (and a suggestion), to map
//! `PPC_<SECTION>__<KEY>` variables to keys and to coerce their text to the key's
//! type. Tests check this list against the structs in `types.rs`, the example file
//! and `docs/configuration.md`, so the four cannot drift apart.

/// What a key holds; decides how an environment variable's text is coerced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// A table of further keys.
    Section,
    /// Text (also enums, paths and socket addresses, which parse from text).
    Text,
    /// Secret text; `null` or absent when not configured. Never shown in messages.
    Secret,
    /// An unsigned integer.
    Number,
    /// `true` / `false`.
    Bool,
    /// A list of Telegram user ids.
    IdList,
}

/// Every key of the configuration, as dotted paths, with its kind.
pub const KEYS: &[(&str, KeyKind)] = {
    use KeyKind::*;
    &[
        ("telegram", Section),
        ("telegram.token", Secret),
        ("telegram.api_url", Text),
        ("telegram.admins", IdList),
        ("telegram.webhook", Section),
        ("telegram.webhook.url", Text),
        ("telegram.webhook.listen_path", Text),
        ("telegram.webhook.secret", Secret),
        ("telegram.parse_mode", Text),
        ("database", Section),
        ("database.url", Secret),
        ("database.data_dir", Text),
        ("database.max_connections", Number),
        ("database.os_user", Text),
        ("workers", Section),
        ("workers.count", Number),
        ("workers.browser_slots", Number),
        ("workers.shutdown_grace_secs", Number),
        ("workers.local_queue_size", Number),
        ("workers.heartbeat_secs", Number),
        ("workers.dead_after_secs", Number),
        ("http", Section),
        ("http.listen", Text),
        ("http.public_url", Text),
        ("smtp", Section),
        ("smtp.host", Text),
        ("smtp.port", Number),
        ("smtp.tls", Text),
        ("smtp.username", Text),
        ("smtp.password", Secret),
        ("smtp.from", Text),
        ("smtp.max_attachment_mb", Number),
        ("smtp.timeout_secs", Number),
        ("adlibrary", Section),
        ("adlibrary.base_url", Text),
        ("adlibrary.chromedriver_path", Text),
        ("adlibrary.webdriver_url", Text),
        ("adlibrary.max_ads_per_page", Number),
        ("adlibrary.page_timeout_secs", Number),
        ("adlibrary.reuse_minutes", Number),
        ("adlibrary.max_pdf_mb", Number),
        ("adlibrary.keep_days", Number),
        ("ebay", Section),
        ("ebay.api_base_url", Text),
        ("ebay.client_id", Text),
        ("ebay.client_secret", Secret),
        ("ebay.marketplace", Text),
        ("ebay.daily_call_budget", Number),
        ("ebay.cooldown_hours", Number),
        ("vk", Section),
        ("vk.api_base_url", Text),
        ("vk.encryption_key", Secret),
        ("vk.legacy", Section),
        ("vk.legacy.enabled", Bool),
        ("vk.legacy.api_base_url", Text),
        ("pixel", Section),
        ("pixel.anonymize_ip", Bool),
        ("pixel.dedupe_minutes", Number),
        ("pixel.max_import_rows", Number),
    ]
};

/// The kind of the key at dotted path `key`, or `None` for an unknown key.
pub fn kind_of(key: &str) -> Option<KeyKind> {
    KEYS.iter().find(|(k, _)| *k == key).map(|&(_, kind)| kind)
}

/// Whether `key` holds a secret (its value must never appear in a message).
pub fn is_secret(key: &str) -> bool {
    kind_of(key.split('[').next().unwrap_or(key)) == Some(KeyKind::Secret)
}

/// The environment variable that sets `key`: `PPC_` + upper-case path with `__`.
pub fn env_var_for(key: &str) -> String {
    format!("PPC_{}", key.replace('.', "__").to_uppercase())
}

/// The known key closest in spelling to the unknown `key`, among its siblings
/// and among keys of the same name in other sections.
pub fn suggest(key: &str) -> Option<String> {
    let (parent, name) = (parent_of(key), name_of(key));
    let siblings = KEYS
        .iter()
        .filter(|(k, _)| parent_of(k) == parent)
        .map(|(k, _)| (*k, distance(name_of(k), name)))
        .filter(|&(k, d)| d <= 2.max(name_of(k).len() / 4))
        .min_by_key(|&(_, d)| d)
        .map(|(k, _)| k.to_string());
    siblings.or_else(|| {
        KEYS.iter()
            .find(|(k, _)| name_of(k) == name && !name.is_empty())
            .map(|(k, _)| k.to_string())
    })
}

fn parent_of(key: &str) -> &str {
    key.rfind('.').map_or("", |dot| &key[..dot])
}

fn name_of(key: &str) -> &str {
    key.rfind('.').map_or(key, |dot| &key[dot + 1..])
}

/// Levenshtein distance, case-insensitive (names are short).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(suggest("smtp.hots").as_deref(), Some("smtp.host"));
        assert_eq!(suggest("telegarm").as_deref(), Some("telegram"));
        assert_eq!(suggest("smtp.zzz").as_deref(), None);
        assert_eq!(
            suggest("ebay.encryption_key").as_deref(),
            Some("vk.encryption_key")
        );
        assert_eq!(suggest("zzz"), None);
    }

    #[test]
    fn env_names() {
        assert_eq!(
            env_var_for("telegram.webhook.secret"),
            "PPC_TELEGRAM__WEBHOOK__SECRET"
        );
        assert!(is_secret("smtp.password"));
        assert!(!is_secret("smtp.port"));
    }
}
