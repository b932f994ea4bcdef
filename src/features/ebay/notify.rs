//! Which items of a poll an alert reports (rules and cooldowns), and the text
//! of the one grouped message per alert per cycle. Pure functions.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::client::ItemSummary;
use super::store::{Alert, ItemState};
use super::texts::{texts, Texts};
use crate::render::format::money;
use crate::telegram::lang::Lang;
use crate::telegram::texts::{fill, html};

/// Items listed in one message; the rest are counted.
pub const MAX_ITEMS: usize = 10;
/// Items in the first-cycle summary.
pub const SUMMARY_ITEMS: usize = 5;

/// The rule an item matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Drop,
    Target,
    BelowAverage,
    New,
}

impl RuleKind {
    /// Stored code (cooldowns).
    pub fn code(self) -> &'static str {
        match self {
            RuleKind::Drop => "drop",
            RuleKind::Target => "target",
            RuleKind::BelowAverage => "avg",
            RuleKind::New => "new",
        }
    }
}

/// An item worth reporting.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub item: ItemSummary,
    pub rule: RuleKind,
    /// The previous price, for drops.
    pub old_price: Option<Decimal>,
}

/// Cooldowns in force: (alert, item, rule code) → price when notified.
pub type Cooldowns = HashMap<(i64, String, String), Option<Decimal>>;

/// The hits of `alert` among `items`, at most one per item (the first rule in
/// the order drop, target, below average, new that is not cooling down).
/// `before` is the query's item state (first sightings, for "new");
/// `last_seen` is what *this alert* saw at its previous poll, item → price
/// (for "drop", so an alert sharing its query with a faster one still sees the
/// drop). A cooldown is lifted when the price fell below the notified price.
pub fn evaluate(
    alert: &Alert,
    items: &[ItemSummary],
    before: &HashMap<String, ItemState>,
    last_seen: &HashMap<String, Decimal>,
    average: Option<Decimal>,
    cooled: &Cooldowns,
) -> Vec<Hit> {
    let rules = &alert.rules;
    let mut seen = HashSet::new();
    let mut hits = Vec::new();
    for item in items {
        if !seen.insert(item.item_id.as_str()) {
            continue;
        }
        let state = before.get(&item.item_id);
        let is_new = match (state, alert.last_polled_at) {
            (None, _) => true,
            (Some(s), Some(last)) => s.first_seen > last,
            (Some(_), None) => false,
        };
        let mut candidates: Vec<(RuleKind, Option<Decimal>)> = Vec::new();
        if let Some(price) = item.price {
            if let (Some(pct), Some(&old)) = (rules.drop_percent, last_seen.get(&item.item_id)) {
                if old > Decimal::ZERO
                    && price < old
                    && (old - price) / old * Decimal::ONE_HUNDRED >= pct
                {
                    candidates.push((RuleKind::Drop, Some(old)));
                }
            }
            if rules.target.is_some_and(|target| price <= target) {
                candidates.push((RuleKind::Target, None));
            }
            if rules.below_average && average.is_some_and(|avg| price < avg) {
                candidates.push((RuleKind::BelowAverage, None));
            }
        }
        if rules.any_new && is_new {
            candidates.push((RuleKind::New, None));
        }
        let pick = candidates.into_iter().find(|(rule, _)| {
            let key = (alert.id, item.item_id.clone(), rule.code().to_string());
            match cooled.get(&key) {
                None => true,
                Some(notified) => match (item.price, notified) {
                    (Some(now), Some(then)) => now < *then,
                    _ => false,
                },
            }
        });
        if let Some((rule, old_price)) = pick {
            hits.push(Hit {
                item: item.clone(),
                rule,
                old_price,
            });
        }
    }
    hits.sort_by_key(|h| {
        (
            h.rule != RuleKind::Drop,
            h.item.price.unwrap_or(Decimal::MAX),
        )
    });
    hits
}

fn price_text(price: Option<Decimal>, currency: Option<&str>) -> String {
    match price {
        Some(p) => format!("{} {}", money(p), currency.unwrap_or(""))
            .trim_end()
            .to_string(),
        None => "—".into(),
    }
}

