//! The feature's user-facing strings, in English and Russian. Placeholders
//! are `{name}`, filled with [`crate::telegram::texts::fill`]; a test checks
//! both languages use the same ones.

use crate::telegram::lang::Lang;

macro_rules! texts_struct {
    ($($field:ident),* $(,)?) => {
        /// Every string of the VK Ads feature.
        pub struct Texts { $(pub $field: &'static str,)* }

        #[cfg(test)]
        fn pairs() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($field), EN.$field, RU.$field)),*]
        }
    };
}

texts_struct!(
    menu_button,
    cmd_connect,
    cmd_stats,
    accounts_title,
    accounts_empty,
    connect_button,
    no_key,
    ask_kind,
    kind_own,
    kind_agency,
    ask_client_id,
    bad_client_id,
    ask_secret,
    ask_agency_client,
    checking,
    connected,
    rejected,
    token_limit,
    connect_failed,
    expects_kind,
    expects_client_id,
    expects_secret,
    expects_agency,
    expects_email,
    account_card,
    kind_own_label,
    kind_agency_label,
    status_ok,
    status_reconnect,
    none,
    btn_campaigns,
    btn_report,
    btn_daily,
    btn_weekly,
    btn_stop_digests,
    btn_email,
    btn_disconnect,
    btn_csv,
    back,
    campaigns_title,
    campaigns_empty,
    digest_set,
    digests_stopped,
    ask_email,
    email_set,
    email_cleared,
    bad_email,
    no_smtp,
    confirm_disconnect,
    yes_disconnect,
    no,
    disconnected,
    account_gone,
    period_unknown,
    period_reversed,
    period_too_long,
    period_future,
    account_unknown,
    account_choose,
    report_queued,
    needs_reconnect,
    report_failed,
    report_title,
    digest_title,
    partial,
    shows,
    clicks,
    spent,
    ctr,
    cpc,
    cpm,
    goals,
    cpa,
    campaigns_header,
    others,
    zero_goals_flag,
    no_activity,
    chart_title,
    csv_caption,
    kind_legacy,
    ask_legacy_token,
    bad_legacy_token,
    expects_legacy_token,
    legacy_disabled,
    legacy_checking,
    legacy_connected,
    legacy_rejected,
    legacy_no_accounts,
    legacy_skipped,
    kind_legacy_label,
    id_label_client,
    id_label_legacy,
    legacy_reconnect,
    legacy_daily_limit,
    legacy_off,
    goals_unavailable,
    disconnecting,
    disconnected_tokens_kept,
    disconnected_legacy,
    ask_digest_time_daily,
    ask_digest_time_weekly,
    btn_other_time,
    ask_time,
    bad_time,
    expects_time,
    legacy_paused,
    confirm_disconnect_legacy,
);

/// The texts of `lang`.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Ru => &RU,
    }
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

    use crate::telegram::texts::placeholders;

    #[test]
    fn every_vk_text_exists_in_both_languages_with_the_same_placeholders() {
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
}
