//! The report arithmetic: totals, recomputed ratios, deltas, division by zero,
//! top 15 + others, zero-goal spenders, partial today, CSV.

use std::str::FromStr;

use super::*;
use crate::features::vk::client::DayRow;
use crate::features::vk::texts::texts;
use crate::telegram::lang::Lang;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
}

fn money_of(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn base(shows: i64, clicks: i64, spent: &str, goals: i64) -> Base {
    Base {
        shows,
        clicks,
        spent: money_of(spent),
        goals,
    }
}

fn item(id: i64, rows: &[(&str, Base)]) -> ItemStats {
    ItemStats {
        id,
        rows: rows
            .iter()
            .map(|(date, base)| DayRow {
                date: d(date),
                base: *base,
            })
            .collect(),
    }
}

fn campaign(id: i64, name: &str) -> VkObject {
    VkObject {
        id,
        name: name.into(),
        status: "active".into(),
    }
}

fn week() -> Period {
    Period {
        from: d("2024-05-08"),
        to: d("2024-05-14"),
    }
}

#[test]
fn ratios_are_recomputed_from_totals_not_averaged() {
    // Campaign A: CTR 10%, campaign B: CTR 1%; the average would be 5.5%.
    let stats = [
        item(1, &[("2024-05-08", base(100, 10, "50", 1))]),
        item(2, &[("2024-05-09", base(10_000, 100, "150", 0))]),
    ];
    let r = build(
        "acc",
        week(),
        d("2024-06-01"),
        &[campaign(1, "A"), campaign(2, "B")],
        &stats,
    );
    assert_eq!(r.current, base(10_100, 110, "200", 1));
    let ctr = ctr(&r.current).unwrap_or_default();
    assert!((ctr - 110.0 / 10_100.0).abs() < 1e-12);
    assert_eq!(
        cpc(&r.current).map(|v| v.round_dp(4)),
        Some(money_of("1.8182"))
    );
    assert_eq!(
        cpm(&r.current).map(|v| v.round_dp(4)),
        Some(money_of("19.8020"))
    );
    assert_eq!(cpa(&r.current), Some(money_of("200")));
}

#[test]
fn division_by_zero_gives_no_ratio_and_a_dash() {
    let zero = Base::default();
    assert_eq!(
        (ctr(&zero), cpc(&zero), cpm(&zero), cpa(&zero)),
        (None, None, None, None)
    );
    let spent_no_clicks = base(1000, 0, "10", 0);
    assert_eq!(cpc(&spent_no_clicks), None);
    assert_eq!(cpm(&spent_no_clicks), Some(money_of("10")));
    let r = build("acc", week(), d("2024-06-01"), &[], &[]);
    let text = render_text(&r, texts(Lang::En));
    assert!(text.contains("No activity in this period"), "{text}");
    assert!(text.contains("CPC: <b>—</b> (—)"), "{text}");
    assert!(text.contains("Impressions: <b>0</b> (—)"), "{text}");
}

#[test]
fn deltas_compare_with_the_previous_period_of_equal_length() {
    let stats = [item(
        1,
        &[
            ("2024-05-01", base(1000, 10, "100.00", 2)), // previous period
            ("2024-05-07", base(1000, 10, "100.00", 2)), // previous period
            ("2024-05-08", base(2000, 30, "300.00", 3)), // current
            ("2024-04-30", base(9999, 99, "999", 9)),    // before both: ignored
        ],
    )];
    let r = build(
        "acc",
        week(),
        d("2024-06-01"),
        &[campaign(1, "Main")],
        &stats,
    );
    assert_eq!(
        r.previous,
        Period {
            from: d("2024-05-01"),
            to: d("2024-05-07")
        }
    );
    assert_eq!(r.prior, base(2000, 20, "200.00", 4));
    assert_eq!(r.current, base(2000, 30, "300.00", 3));
    let text = render_text(&r, texts(Lang::En));
    assert!(text.contains("Spent: <b>300.00</b> (+50.0%)"), "{text}");
    assert!(text.contains("Clicks: <b>30</b> (+50.0%)"), "{text}");
    assert!(text.contains("Goals: <b>3</b> (−25.0%)"), "{text}");
    // CPC 10.00 → 10.00; CPA 50 → 100: +100%.
    assert!(text.contains("CPC: <b>10.00</b> (+0.0%)"), "{text}");
    assert!(text.contains("CPA: <b>100.00</b> (+100.0%)"), "{text}");
    assert!(!text.contains("partial"), "{text}");
    assert_eq!(r.daily.len(), 7, "every day, zero when absent");
    assert_eq!(r.daily[1].1, Base::default());
}

#[test]
fn top_fifteen_by_spend_then_others_and_zero_goal_spenders_are_flagged() {
    let campaigns: Vec<VkObject> = (1..=20).map(|i| campaign(i, &format!("C{i:02}"))).collect();
    let stats: Vec<ItemStats> = (1..=20)
        .map(|i| {
            item(
                i,
                &[(
                    "2024-05-10",
                    base(100, 1, &format!("{}", i * 10), i64::from(i % 2 == 0)),
                )],
            )
        })
        .collect();
    let r = build("acc", week(), d("2024-05-14"), &campaigns, &stats);
    assert_eq!(r.top.len(), TOP);
    assert_eq!(r.top[0].name, "C20");
    assert_eq!(r.top[14].name, "C06");
    let (n, others, _) = r.others.unwrap_or_default();
    assert_eq!(n, 5);
    assert_eq!(others.spent, money_of("150"));
    assert!(r.partial, "the period includes today");
    let text = render_text(&r, texts(Lang::En));
    assert!(text.contains("Today's data is partial"));
    assert!(text.contains("others (5)"), "{text}");
    let flagged: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("spends without goals"))
        .collect();
    assert_eq!(
        flagged.len(),
        7,
        "odd campaigns among the top 15: {flagged:?}"
    );
    assert!(flagged[0].contains("C19"));
}

