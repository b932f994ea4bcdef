//! The report: a period against the previous one of equal length. Pure
//! arithmetic and rendering (text, chart, CSV); fetching is in [`super::jobs`].

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::client::{Base, ItemStats, VkObject};
use super::period::Period;
use super::texts::Texts;
use crate::render::chart::{daily_lines, ChartError, DailySeries};
use crate::render::format::{count, delta, money, percent};
use crate::telegram::texts::{fill, html};

/// Campaigns listed by name; the rest are summed into "others".
pub const TOP: usize = 15;

/// Click-through rate as a ratio (clicks / impressions); `None` without impressions.
pub fn ctr(b: &Base) -> Option<f64> {
    (b.shows > 0).then(|| b.clicks as f64 / b.shows as f64)
}

/// Cost per click; `None` without clicks.
pub fn cpc(b: &Base) -> Option<Decimal> {
    (b.clicks > 0).then(|| b.spent / Decimal::from(b.clicks))
}

/// Cost per thousand impressions; `None` without impressions.
pub fn cpm(b: &Base) -> Option<Decimal> {
    (b.shows > 0).then(|| b.spent * Decimal::from(1000) / Decimal::from(b.shows))
}

/// Cost per goal; `None` without goals.
pub fn cpa(b: &Base) -> Option<Decimal> {
    (b.goals > 0).then(|| b.spent / Decimal::from(b.goals))
}

/// One campaign's line: this period and the previous one.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRow {
    /// Campaign id.
    pub id: i64,
    /// Campaign name (`#id` when unknown).
    pub name: String,
    /// Sums in the period.
    pub current: Base,
    /// Sums in the previous period.
    pub previous: Base,
}

impl CampaignRow {
    /// It spent money in the period and brought no goal.
    pub fn spends_without_goals(&self) -> bool {
        self.current.spent > Decimal::ZERO && self.current.goals == 0
    }
}

/// A built report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The account name.
    pub account: String,
    /// The period reported on.
    pub period: Period,
    /// The previous period of equal length.
    pub previous: Period,
    /// Totals of the period.
    pub current: Base,
    /// Totals of the previous period.
    pub prior: Base,
    /// The top campaigns by spend in the period (ties by name).
    pub top: Vec<CampaignRow>,
    /// How many campaigns are summed in `others`, and their sums.
    pub others: Option<(usize, Base, Base)>,
    /// Every day of the period with the account's totals (zero when absent).
    pub daily: Vec<(NaiveDate, Base)>,
    /// The period includes today, whose numbers are still growing.
    pub partial: bool,
    /// Whether the source reports goals (the old `ads.*` API does not: goals
    /// and CPA are then shown as unavailable and nobody is flagged).
    pub goals: bool,
}

impl Report {
    /// The same report from a source without goals (the old API).
    #[must_use]
    pub fn without_goals(mut self) -> Self {
        self.goals = false;
        self
    }
}

/// Builds the report from daily stats covering `previous.from ..= period.to`.
/// Campaigns absent from `campaigns` are still counted (named by id).
pub fn build(
    account: &str,
    period: Period,
    today: NaiveDate,
    campaigns: &[VkObject],
    stats: &[ItemStats],
) -> Report {
    let previous = period.previous();
    let names: HashMap<i64, &str> = campaigns.iter().map(|c| (c.id, c.name.as_str())).collect();
    let mut daily: HashMap<NaiveDate, Base> = HashMap::new();
    let mut rows = Vec::with_capacity(stats.len());
    let (mut current, mut prior) = (Base::default(), Base::default());
    for item in stats {
        let mut row = CampaignRow {
            id: item.id,
            name: names
                .get(&item.id)
                .map_or_else(|| format!("#{}", item.id), |n| n.to_string()),
            current: Base::default(),
            previous: Base::default(),
        };
        for day in &item.rows {
            if period.contains(day.date) {
                row.current.add(&day.base);
                daily.entry(day.date).or_default().add(&day.base);
            } else if previous.contains(day.date) {
                row.previous.add(&day.base);
            }
        }
        current.add(&row.current);
        prior.add(&row.previous);
        if row.current != Base::default() || row.previous != Base::default() {
            rows.push(row);
        }
    }
    rows.sort_by(|a, b| {
        b.current
            .spent
            .cmp(&a.current.spent)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.id.cmp(&b.id))
    });
    let others = (rows.len() > TOP).then(|| {
        let rest = rows.split_off(TOP);
        let (mut c, mut p) = (Base::default(), Base::default());
        for row in &rest {
            c.add(&row.current);
            p.add(&row.previous);
        }
        (rest.len(), c, p)
    });
    Report {
        account: account.to_string(),
        period,
        previous,
        current,
        prior,
        top: rows,
        others,
        daily: period
            .each_day()
            .map(|day| (day, daily.get(&day).copied().unwrap_or_default()))
            .collect(),
        partial: period.contains(today),
        goals: true,
    }
}

fn dec(value: Decimal) -> f64 {
    value.to_f64().unwrap_or(0.0)
}

fn opt_money(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".into(), money)
}

