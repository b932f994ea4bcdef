//! The platform's user-facing strings, in English and Russian.
//!
//! A `Texts` value per language: the compiler guarantees every key exists in
//! both. Placeholders are `{name}` and filled with [`fill`]; a test checks both
//! languages use the same placeholders.

/// Declares a module's texts: `pub struct $name` with one `&'static str`
/// field per key, `pub fn $lookup(lang) -> &'static $name` over the `EN` and
/// `RU` values the module defines, and a test that every key has a non-empty
/// text in both languages with the same `{placeholders}`. A key missing from
/// either language does not compile.
#[macro_export]
macro_rules! texts_table {
    ($(#[$meta:meta])* $name:ident, $lookup:ident; $($key:ident),+ $(,)?) => {
        $(#[$meta])*
        pub struct $name {
            $(pub $key: &'static str,)+
        }

        /// The texts of `lang`.
        pub fn $lookup(lang: $crate::telegram::lang::Lang) -> &'static $name {
            match lang {
                $crate::telegram::lang::Lang::En => &EN,
                $crate::telegram::lang::Lang::Ru => &RU,
            }
        }

        #[cfg(test)]
        #[test]
        fn every_key_has_both_languages_with_the_same_placeholders() {
            let all: &[(&str, &str, &str)] = &[$((stringify!($key), EN.$key, RU.$key)),+];
            for (key, en, ru) in all {
                assert!(!en.trim().is_empty(), "{key} is empty in English");
                assert!(!ru.trim().is_empty(), "{key} is empty in Russian");
                assert_eq!(
                    $crate::telegram::texts::placeholders(en),
                    $crate::telegram::texts::placeholders(ru),
                    "{key}: the placeholders differ"
                );
            }
        }
    };
}

crate::texts_table!(
    /// Every platform string. Feature texts live in their feature's folder.
    Texts,
    texts;
    greeting_member,
    greeting_admin,
    request_sent,
    request_pending,
    no_access,
    revoked,
    approved,
    denied,
    new_request,
    approve,
    deny,
    decided,
    help_member,
    help_admin_extra,
    help_stranger,
    main_menu,
    settings,
    settings_card,
    language_button,
    language_set,
    timezone_usage,
    timezone_unknown,
    timezone_set,
    back,
    cancelled,
    nothing_to_cancel,
    expired_button,
    unknown_command,
    not_a_command,
    expects_text,
    admins_only,
    users_title,
    users_empty,
    grant_usage,
    revoke_usage,
    user_unknown,
    role_changed,
    cannot_change_config_admin,
    jobs_title,
    jobs_empty,
    jobs_failures,
    retry,
    discard,
    job_retried,
    job_discarded,
    job_gone,
    broadcast_usage,
    broadcast_too_long,
    broadcast_queued,
    broadcast_done,
    audit_title,
    audit_empty,
    prev,
    next,
    page,
    something_failed,
);

/// Replaces each `{key}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &(dyn std::fmt::Display + Sync))]) -> String {
    let mut out = template.to_string();
    for (key, value) in values {
        out = out.replace(&format!("{{{key}}}"), &value.to_string());
    }
    out
}

/// The `{placeholders}` of a text, sorted: each language test checks that
/// English and Russian use the same ones.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(key, _)| key.to_string()))
        .collect();
    found.sort();
    found
}

/// Escapes text for Telegram's HTML parse mode.
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[path = "texts_en.rs"]
mod en;
#[path = "texts_ru.rs"]
mod ru;

use en::EN;
use ru::RU;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_placeholders() {
        assert_eq!(
            fill("{a} and {b}", &[("a", &1), ("b", &"two")]),
            "1 and two"
        );
    }

    #[test]
    fn html_escapes_markup() {
        assert_eq!(html("<b>&"), "&lt;b&gt;&amp;");
    }
}
