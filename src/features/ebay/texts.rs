//! The eBay feature's user-facing strings, in English and Russian.
//!
//! Placeholders are `{name}`, filled with [`crate::telegram::texts::fill`]; a
//! test checks both languages have every key with the same placeholders.

use crate::telegram::lang::Lang;

macro_rules! texts_struct {
    ($($field:ident),* $(,)?) => {
        /// Every string of the feature.
        pub struct Texts {
            $(pub $field: &'static str,)*
        }

        #[cfg(test)]
        fn pairs() -> Vec<(&'static str, &'static str, &'static str)> {
            vec![$((stringify!($field), EN.$field, RU.$field)),*]
        }
    };
}

texts_struct!(
    menu_button,
    cmd_alerts,
    cmd_alert_add,
    cmd_insights,
    list_title,
    list_empty,
    paused_mark,
    add_usage,
    phrase_too_long,
    unknown_alert,
    insights_usage,
    card,
    status_active,
    status_paused,
    none,
    rules_none,
    rule_new,
    rule_target,
    rule_drop,
    rule_average,
    btn_price,
    btn_conditions,
    btn_buying,
    btn_country,
    btn_exclude,
    btn_interval,
    btn_rules,
    btn_email,
    btn_insights,
    btn_pause,
    btn_resume,
    btn_delete,
    btn_back_list,
    btn_back,
    btn_rule_target,
    btn_rule_drop,
    btn_plan_off,
    btn_plan_half_hourly,
    btn_plan_daily,
    btn_plan_weekly,
    plan_off,
    plan_half_hourly,
    plan_daily,
    plan_weekly,
    yes,
    no,
    interval_prompt,
    interval_button,
    rules_prompt,
    ask_price,
    ask_conditions,
    ask_buying,
    ask_country,
    ask_exclude,
    ask_target,
    ask_drop,
    ask_email,
    bad_price,
    min_above_max,
    unknown_currency,
    unknown_value,
    bad_percent,
    bad_email,
    bad_target,
    saved,
    delete_confirm,
    deleted,
    insights_queued,
    notify_title,
    more,
    shipping,
    rule_drop_tag,
    rule_target_tag,
    rule_average_tag,
    rule_new_tag,
    summary_title,
    summary_empty,
    email_subject,
    insights_title,
    insights_body,
    insights_empty,
    insights_mixed,
    chart_title,
    chart_caption,
    credentials_rejected,
    budget_low,
    search_rejected,
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
}