fn opt_delta<T: Copy>(a: Option<T>, b: Option<T>, f: impl Fn(T) -> f64) -> String {
    match (a, b) {
        (Some(a), Some(b)) => delta(f(a), f(b)),
        _ => "—".into(),
    }
}

/// The report as an HTML message (the caller splits it past 4096 characters).
pub fn render_text(report: &Report, t: &Texts) -> String {
    let mut out = fill(
        t.report_title,
        &[
            ("name", &html(&report.account)),
            ("from", &report.period.from),
            ("to", &report.period.to),
            ("prev_from", &report.previous.from),
            ("prev_to", &report.previous.to),
        ],
    );
    out.push('\n');
    if report.partial {
        out.push_str(t.partial);
        out.push('\n');
    }
    let (c, p) = (&report.current, &report.prior);
    if *c == Base::default() {
        out.push_str(t.no_activity);
        out.push('\n');
    }
    let mut line = |label: &str, value: String, change: String| {
        out.push_str(&format!("\n{label}: <b>{value}</b> ({change})"));
    };
    line(
        t.shows,
        count(c.shows),
        delta(c.shows as f64, p.shows as f64),
    );
    line(
        t.clicks,
        count(c.clicks),
        delta(c.clicks as f64, p.clicks as f64),
    );
    line(t.spent, money(c.spent), delta(dec(c.spent), dec(p.spent)));
    line(
        t.ctr,
        ctr(c).map_or_else(|| "—".into(), |r| percent(r, 2)),
        opt_delta(ctr(c), ctr(p), |r| r),
    );
    line(t.cpc, opt_money(cpc(c)), opt_delta(cpc(c), cpc(p), dec));
    line(t.cpm, opt_money(cpm(c)), opt_delta(cpm(c), cpm(p), dec));
    if report.goals {
        line(
            t.goals,
            count(c.goals),
            delta(c.goals as f64, p.goals as f64),
        );
        line(t.cpa, opt_money(cpa(c)), opt_delta(cpa(c), cpa(p), dec));
    } else {
        line(t.goals, "—".into(), t.goals_unavailable.into());
        line(t.cpa, "—".into(), t.goals_unavailable.into());
    }
    if !report.top.is_empty() {
        out.push_str(&format!("\n\n{}", t.campaigns_header));
        for (i, row) in report.top.iter().enumerate() {
            out.push_str(&format!(
                "\n{}. {} — {} ({}), {} {}",
                i + 1,
                html(&row.name),
                money(row.current.spent),
                delta(dec(row.current.spent), dec(row.previous.spent)),
                count(row.current.clicks),
                t.clicks.to_lowercase(),
            ));
            if report.goals {
                out.push_str(&format!(
                    ", {} {}",
                    count(row.current.goals),
                    t.goals.to_lowercase()
                ));
            }
            if report.goals && row.spends_without_goals() {
                out.push_str(&format!(" {}", t.zero_goals_flag));
            }
        }
        if let Some((n, c, p)) = &report.others {
            out.push_str(&format!(
                "\n… {} — {} ({})",
                fill(t.others, &[("count", n)]),
                money(c.spent),
                delta(dec(c.spent), dec(p.spent))
            ));
        }
    }
    out
}

/// PNG of the daily spend (left axis) and clicks (right axis).
pub fn chart(report: &Report, t: &Texts) -> Result<Vec<u8>, ChartError> {
    let spent = DailySeries {
        name: t.spent.into(),
        points: report
            .daily
            .iter()
            .map(|(d, b)| (*d, dec(b.spent)))
            .collect(),
    };
    let clicks = DailySeries {
        name: t.clicks.into(),
        points: report
            .daily
            .iter()
            .map(|(d, b)| (*d, b.clicks as f64))
            .collect(),
    };
    let title = fill(t.chart_title, &[("name", &report.account)]);
    daily_lines(&title, t.spent, &[spent], Some((t.clicks, &clicks)))
}

/// CSV of the daily rows of every campaign in `period` (zero-activity days are
/// absent, as in the API): `date,campaign_id,campaign,shows,clicks,spent,goals`.
/// Without `goals` (the old API has none) the goals column is empty.
pub fn csv(
    period: Period,
    campaigns: &[VkObject],
    stats: &[ItemStats],
    goals: bool,
) -> anyhow::Result<Vec<u8>> {
    let names: HashMap<i64, &str> = campaigns.iter().map(|c| (c.id, c.name.as_str())).collect();
    let mut rows: Vec<(NaiveDate, i64, &Base)> = stats
        .iter()
        .flat_map(|item| item.rows.iter().map(move |r| (r.date, item.id, &r.base)))
        .filter(|(date, _, _)| period.contains(*date))
        .collect();
    rows.sort_by_key(|(date, id, _)| (*date, *id));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "date",
        "campaign_id",
        "campaign",
        "shows",
        "clicks",
        "spent",
        "goals",
    ])?;
    for (date, id, base) in rows {
        writer.write_record([
            date.to_string(),
            id.to_string(),
            names.get(&id).copied().unwrap_or_default().to_string(),
            base.shows.to_string(),
            base.clicks.to_string(),
            base.spent.to_string(),
            if goals {
                base.goals.to_string()
            } else {
                String::new()
            },
        ])?;
    }
    Ok(writer.into_inner()?)
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