#[test]
fn csv_has_the_daily_rows_of_the_period_only() {
    let stats = [item(
        7,
        &[
            ("2024-05-09", base(5, 1, "1.50", 0)),
            ("2024-05-01", base(1, 1, "1", 1)),
        ],
    )];
    let bytes = csv(week(), &[campaign(7, "Spring, sale")], &stats, true).unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_default();
    assert_eq!(
        text,
        "date,campaign_id,campaign,shows,clicks,spent,goals\n2024-05-09,7,\"Spring, sale\",5,1,1.50,0\n"
    );
    let bytes = csv(week(), &[campaign(7, "x")], &stats, false).unwrap_or_default();
    let text = String::from_utf8(bytes).unwrap_or_default();
    assert!(text.ends_with("\n2024-05-09,7,x,5,1,1.50,\n"), "{text}");
}

#[test]
fn without_goals_goals_and_cpa_are_unavailable_and_nobody_is_flagged() {
    let stats = [item(1, &[("2024-05-09", base(100, 5, "50", 0))])];
    let r = build(
        "acc",
        week(),
        d("2024-06-01"),
        &[campaign(1, "Old")],
        &stats,
    )
    .without_goals();
    for lang in [Lang::En, Lang::Ru] {
        let t = texts(lang);
        let text = render_text(&r, t);
        let goals = format!("{}: <b>—</b> ({})", t.goals, t.goals_unavailable);
        let cpa = format!("{}: <b>—</b> ({})", t.cpa, t.goals_unavailable);
        assert!(text.contains(&goals), "{text}");
        assert!(text.contains(&cpa), "{text}");
        assert!(!text.contains(t.zero_goals_flag), "{text}");
        assert!(text.contains("CPC: <b>10.00</b>"), "{text}");
    }
}

#[test]
fn the_chart_is_a_png() {
    let stats = [item(1, &[("2024-05-09", base(5, 1, "1.50", 0))])];
    let r = build("acc", week(), d("2024-06-01"), &[campaign(1, "x")], &stats);
    let png = chart(&r, texts(Lang::Ru)).unwrap_or_default();
    assert!(png.starts_with(b"\x89PNG"));
}
