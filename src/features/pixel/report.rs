//! Open statistics of a campaign: a pure computation over the stored hits,
//! its HTML summary and its charts.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::classify::Kind;
use super::store::OpenRow;
use super::texts::Texts;
use crate::render::chart::{self, DailySeries};
use crate::render::format::{count, percent};
use crate::telegram::texts::{fill, html};

/// One group's line of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupStats {
    pub name: String,
    pub contacts: i64,
    /// Contacts with at least one human open.
    pub opened: i64,
    /// Human opens after de-duplication.
    pub opens: i64,
}

/// A campaign's numbers. Every count of opens is after de-duplication: hits
/// of one contact and kind within the window after a counted hit count once.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    pub contacts: i64,
    pub opened: i64,
    pub opens: i64,
    /// Machine opens: proxy, prefetch, scanner.
    pub machine: Vec<(Kind, i64)>,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
    pub groups: Vec<GroupStats>,
    /// Human opens by hour of day in [`Stats::timezone`].
    pub by_hour: [i64; 24],
    /// Human opens by day in [`Stats::timezone`].
    pub by_day: BTreeMap<NaiveDate, i64>,
    /// The reader's timezone (the chat's `/timezone`): hours, days and times
    /// are shown in it.
    pub timezone: Tz,
}

impl Stats {
    /// Opened contacts over contacts (NaN when there are none).
    pub fn open_rate(&self) -> f64 {
        self.opened as f64 / self.contacts as f64
    }
}

/// Computes the stats of `groups` (name, contacts) from `opens` (any order)
/// with a de-duplication window of `dedupe_minutes`, hours and days counted in
/// `timezone`.
pub fn compute(
    groups: &[(String, i64)],
    opens: &[OpenRow],
    dedupe_minutes: u32,
    timezone: Tz,
) -> Stats {
    let window = chrono::Duration::minutes(i64::from(dedupe_minutes));
    let mut sorted: Vec<&OpenRow> = opens.iter().collect();
    sorted.sort_by_key(|o| (o.contact_id, o.opened_at));
    let mut last_counted: HashMap<(i64, &str), DateTime<Utc>> = HashMap::new();
    let mut machine: HashMap<Kind, i64> = HashMap::new();
    let mut per_group: HashMap<&str, (std::collections::HashSet<i64>, i64)> = HashMap::new();
    let mut stats = Stats {
        contacts: groups.iter().map(|(_, n)| n).sum(),
        opened: 0,
        opens: 0,
        machine: Vec::new(),
        first: None,
        last: None,
        groups: Vec::new(),
        by_hour: [0; 24],
        by_day: BTreeMap::new(),
        timezone,
    };
    for open in sorted {
        let key = (open.contact_id, open.kind.as_str());
        if let Some(previous) = last_counted.get(&key) {
            if open.opened_at - *previous < window {
                continue;
            }
        }
        last_counted.insert(key, open.opened_at);
        let kind = Kind::parse(&open.kind).unwrap_or(Kind::Scanner);
        if kind != Kind::Human {
            *machine.entry(kind).or_default() += 1;
            continue;
        }
        stats.opens += 1;
        stats.first = Some(
            stats
                .first
                .map_or(open.opened_at, |f| f.min(open.opened_at)),
        );
        stats.last = Some(stats.last.map_or(open.opened_at, |l| l.max(open.opened_at)));
        let local = open.opened_at.with_timezone(&timezone);
        stats.by_hour[local.hour() as usize] += 1;
        *stats.by_day.entry(local.date_naive()).or_default() += 1;
        let entry = per_group.entry(open.group.as_str()).or_default();
        entry.0.insert(open.contact_id);
        entry.1 += 1;
    }
    stats.machine = [Kind::Proxy, Kind::Prefetch, Kind::Scanner]
        .into_iter()
        .map(|k| (k, machine.get(&k).copied().unwrap_or(0)))
        .collect();
    stats.groups = groups
        .iter()
        .map(|(name, contacts)| {
            let (opened, opens) = per_group
                .get(name.as_str())
                .map_or((0, 0), |(set, opens)| (set.len() as i64, *opens));
            GroupStats {
                name: name.clone(),
                contacts: *contacts,
                opened,
                opens,
            }
        })
        .collect();
    stats.opened = stats.groups.iter().map(|g| g.opened).sum();
    stats
}

fn time(t: Option<DateTime<Utc>>, timezone: Tz) -> String {
    t.map_or_else(
        || "—".into(),
        |t| {
            t.with_timezone(&timezone)
                .format("%Y-%m-%d %H:%M %Z")
                .to_string()
        },
    )
}

