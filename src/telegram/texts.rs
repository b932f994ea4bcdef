//! The platform's user-facing strings, in English and Russian.
//!
//! A `Texts` value per language: the compiler guarantees every key exists in
//! both. Placeholders are `{name}` and filled with [`fill`]; a test checks both
//! languages use the same placeholders.

use super::lang::Lang;

/// Every platform string. Feature texts live in their feature's folder.
pub struct Texts {
    pub greeting_member: &'static str,
    pub greeting_admin: &'static str,
    pub request_sent: &'static str,
    pub request_pending: &'static str,
    pub no_access: &'static str,
    pub revoked: &'static str,
    pub approved: &'static str,
    pub denied: &'static str,
    pub new_request: &'static str,
    pub approve: &'static str,
    pub deny: &'static str,
    pub decided: &'static str,
    pub help_member: &'static str,
    pub help_admin_extra: &'static str,
    pub help_stranger: &'static str,
    pub main_menu: &'static str,
    pub settings: &'static str,
    pub settings_card: &'static str,
    pub language_button: &'static str,
    pub language_set: &'static str,
    pub timezone_usage: &'static str,
    pub timezone_unknown: &'static str,
    pub timezone_set: &'static str,
    pub back: &'static str,
    pub cancelled: &'static str,
    pub nothing_to_cancel: &'static str,
    pub expired_button: &'static str,
    pub unknown_command: &'static str,
    pub not_a_command: &'static str,
    pub expects_text: &'static str,
    pub admins_only: &'static str,
    pub users_title: &'static str,
    pub users_empty: &'static str,
    pub grant_usage: &'static str,
    pub revoke_usage: &'static str,
    pub user_unknown: &'static str,
    pub role_changed: &'static str,
    pub cannot_change_config_admin: &'static str,
    pub jobs_title: &'static str,
    pub jobs_empty: &'static str,
    pub jobs_failures: &'static str,
    pub retry: &'static str,
    pub discard: &'static str,
    pub job_retried: &'static str,
    pub job_discarded: &'static str,
    pub job_gone: &'static str,
    pub broadcast_usage: &'static str,
    pub broadcast_too_long: &'static str,
    pub broadcast_queued: &'static str,
    pub broadcast_done: &'static str,
    pub audit_title: &'static str,
    pub audit_empty: &'static str,
    pub prev: &'static str,
    pub next: &'static str,
    pub page: &'static str,
    pub something_failed: &'static str,
}

/// The texts of `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
}

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

    fn pairs() -> Vec<(&'static str, &'static str, &'static str)> {
        macro_rules! each {
            ($($field:ident),* $(,)?) => {
                vec![$((stringify!($field), EN.$field, RU.$field)),*]
            };
        }
        each!(
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
        )
    }

    #[test]
    fn every_text_exists_in_both_languages_with_the_same_placeholders() {
        for (key, en, ru) in pairs() {
            assert!(!en.trim().is_empty(), "{key} is empty in English");
            assert!(!ru.trim().is_empty(), "{key} is empty in Russian");
            assert_eq!(
                placeholders(en),
                placeholders(ru),
                "{key} placeholders differ"
            );
        }
    }

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