fn item_line(t: &Texts, item: &ItemSummary, rule: Option<&Hit>) -> String {
    let title = html(&item.title);
    let mut line = match &item.url {
        Some(url) => format!(
            "• <a href=\"{}\">{title}</a>",
            html(url).replace('"', "&quot;")
        ),
        None => format!("• {title}"),
    };
    line.push_str(" — ");
    let currency = item.currency.as_deref();
    match rule.and_then(|h| h.old_price.map(|old| (old, h))) {
        Some((old, _)) => {
            let now = item.price.unwrap_or_default();
            let pct = super::insights::ratio_change(now, old).unwrap_or(0.0);
            line.push_str(&format!(
                "{} → <b>{}</b> ({})",
                money(old),
                price_text(item.price, currency),
                crate::render::format::percent(pct, 0).replace('-', "−")
            ));
        }
        None => line.push_str(&format!("<b>{}</b>", price_text(item.price, currency))),
    }
    if let Some(shipping) = item.shipping.filter(|s| !s.is_zero()) {
        line.push_str(&fill(t.shipping, &[("price", &money(shipping))]));
    }
    if let Some(condition) = &item.condition {
        line.push_str(&format!(" · {}", html(condition)));
    }
    if let Some(h) = rule {
        let tag = match h.rule {
            RuleKind::Drop => t.rule_drop_tag,
            RuleKind::Target => t.rule_target_tag,
            RuleKind::BelowAverage => t.rule_average_tag,
            RuleKind::New => t.rule_new_tag,
        };
        line.push_str(&format!(" · {tag}"));
    }
    line
}

/// The grouped notification (HTML) for `hits`.
pub fn hits_message(lang: Lang, alert: &Alert, hits: &[Hit]) -> String {
    let t = texts(lang);
    let mut out = fill(
        t.notify_title,
        &[
            ("id", &alert.id),
            ("phrase", &html(&alert.phrase)),
            ("count", &hits.len()),
        ],
    );
    for hit in hits.iter().take(MAX_ITEMS) {
        out.push('\n');
        out.push_str(&item_line(t, &hit.item, Some(hit)));
    }
    if hits.len() > MAX_ITEMS {
        out.push('\n');
        out.push_str(&fill(t.more, &[("count", &(hits.len() - MAX_ITEMS))]));
    }
    out
}

/// The first-cycle summary: how many listings match and the cheapest few.
pub fn summary_message(lang: Lang, alert: &Alert, items: &[ItemSummary]) -> String {
    let t = texts(lang);
    let mut priced: Vec<&ItemSummary> = items.iter().filter(|i| i.price.is_some()).collect();
    priced.sort_by_key(|i| i.price);
    let mut out = fill(
        t.summary_title,
        &[
            ("id", &alert.id),
            ("phrase", &html(&alert.phrase)),
            ("count", &items.len()),
        ],
    );
    if priced.is_empty() {
        out.push('\n');
        out.push_str(t.summary_empty);
    }
    for item in priced.iter().take(SUMMARY_ITEMS) {
        out.push('\n');
        out.push_str(&item_line(t, item, None));
    }
    out
}