/// The report's HTML text.
pub fn render_text(
    t: &Texts,
    campaign: &str,
    id: i64,
    stats: &Stats,
    dedupe_minutes: u32,
) -> String {
    let machine = |k: Kind| {
        stats
            .machine
            .iter()
            .find(|(kind, _)| *kind == k)
            .map_or(0, |(_, n)| *n)
    };
    let mut text = fill(
        t.report,
        &[
            ("name", &html(campaign)),
            ("id", &id),
            ("contacts", &count(stats.contacts)),
            ("opened", &count(stats.opened)),
            ("rate", &percent(stats.open_rate(), 1)),
            ("opens", &count(stats.opens)),
            ("proxy", &count(machine(Kind::Proxy))),
            ("prefetch", &count(machine(Kind::Prefetch))),
            ("scanner", &count(machine(Kind::Scanner))),
            ("first", &time(stats.first, stats.timezone)),
            ("last", &time(stats.last, stats.timezone)),
            ("minutes", &dedupe_minutes),
        ],
    );
    if !stats.groups.is_empty() {
        let width = stats
            .groups
            .iter()
            .map(|g| g.name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(5, 24);
        let mut table = format!(
            "{:<width$} {:>8} {:>8} {:>7} {:>7}\n",
            t.col_group, t.col_contacts, t.col_opened, t.col_rate, t.col_opens
        );
        for g in &stats.groups {
            let name: String = g.name.chars().take(width).collect();
            table.push_str(&format!(
                "{:<width$} {:>8} {:>8} {:>7} {:>7}\n",
                name,
                g.contacts,
                g.opened,
                percent(g.opened as f64 / g.contacts as f64, 1),
                g.opens
            ));
        }
        text.push_str(&format!("\n\n<pre>{}</pre>", html(table.trim_end())));
    }
    text
}

/// The hour-of-day and daily charts (PNG), when there are human opens.
pub fn charts(t: &Texts, stats: &Stats) -> Vec<(String, Vec<u8>)> {
    if stats.opens == 0 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let hours: Vec<(String, f64)> = stats
        .by_hour
        .iter()
        .enumerate()
        .map(|(h, n)| (format!("{h:02}"), *n as f64))
        .collect();
    let zone = [(
        "timezone",
        &stats.timezone.name() as &(dyn std::fmt::Display + Sync),
    )];
    match chart::bars(&fill(t.chart_hours, &zone), t.col_opens, &hours) {
        Ok(png) => out.push(("hours".to_string(), png)),
        Err(error) => tracing::warn!(%error, "hour-of-day chart failed"),
    }
    let series = DailySeries {
        name: t.col_opens.to_string(),
        points: stats.by_day.iter().map(|(d, n)| (*d, *n as f64)).collect(),
    };
    match chart::daily_lines(&fill(t.chart_days, &zone), t.col_opens, &[series], None) {
        Ok(png) => out.push(("days".to_string(), png)),
        Err(error) => tracing::warn!(%error, "daily chart failed"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn open(contact: i64, group: &str, minute: i64, kind: &str) -> OpenRow {
        OpenRow {
            contact_id: contact,
            group: group.into(),
            opened_at: Utc
                .with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
                .single()
                .expect("time")
                + chrono::Duration::minutes(minute),
            kind: kind.into(),
        }
    }

    #[test]
    fn repeat_hits_within_the_window_count_once() {
        let groups = vec![("A".to_string(), 3), ("B".to_string(), 1)];
        let opens = vec![
            open(1, "A", 0, "human"),
            open(1, "A", 30, "human"), // within 60 min: same open
            open(1, "A", 61, "human"), // a new open
            open(1, "A", 62, "human"),
            open(2, "A", 5, "proxy"),
            open(2, "A", 6, "proxy"),
            open(3, "A", 0, "prefetch"),
            open(3, "A", 1, "scanner"),
            open(4, "B", 24 * 60, "human"),
        ];
        let stats = compute(&groups, &opens, 60, chrono_tz::UTC);
        assert_eq!((stats.contacts, stats.opened, stats.opens), (4, 2, 3));
        assert_eq!(
            stats.machine,
            [(Kind::Proxy, 1), (Kind::Prefetch, 1), (Kind::Scanner, 1)]
        );
        assert_eq!(
            stats.groups[0],
            GroupStats {
                name: "A".into(),
                contacts: 3,
                opened: 1,
                opens: 2
            }
        );
        assert_eq!(stats.groups[1].opened, 1);
        assert_eq!((stats.by_hour[9], stats.by_hour[10]), (2, 1));
        assert_eq!(stats.by_day.len(), 2);
        assert_eq!(stats.first, Some(opens[0].opened_at));
        assert_eq!(stats.last, Some(opens[8].opened_at));
        assert!((stats.open_rate() - 0.5).abs() < 1e-9);
        let zero = compute(&groups, &opens, 0, chrono_tz::UTC);
        assert_eq!(zero.opens, 5);
    }

    #[test]
    fn an_empty_campaign_reports_dashes() {
        let stats = compute(&[], &[], 60, chrono_tz::UTC);
        let text = render_text(
            super::super::texts::texts(crate::telegram::lang::Lang::En),
            "X <y>",
            7,
            &stats,
            60,
        );
        assert!(text.contains("X &lt;y&gt;"), "{text}");
        assert!(text.contains("—"), "{text}");
        assert!(charts(
            super::super::texts::texts(crate::telegram::lang::Lang::En),
            &stats
        )
        .is_empty());
    }

    #[test]
    fn hours_days_and_times_follow_the_readers_timezone() {
        let groups = vec![("A".to_string(), 1)];
        // Minute 0 is 2026-03-01 09:00 UTC in `open`; 23:30 UTC is 02:30 in Moscow.
        let opens = vec![open(1, "A", 14 * 60 + 30, "human")];
        let utc = compute(&groups, &opens, 60, chrono_tz::UTC);
        let moscow = compute(&groups, &opens, 60, chrono_tz::Europe::Moscow);
        assert_eq!((utc.by_hour[23], moscow.by_hour[2]), (1, 1));
        assert_ne!(utc.by_day.keys().next(), moscow.by_day.keys().next());
        assert_eq!(
            moscow.by_day.keys().next().copied(),
            utc.by_day.keys().next().and_then(|d| d.succ_opt())
        );
        let text = render_text(
            crate::features::pixel::texts::texts(crate::telegram::lang::Lang::En),
            "C",
            1,
            &moscow,
            60,
        );
        assert!(text.contains("02:30 MSK"), "{text}");
    }
}
