//! The feature's screens: the alert list, an alert's card, the interval and
//! rule choosers, the delete confirmation. Pure: text and keyboard only.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::{EbCallback, Field};
use super::filters::describe;
use super::insights_schedule::{InsightsPlan, PlanState};
use super::store::{Alert, INTERVALS};
use super::texts::texts;
use crate::render::format::money;
use crate::telegram::core_callback::CoreCallback;
use crate::telegram::keyboard::{back_row, confirm_keyboard, paginate, PagerLabels};
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

/// Alerts per list page.
pub const PER_PAGE: usize = 8;

fn btn(text: &str, cb: EbCallback) -> InlineKeyboardButton {
    InlineKeyboardButton::callback(text.to_string(), cb.data())
}

/// The list of the chat's alerts, page `page`.
pub fn list(lang: Lang, alerts: &[Alert], page: u32) -> (String, InlineKeyboardMarkup) {
    let t = texts(lang);
    let core = crate::telegram::texts::texts(lang);
    let back = back_row(core.back, CoreCallback::MainMenu.data());
    if alerts.is_empty() {
        return (t.list_empty.to_string(), InlineKeyboardMarkup::new([back]));
    }
    let labels = PagerLabels {
        prev: core.prev.to_string(),
        next: core.next.to_string(),
        position: "{page}/{pages}".to_string(),
        noop_data: CoreCallback::Noop.data(),
    };
    let pager = paginate(
        alerts,
        page,
        PER_PAGE,
        |a| {
            let phrase: String = a.phrase.chars().take(40).collect();
            let mark = if a.active { "" } else { t.paused_mark };
            (
                format!("#{} {phrase} {mark}", a.id).trim_end().to_string(),
                EbCallback::Card(a.id).data(),
            )
        },
        |p| EbCallback::List(p).data(),
        &labels,
    );
    let mut keyboard = pager.keyboard;
    keyboard.inline_keyboard.push(back);
    (fill(t.list_title, &[("count", &alerts.len())]), keyboard)
}

/// The rules as one line.
pub fn rules_line(lang: Lang, alert: &Alert) -> String {
    let t = texts(lang);
    let r = &alert.rules;
    let mut parts = Vec::new();
    if r.any_new {
        parts.push(t.rule_new.to_string());
    }
    if let Some(target) = r.target {
        parts.push(fill(t.rule_target, &[("price", &money(target))]));
    }
    if let Some(pct) = r.drop_percent {
        parts.push(fill(t.rule_drop, &[("percent", &pct.normalize())]));
    }
    if r.below_average {
        parts.push(t.rule_average.to_string());
    }
    if parts.is_empty() {
        t.rules_none.to_string()
    } else {
        parts.join(", ")
    }
}

/// The insights plan as shown on the card.
pub fn plan_text(lang: Lang, plan: &PlanState) -> String {
    let t = texts(lang);
    let at = plan
        .at
        .map_or("—".to_string(), |at| at.format("%H:%M").to_string());
    let timezone = plan.timezone.as_deref().unwrap_or("UTC");
    let with = |template: &str| fill(template, &[("time", &at), ("timezone", &timezone)]);
    match plan.plan {
        InsightsPlan::Off => t.plan_off.to_string(),
        InsightsPlan::HalfHourly => t.plan_half_hourly.to_string(),
        InsightsPlan::Daily => with(t.plan_daily),
        InsightsPlan::Weekly => with(t.plan_weekly),
    }
}