/// Plain text of an HTML message (for e-mail): tags dropped, entities decoded.
pub fn plain_text(html_text: &str) -> String {
    let mut out = String::with_capacity(html_text.len());
    let mut in_tag = false;
    for c in html_text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::ebay::store::Rules;
    use chrono::{TimeZone, Utc};

    fn alert(rules: Rules) -> Alert {
        Alert {
            id: 7,
            chat_id: 1,
            phrase: "lens <50mm>".into(),
            filters: Default::default(),
            marketplace: "EBAY_US".into(),
            query_key: "k".into(),
            interval_minutes: 10,
            rules,
            email: None,
            active: true,
            last_polled_at: Some(Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()),
            insights_half_hourly: false,
        }
    }

    fn item(id: &str, price: i64) -> ItemSummary {
        ItemSummary {
            item_id: id.into(),
            title: format!("Lens {id}"),
            price: Some(Decimal::new(price, 0)),
            currency: Some("USD".into()),
            shipping: None,
            condition: Some("Used".into()),
            url: Some(format!("https://ebay.test/itm/{id}")),
        }
    }

    fn state() -> ItemState {
        ItemState {
            first_seen: Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap(),
        }
    }

    fn prices(list: &[(&str, i64)]) -> HashMap<String, Decimal> {
        list.iter()
            .map(|(id, p)| (id.to_string(), Decimal::new(*p, 0)))
            .collect()
    }

    #[test]
    fn rules_cooldowns_and_a_further_fall() {
        let rules = Rules {
            any_new: true,
            target: Some(Decimal::new(20, 0)),
            drop_percent: Some(Decimal::new(10, 0)),
            below_average: false,
        };
        let a = alert(rules);
        let items = vec![
            item("old", 90),
            item("fresh", 50),
            item("cheap", 15),
            item("flat", 99),
        ];
        let before: HashMap<String, ItemState> = [
            ("old".to_string(), state()),
            ("cheap".to_string(), state()),
            ("flat".to_string(), state()),
        ]
        .into();
        let seen = prices(&[("old", 100), ("cheap", 15), ("flat", 100)]);
        let hits = evaluate(&a, &items, &before, &seen, None, &Cooldowns::new());
        let got: Vec<(&str, RuleKind)> = hits
            .iter()
            .map(|h| (h.item.item_id.as_str(), h.rule))
            .collect();
        assert_eq!(
            got,
            [
                ("old", RuleKind::Drop),
                ("cheap", RuleKind::Target),
                ("fresh", RuleKind::New)
            ]
        );
        assert_eq!(hits[0].old_price, Some(Decimal::new(100, 0)));

        let mut cooled = Cooldowns::new();
        cooled.insert((7, "old".into(), "drop".into()), Some(Decimal::new(90, 0)));
        cooled.insert(
            (7, "cheap".into(), "target".into()),
            Some(Decimal::new(15, 0)),
        );
        cooled.insert((7, "fresh".into(), "new".into()), Some(Decimal::new(50, 0)));
        assert!(evaluate(&a, &items, &before, &seen, None, &cooled).is_empty());
        // Falling further lifts the cooldown.
        let lower = vec![item("cheap", 14)];
        assert_eq!(evaluate(&a, &lower, &before, &seen, None, &cooled).len(), 1);
    }

    #[test]
    fn a_drop_is_measured_against_what_this_alert_saw_last() {
        let rules = Rules {
            drop_percent: Some(Decimal::new(10, 0)),
            ..Rules::default()
        };
        let a = alert(rules);
        let items = vec![item("x", 85)];
        let before: HashMap<String, ItemState> = [("x".to_string(), state())].into();
        let none = Cooldowns::new();
        // This alert last saw 100: a 15 % drop, whatever the query saw since.
        let hits = evaluate(&a, &items, &before, &prices(&[("x", 100)]), None, &none);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].old_price, Some(Decimal::new(100, 0)));
        // This alert already saw 85 (or 90: under 10 %): nothing.
        assert!(evaluate(&a, &items, &before, &prices(&[("x", 85)]), None, &none).is_empty());
        assert!(evaluate(&a, &items, &before, &prices(&[("x", 90)]), None, &none).is_empty());
        // Not seen by this alert before: no drop to measure.
        assert!(evaluate(&a, &items, &before, &HashMap::new(), None, &none).is_empty());
    }

    #[test]
    fn messages_escape_and_cap_the_list() {
        let a = alert(Rules::default());
        let hits: Vec<Hit> = (0..13)
            .map(|i| Hit {
                item: item(&i.to_string(), 10 + i),
                rule: RuleKind::New,
                old_price: None,
            })
            .collect();
        let text = hits_message(Lang::En, &a, &hits);
        assert!(text.contains("lens &lt;50mm&gt;"), "{text}");
        assert!(text.contains("+3 more"), "{text}");
        assert_eq!(text.matches("• ").count(), MAX_ITEMS);
        let drop = Hit {
            item: item("x", 45),
            rule: RuleKind::Drop,
            old_price: Some(Decimal::new(50, 0)),
        };
        let text = hits_message(Lang::En, &a, &[drop]);
        assert!(text.contains("50.00 → <b>45.00 USD</b> (−10%)"), "{text}");
        assert!(plain_text(&text).contains("lens <50mm>"));
        let summary = summary_message(Lang::Ru, &a, &[item("a", 5), item("b", 3)]);
        assert!(summary.find("Lens b") < summary.find("Lens a"), "{summary}");
    }
}