/// An alert's card with its buttons; `plan` is how its insights are sent on
/// schedule (one row of buttons chooses another, the current one marked •).
pub fn card(lang: Lang, alert: &Alert, plan: &PlanState) -> (String, InlineKeyboardMarkup) {
    let t = texts(lang);
    let id = alert.id;
    let text = fill(
        t.card,
        &[
            ("id", &id),
            ("phrase", &html(&alert.phrase)),
            (
                "status",
                &if alert.active {
                    t.status_active
                } else {
                    t.status_paused
                },
            ),
            ("marketplace", &alert.marketplace),
            ("filters", &html(&describe(&alert.filters))),
            ("interval", &alert.interval_minutes),
            ("rules", &rules_line(lang, alert)),
            ("email", &html(alert.email.as_deref().unwrap_or(t.none))),
            ("insights", &html(&plan_text(lang, plan))),
        ],
    );
    let edit = |text: &str, field| btn(text, EbCallback::Edit(id, field));
    let pause = if alert.active {
        btn(t.btn_pause, EbCallback::SetActive(id, false))
    } else {
        btn(t.btn_resume, EbCallback::SetActive(id, true))
    };
    let keyboard = InlineKeyboardMarkup::new([
        vec![
            edit(t.btn_price, Field::Price),
            edit(t.btn_conditions, Field::Conditions),
        ],
        vec![
            edit(t.btn_buying, Field::Buying),
            edit(t.btn_country, Field::Country),
        ],
        vec![
            edit(t.btn_exclude, Field::Exclude),
            btn(t.btn_interval, EbCallback::Interval(id)),
        ],
        vec![
            btn(t.btn_rules, EbCallback::Rules(id)),
            edit(t.btn_email, Field::Email),
        ],
        vec![btn(t.btn_insights, EbCallback::Insights(id)), pause],
        InsightsPlan::ALL
            .into_iter()
            .map(|choice| {
                let label = match choice {
                    InsightsPlan::Off => t.btn_plan_off,
                    InsightsPlan::HalfHourly => t.btn_plan_half_hourly,
                    InsightsPlan::Daily => t.btn_plan_daily,
                    InsightsPlan::Weekly => t.btn_plan_weekly,
                };
                let label = if choice == plan.plan {
                    format!("• {label}")
                } else {
                    label.to_string()
                };
                btn(&label, EbCallback::SetInsights(id, choice))
            })
            .collect(),
        vec![
            btn(t.btn_delete, EbCallback::Delete(id)),
            btn(t.btn_back_list, EbCallback::List(0)),
        ],
    ]);
    (text, keyboard)
}

/// The interval chooser.
pub fn intervals(lang: Lang, alert: &Alert) -> (String, InlineKeyboardMarkup) {
    let t = texts(lang);
    let row = INTERVALS
        .iter()
        .map(|&m| {
            let label = fill(t.interval_button, &[("minutes", &m)]);
            let label = if m == alert.interval_minutes {
                format!("• {label}")
            } else {
                label
            };
            btn(&label, EbCallback::SetInterval(alert.id, m.unsigned_abs()))
        })
        .collect::<Vec<_>>();
    let back = vec![btn(t.btn_back, EbCallback::Card(alert.id))];
    (
        fill(t.interval_prompt, &[("id", &alert.id)]),
        InlineKeyboardMarkup::new([row, back]),
    )
}

/// The rule switches.
pub fn rules(lang: Lang, alert: &Alert) -> (String, InlineKeyboardMarkup) {
    let t = texts(lang);
    let id = alert.id;
    let mark = |on: bool| if on { "✅" } else { "▫️" };
    let r = &alert.rules;
    let target = r.target.map_or(t.none.to_string(), money);
    let drop = r
        .drop_percent
        .map_or(t.none.to_string(), |p| format!("{}%", p.normalize()));
    let keyboard = InlineKeyboardMarkup::new([
        vec![btn(
            &format!("{} {}", mark(r.any_new), t.rule_new),
            EbCallback::ToggleNew(id),
        )],
        vec![btn(
            &format!("{}: {target}", t.btn_rule_target),
            EbCallback::Edit(id, Field::Target),
        )],
        vec![btn(
            &format!("{}: {drop}", t.btn_rule_drop),
            EbCallback::Edit(id, Field::Drop),
        )],
        vec![btn(
            &format!("{} {}", mark(r.below_average), t.rule_average),
            EbCallback::ToggleAverage(id),
        )],
        vec![btn(t.btn_back, EbCallback::Card(id))],
    ]);
    (fill(t.rules_prompt, &[("id", &id)]), keyboard)
}

/// The delete confirmation.
pub fn confirm_delete(lang: Lang, alert: &Alert) -> (String, InlineKeyboardMarkup) {
    let t = texts(lang);
    let text = fill(
        t.delete_confirm,
        &[("id", &alert.id), ("phrase", &html(&alert.phrase))],
    );
    let keyboard = confirm_keyboard(
        t.yes,
        EbCallback::DeleteYes(alert.id).data(),
        t.no,
        EbCallback::Card(alert.id).data(),
    );
    (text, keyboard)
}

/// The prompt of a typed value.
pub fn prompt(lang: Lang, field: Field) -> &'static str {
    let t = texts(lang);
    match field {
        Field::Price => t.ask_price,
        Field::Conditions => t.ask_conditions,
        Field::Buying => t.ask_buying,
        Field::Country => t.ask_country,
        Field::Exclude => t.ask_exclude,
        Field::Target => t.ask_target,
        Field::Drop => t.ask_drop,
        Field::Email => t.ask_email,
    }
}
